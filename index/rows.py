"""Chunk rows as arrays: which article each vector row belongs to, its offsets, its text's hash.

A generation stores them in ``rows.npy`` (one 28-byte record per row: the article's position
in the sorted article ids, ``start``, ``end``, and the 16-byte BLAKE2b digest of the chunk's
text), so a million rows open in milliseconds and cost 28 MB, not a million Python objects.
A chunk's id is not stored: it is always ``"{article_id}:{start}-{end}"``.

:class:`Layout` groups the rows by article: the articles in sorted id order (the documents of
whole-article BM25 and the positions date windows are computed over), each row's position in
it, and each article's rows, all as arrays.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import overload

import numpy as np

from .records import Article, Chunk, chunk_id

__all__ = ["ROWS_FILE", "ChunkRow", "Layout", "Rows"]

ROWS_FILE = "rows.npy"
_RECORD = np.dtype([("article", "<i4"), ("start", "<i4"), ("end", "<i4"), ("digest", "S16")])


@dataclass(frozen=True, slots=True)
class ChunkRow:
    """One row as callers see it: the chunk's id, article, offsets and text hash (hex)."""

    id: str
    article_id: str
    start: int
    end: int
    text_hash: str

    def chunk_of(self, article: Article) -> Chunk:
        return Chunk(
            self.id, self.article_id, self.start, self.end, article.text[self.start : self.end]
        )


class Rows(Sequence[ChunkRow]):
    """Every chunk row, in vector order: ``names[article[i]]`` is row ``i``'s article."""

    def __init__(
        self,
        names: list[str],
        article: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        digest: np.ndarray,
    ) -> None:
        self.names = names
        self.article = article
        self.start = start
        self.end = end
        self.digest = digest
        self._index = {name: i for i, name in enumerate(names)}

    @classmethod
    def empty(cls) -> Rows:
        return cls(
            [],
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0, np.int32),
            np.zeros(0, "S16"),
        )

    @classmethod
    def of(cls, rows: Sequence[tuple[str, int, int, str]]) -> Rows:
        """Rows from ``(article_id, start, end, text_hash hex)`` tuples."""
        out = cls.empty()
        out.extend(rows)
        return out

    @classmethod
    def load(cls, folder: Path, ids: list[str]) -> Rows:
        """A generation's rows; ``ids`` are its articles' ids, sorted (the stored positions)."""
        records = np.load(folder / ROWS_FILE)
        if records.dtype != _RECORD:
            raise ValueError(f"{ROWS_FILE} has records of {records.dtype}, not {_RECORD}")
        if len(records) and not 0 <= int(records["article"].min()) <= int(
            records["article"].max()
        ) < len(ids):
            raise ValueError(f"{ROWS_FILE} names articles the catalog does not hold")
        return cls(
            list(ids),
            np.ascontiguousarray(records["article"]),
            np.ascontiguousarray(records["start"]),
            np.ascontiguousarray(records["end"]),
            np.ascontiguousarray(records["digest"]),
        )

    def save(self, folder: Path, ids: list[str]) -> None:
        """Write ``rows.npy``; ``ids`` are every article's id, sorted."""
        position = {name: i for i, name in enumerate(ids)}
        remap = np.fromiter((position.get(n, -1) for n in self.names), np.int32, len(self.names))
        records = np.empty(len(self), _RECORD)
        records["article"] = remap[self.article]
        records["start"], records["end"], records["digest"] = self.start, self.end, self.digest
        np.save(folder / ROWS_FILE, records)

    def __len__(self) -> int:
        return len(self.article)

    @overload
    def __getitem__(self, row: int) -> ChunkRow: ...
    @overload
    def __getitem__(self, row: slice) -> Sequence[ChunkRow]: ...
    def __getitem__(self, row: int | slice) -> ChunkRow | Sequence[ChunkRow]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        name = self.names[int(self.article[row])]
        start, end = int(self.start[row]), int(self.end[row])
        return ChunkRow(chunk_id(name, start, end), name, start, end, self.text_hash(row))

    def text_hash(self, row: int) -> str:
        """Row ``row``'s text hash (hex). NumPy drops an ``S16`` value's trailing zero bytes
        when it is read out, so they are put back."""
        return bytes(self.digest[row]).ljust(16, b"\0").hex()

    def __iter__(self) -> Iterator[ChunkRow]:
        for row in range(len(self)):
            yield self[row]

    def extend(self, rows: Sequence[tuple[str, int, int, str]]) -> None:
        """Append ``(article_id, start, end, text_hash hex)`` rows."""
        if not rows:
            return
        for name, *_ in rows:
            if name not in self._index:
                self._index[name] = len(self.names)
                self.names.append(name)
        n = len(rows)
        self.article = np.concatenate(
            [self.article, np.fromiter((self._index[r[0]] for r in rows), np.int32, n)]
        )
        self.start = np.concatenate([self.start, np.fromiter((r[1] for r in rows), np.int32, n)])
        self.end = np.concatenate([self.end, np.fromiter((r[2] for r in rows), np.int32, n)])
        digests = np.array([bytes.fromhex(r[3]) for r in rows], dtype="S16")
        self.digest = np.concatenate([self.digest, digests])

    def keep(self, rows: np.ndarray) -> Rows:
        """Only these rows, in this order."""
        return Rows(
            self.names, self.article[rows], self.start[rows], self.end[rows], self.digest[rows]
        )

    def rows_without(self, article_ids: set[str]) -> np.ndarray:
        """The rows whose article is not one of ``article_ids``."""
        gone = np.fromiter((n in article_ids for n in self.names), bool, len(self.names))
        return np.flatnonzero(~gone[self.article])

    def with_digests(self, hashes: Sequence[str]) -> np.ndarray:
        """The rows whose text hash is one of ``hashes`` (hex)."""
        wanted = np.array([bytes.fromhex(h) for h in hashes], dtype="S16")
        return np.flatnonzero(np.isin(self.digest, wanted))

    def layout(self) -> Layout:
        return Layout.of(self.names, self.article)


@dataclass(frozen=True, slots=True)
class _Groups:
    by_article: np.ndarray  # row numbers sorted by article position (stable)
    bounds: np.ndarray  # article p's rows are by_article[bounds[p]:bounds[p + 1]]


class Layout:
    """Articles in sorted id order (the documents of whole-article BM25) and their rows."""

    def __init__(self, order: list[str], row_article: np.ndarray) -> None:
        self.order = order
        self.row_article = row_article  # per chunk row: its article's position in ``order``

    @classmethod
    def of(cls, names: Sequence[str], article: np.ndarray) -> Layout:
        """The layout of rows whose article is ``names[article[i]]`` (articles without rows
        are left out)."""
        used = np.unique(article)
        ids = [names[i] for i in used.tolist()]
        rank = sorted(range(len(ids)), key=ids.__getitem__)
        position = np.zeros(len(names), np.int64)
        position[used[rank]] = np.arange(len(ids))
        return cls([ids[i] for i in rank], position[article] if len(article) else position[:0])

    @cached_property
    def _groups(self) -> _Groups:
        by_article = np.argsort(self.row_article, kind="stable")
        bounds = np.searchsorted(self.row_article[by_article], np.arange(len(self.order) + 1))
        return _Groups(by_article, bounds)

    def position(self, article_id: str) -> int | None:
        """``article_id``'s position in ``order``; None when it has no rows."""
        at = bisect_left(self.order, article_id)
        return at if at < len(self.order) and self.order[at] == article_id else None

    def rows_of(self, article_id: str) -> np.ndarray:
        """The rows of ``article_id``, in row order (empty when it has none)."""
        at = self.position(article_id)
        if at is None:
            return np.zeros(0, np.int64)
        groups = self._groups
        return groups.by_article[groups.bounds[at] : groups.bounds[at + 1]]

    def counts(self) -> np.ndarray:
        """How many rows each article in ``order`` has."""
        return np.bincount(self.row_article, minlength=len(self.order))

    def article_of(self, row: int) -> str:
        return self.order[int(self.row_article[row])]
