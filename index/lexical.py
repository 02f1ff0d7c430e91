"""BM25 (bm25s) over chunk texts and over whole articles, in segments, saved without pickle.

Each ``lexical-NNN/`` folder of a generation is a :class:`Segment`: ``bm25/`` over a range of
chunk rows (document ``i`` is row ``first + i``), ``bm25-articles/`` over whole articles (title
and text; document ``i`` is the ``i``-th id of ``segment.json``). Indexes written before
segments hold one ``bm25/`` and one ``bm25-articles/`` (documents in sorted id order, the
:class:`Layout` of ``rows.py``), read as a single segment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .bm25 import Bm25
from .generations import link_tree
from .rows import Layout

__all__ = ["Lexical", "Segment", "Texts"]

CHUNKS, ARTICLES = "bm25", "bm25-articles"
PREFIX, SEGMENT = "lexical-", "segment.json"


class Texts(Protocol):
    """Where a lexical index gets the texts it indexes: the store."""

    def chunk_texts(self, rows: range) -> list[str]: ...

    def article_texts(self, ids: Iterable[str]) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Segment:
    """BM25 over the chunk rows ``[first, first + chunks.size)`` and over the articles
    ``ids`` (title and text; document ``i`` is ``ids[i]``). ``folder``: where it is stored."""

    first: int
    chunks: Bm25
    articles: Bm25
    ids: list[str]
    folder: Path | None = None

    @property
    def rows(self) -> int:
        return self.chunks.size

    @classmethod
    def build(cls, first: int, chunk_texts: Sequence[str], articles: dict[str, str]) -> Segment:
        return cls(
            first, Bm25.build(chunk_texts), Bm25.build(list(articles.values())), list(articles)
        )

    @classmethod
    def load(cls, folder: Path) -> Segment:
        meta = json.loads((folder / SEGMENT).read_text(encoding="utf-8"))
        ids = meta["articles"]
        return cls(
            meta["first"],
            Bm25.load(folder / CHUNKS, meta["rows"]),
            Bm25.load(folder / ARTICLES, len(ids)),
            ids,
            folder,
        )

    @staticmethod
    def stored(folder: Path) -> bool:
        """Whether ``folder`` holds a whole segment."""
        if not (folder / SEGMENT).is_file():
            return False
        meta = json.loads((folder / SEGMENT).read_text(encoding="utf-8"))
        return (not meta["rows"] or Bm25.stored(folder / CHUNKS)) and (
            not meta["articles"] or Bm25.stored(folder / ARTICLES)
        )

    def save(self, folder: Path) -> None:
        """Write the segment into ``folder``; one already stored is linked, not rewritten
        (segments never change once written)."""
        if self.folder is not None:
            link_tree(self.folder, folder)
            return
        folder.mkdir()
        self.chunks.save(folder / CHUNKS)
        self.articles.save(folder / ARTICLES)
        meta = {"first": self.first, "rows": self.rows, "articles": self.ids}
        (folder / SEGMENT).write_text(json.dumps(meta), encoding="utf-8")


class Lexical:
    """The BM25s of a generation, over chunk rows and over whole articles, in segments.

    A save that only adds articles adds a segment for them instead of re-indexing every chunk
    (at a million chunks that took minutes); the newest segments are merged once a segment
    is at least 1/``MERGE`` of the one before it, so there are O(log n) segments and each
    chunk is re-indexed a bounded number of times. Removing or replacing articles rebuilds
    one segment. Each segment scores with its own term statistics (as shards of a search
    engine do); the best of every segment are merged by score.
    """

    MERGE = 4

    def __init__(self, segments: list[Segment], layout: Layout) -> None:
        self.segments = segments
        self.layout = layout
        self._positions_of: dict[int, np.ndarray] = {}

    @classmethod
    def build(
        cls, chunk_texts: Sequence[str], article_texts: Sequence[str], layout: Layout
    ) -> Lexical:
        """``article_texts`` in ``layout.order``."""
        articles = dict(zip(layout.order, article_texts, strict=True))
        return cls([Segment.build(0, chunk_texts, articles)], layout)

    @property
    def rows(self) -> int:
        """How many chunk rows the segments cover."""
        return sum(s.rows for s in self.segments)

    @property
    def article_count(self) -> int:
        return sum(len(s.ids) for s in self.segments)

    @classmethod
    def current(cls, lexical: Lexical | None, layout: Layout, texts: Texts) -> Lexical:
        """``lexical`` brought up to ``layout``'s rows: built whole when there is none (after
        a removal, or in an index older than stored BM25); the rows added since, as a new
        segment (merged with the newest ones as :data:`MERGE` says)."""
        rows = len(layout.row_article)
        if lexical is None:
            everything = texts.chunk_texts(range(rows))
            return cls.build(everything, texts.article_texts(layout.order), layout)
        if lexical.rows < rows:
            first = lexical.rows
            ids = [layout.order[p] for p in dict.fromkeys(layout.row_article[first:].tolist())]
            new = Segment.build(first, texts.chunk_texts(range(first, rows)), _articles(texts, ids))
            segments = [*lexical.segments, new]
            while len(segments) > 1 and segments[-2].rows < cls.MERGE * segments[-1].rows:
                older, newer = segments[-2:]
                merged = range(older.first, newer.first + newer.rows)
                articles = _articles(texts, [*older.ids, *newer.ids])
                segments[-2:] = [Segment.build(older.first, texts.chunk_texts(merged), articles)]
            return cls(segments, layout)
        return lexical if lexical.layout is layout else cls(lexical.segments, layout)

    @staticmethod
    def stored(folder: Path) -> bool:
        """Whether ``folder`` holds the BM25s (an index written by Dateline 0.1 may not)."""
        if any(folder.glob(f"{PREFIX}*")):
            return all(Segment.stored(s) for s in folder.glob(f"{PREFIX}*"))
        return Bm25.stored(folder / CHUNKS) and Bm25.stored(folder / ARTICLES)

    @classmethod
    def load(cls, folder: Path, layout: Layout) -> Lexical:
        stored = sorted(folder.glob(f"{PREFIX}*"))
        if not stored:  # written before segments: one BM25 of each, in layout order
            legacy = Segment(
                0,
                Bm25.load(folder / CHUNKS, len(layout.row_article)),
                Bm25.load(folder / ARTICLES, len(layout.order)),
                list(layout.order),
            )
            return cls([legacy], layout)
        segments = [Segment.load(s) for s in stored]
        if [s.first for s in segments] != list(np.cumsum([0] + [s.rows for s in segments])[:-1]):
            raise ValueError(f"BM25 segments in {folder} do not cover the rows in order")
        return cls(segments, layout)

    def save(self, folder: Path) -> None:
        for number, segment in enumerate(self.segments):
            segment.save(folder / f"{PREFIX}{number:03d}")

    def search_chunks(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the ``k`` best chunks (within the boolean row ``mask``)."""
        found = []
        for s in self.segments:
            part = None if mask is None else mask[s.first : s.first + s.rows].astype(np.float32)
            docs, scores = s.chunks.search(query, k, part)
            found.append((docs + s.first, scores))
        return _best(found, k)

    def search_articles(
        self, query: str, k: int, articles: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Ids and BM25 scores of the ``k`` best whole articles (``articles``: a boolean mask
        over ``layout.order``, None for all)."""
        found = []
        for s in self.segments:
            positions = self._positions(s)
            part = None if articles is None else articles[positions].astype(np.float32)
            docs, scores = s.articles.search(query, k, part)
            found.append((positions[docs], scores))
        rows, scores = _best(found, k)
        return [
            (self.layout.order[r], float(s))
            for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
        ]

    def _positions(self, segment: Segment) -> np.ndarray:
        """Each of the segment's articles' position in ``layout.order``."""
        key = id(segment)
        if key not in self._positions_of:
            order = np.asarray(self.layout.order, dtype=object)
            at = np.searchsorted(order, np.asarray(segment.ids, dtype=object))
            self._positions_of[key] = at.astype(np.int64)
        return self._positions_of[key]


def _articles(texts: Texts, ids: list[str]) -> dict[str, str]:
    return dict(zip(ids, texts.article_texts(ids), strict=True))


def _best(found: list[tuple[np.ndarray, np.ndarray]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of several (ids, scores) lists, by score then id."""
    if len(found) == 1:
        return found[0]
    ids = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
    scores = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.float32)
    best = np.lexsort((ids, -scores))[:k]
    return ids[best], scores[best]
