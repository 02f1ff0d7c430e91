"""The index folder: one generation of records, vectors and BM25 at a time, and the manifest.

The folder's layout and crash protocol: docs/index-format.md.

A save writes a complete new generation folder aside, fsyncs it, then atomically replaces
``manifest.json`` to point at it; only then are generations before the previous one removed.
A crash leaves the manifest pointing at the last complete generation. Writers hold the lock
from open to save (``writing.py``). The store keeps the folder; engines keep their files.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from .catalog import Catalog
from .chunking import ChunkSettings
from .embedding import Embedder
from .errors import ArticleNotFound, IndexCorrupt, IndexMismatch
from .generations import collect_garbage, write_generation
from .lexical import Lexical
from .locking import write_lock
from .manifest import FILENAME, Manifest, check_unchanged
from .ranking import Ranking
from .records import Article, Chunk, Hit, text_hash
from .rows import ROWS_FILE, ChunkRow, Layout, Rows
from .vectors import Vectors

__all__ = ["Store"]


class Store:
    """An index folder, open in memory. Mutations stay in memory until :meth:`save`."""

    # called with the new generation's folder just before the manifest is replaced; tests
    # use it to crash a writer at exactly that moment
    before_publish: ClassVar[Callable[[Path], None] | None] = None

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._rows = Rows.empty()
        self._vectors = Vectors.empty(manifest.dim, manifest.index_kind)
        self._fingerprints: dict[str, str] = {}
        self._published: dict[str, str | None] = {}
        self._pending: dict[str, Article] = {}
        self._removed: set[str] = set()
        self._layout: Layout | None = None
        self._lexical: Lexical | None = None
        self._catalog: Catalog | None = None
        self._dirty = False
        self._locked = False  # True inside `writing()`: the lock is already held

    @classmethod
    def create(
        cls,
        path: str | Path,
        embedder: Embedder,
        *,
        chunking: ChunkSettings | None = None,
        index_kind: str = "auto",
    ) -> Store:
        """A new, empty index for ``path`` built with ``embedder`` (written on :meth:`save`)."""
        if cls.exists(path):
            raise IndexMismatch(f"An index already exists at {path}; open it instead")
        return cls(Path(path), Manifest.new(embedder, chunking or ChunkSettings(), index_kind))

    @classmethod
    def exists(cls, path: str | Path) -> bool:
        return (Path(path) / FILENAME).is_file()

    @classmethod
    def open(cls, path: str | Path, embedder: Embedder | None = None) -> Store:
        """Open the index at ``path``; with ``embedder``, check it is the index's model.

        A writer may switch generations between reading the manifest and opening its files:
        when they can't be read and the manifest names another generation by then, the open
        is retried once with it, and the index is called damaged only if that fails too."""
        store = cls(Path(path), Manifest.read(Path(path)))
        if embedder is not None:
            store.manifest.check_reader(embedder, store.path)
        try:
            store._load()
        except IndexCorrupt:
            store.close()
            manifest = Manifest.read(store.path)
            if manifest.generation == store.manifest.generation:
                raise
            store = cls(store.path, manifest)
            store._load()
        return store

    @classmethod
    def open_or_create(
        cls,
        path: str | Path,
        embedder: Embedder,
        *,
        chunking: ChunkSettings | None = None,
        index_kind: str | None = None,
    ) -> Store:
        """Open the index at ``path`` for writing with ``embedder``, or start a new one
        (another backend or other chunk settings than the index was built with are refused)."""
        if chunking is not None and chunking.max_tokens > embedder.max_tokens:
            raise ValueError(
                f"chunks of {chunking.max_tokens} tokens are over the model's "
                f"limit of {embedder.max_tokens}"
            )
        if not cls.exists(path):
            return cls.create(path, embedder, chunking=chunking, index_kind=index_kind or "auto")
        store = cls.open(path, embedder)
        store.manifest.check_writer(embedder, chunking, store.path)
        if store._lexical is None and len(store):
            store._dirty = True  # written before BM25 was stored: add it on this save
        if index_kind is not None and index_kind != store.manifest.index_kind:
            store.manifest = replace(store.manifest, index_kind=index_kind)
            store._vectors = store._vectors.with_kind(index_kind)
            store._dirty = True  # rebuilt as the new kind on save
        return store

    def _generation(self) -> Path | None:
        generation = self.manifest.generation
        return self.path / generation if generation else None

    def _load(self) -> None:
        gen = self._generation()
        if gen is None:
            return
        try:
            self._catalog = Catalog(gen)
            for article_id, fingerprint, published in self._catalog.articles():
                self._fingerprints[article_id] = fingerprint
                self._published[article_id] = published
            if (gen / ROWS_FILE).exists():
                self._rows = Rows.load(gen, list(self._fingerprints))
            else:  # written before rows.npy: the rows are a table of the catalog
                self._rows = Rows.of(self._catalog.legacy_rows())
            self._vectors = Vectors.load(gen, self.manifest.index_kind)
            if Lexical.stored(gen) or not self._rows:
                self._lexical = Lexical.load(gen, self.layout)
            # else: an index written before BM25 was stored; built on first lexical search
        except (OSError, sqlite3.Error, ValueError, RuntimeError) as exc:
            raise IndexCorrupt(
                f"The index at {self.path} is damaged ({exc}); rebuild it with "
                f"`dateline index PATH --index NEWDIR`"
            ) from exc
        if len(self._rows) != len(self._vectors) or self._vectors.indexed != len(self._rows):
            raise IndexCorrupt(
                f"The index at {self.path} is inconsistent ({len(self._rows)} "
                f"chunks, {len(self._vectors)} vectors); rebuild it"
            )

    @property
    def model(self) -> str:
        return self.manifest.model

    @property
    def chunking(self) -> ChunkSettings:
        return self.manifest.chunking

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._fingerprints

    def article_ids(self) -> list[str]:
        return list(self._fingerprints)

    def fingerprint(self, article_id: str) -> str | None:
        return self._fingerprints.get(article_id)

    @property
    def rows(self) -> Sequence[ChunkRow]:
        """Every chunk row (id, article, offsets, text hash), in vector order."""
        return self._rows

    def article(self, article_id: str) -> Article:
        """The stored article with this id; KeyError when there is none."""
        if article_id in self._pending:
            return self._pending[article_id]
        found = None
        if article_id in self._fingerprints and self._catalog is not None:
            found = self._catalog.article(article_id)
        if found is None:
            raise KeyError(article_id)
        return found

    def summaries(self) -> list[tuple[str, str, str | None, str | None]]:
        """``(id, title, published, source)`` of every saved article, without their texts."""
        return self._catalog.summaries() if self._catalog is not None else []

    def chunks(self, rows: Iterable[int] | None = None) -> Iterator[Chunk]:
        """Every chunk (or those of ``rows``), in row order (loads each article once)."""
        current: Article | None = None
        for meta in self._rows if rows is None else (self._rows[r] for r in rows):
            if current is None or current.id != meta.article_id:
                current = self.article(meta.article_id)
            yield meta.chunk_of(current)

    def hit(self, row: int, score: float, rank: int) -> Hit:
        meta = self._rows[row]
        article = self.article(meta.article_id)  # one SQLite read per hit, not two
        return Hit(meta.chunk_of(article), score, rank, article)

    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors for the chunk texts with these hashes (the embedding cache)."""
        found: dict[str, np.ndarray] = {}
        for row in self._rows.with_digests(list(set(hashes))).tolist():
            found.setdefault(self._rows.text_hash(row), self._vectors.row(row))
        return found

    @property
    def dates(self) -> dict[str, str | None]:
        """Each article's publication date (ISO), None when undated."""
        return self._published

    @property
    def layout(self) -> Layout:
        """Which article each chunk row belongs to."""
        if self._layout is None:
            self._layout = self._rows.layout()
        return self._layout

    @property
    def vectors(self) -> Vectors:
        """The dense engine: vectors and FAISS over every chunk row."""
        return self._vectors

    @property
    def lexical(self) -> Lexical:
        """The lexical engine: BM25 over chunk rows and over whole articles, in segments."""
        self._lexical = Lexical.current(self._lexical, self.layout, self)
        return self._lexical

    def chunk_texts(self, rows: range) -> list[str]:
        return [c.text for c in self.chunks(rows)]

    def article_texts(self, ids: Iterable[str]) -> list[str]:
        """Each article's title and text, as whole-article BM25 reads them."""
        return [f"{a.title}\n{a.text}" for a in map(self.article, ids)]

    def stats(self) -> dict[str, Any]:
        """What ``dateline stats`` shows: the manifest plus where the index lives."""
        shown = {k: v for k, v in self.manifest.to_dict().items() if k != "generation"}
        return {"path": str(self.path), **shown, "faiss": self._vectors.effective_kind}

    def put(self, items: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]]) -> None:
        """Add or replace articles, each with its chunks and their vectors."""
        for article, chunks, vectors in items:
            if len(chunks) != len(vectors):
                raise ValueError(f"{article.id}: {len(chunks)} chunks but {len(vectors)} vectors")
        self._drop_rows({a.id for a, _, _ in items if a.id in self._fingerprints})
        for article, chunks, _ in items:
            self._rows.extend([(c.article_id, c.start, c.end, text_hash(c.text)) for c in chunks])
            self._fingerprints[article.id] = article.fingerprint
            self._published[article.id] = article.published
            self._pending[article.id] = article
            self._removed.discard(article.id)
        self._vectors = self._vectors.extend([v for _, _, v in items])
        self._changed()

    def remove(self, *article_ids: str) -> None:
        """Delete articles and their chunks; nothing is removed when an id is not indexed."""
        missing = [i for i in dict.fromkeys(article_ids) if i not in self._fingerprints]
        if missing:
            raise ArticleNotFound(
                f"No article with id {', '.join(repr(i) for i in missing)} in {self.path}; "
                f"`dateline search` and the chat's sources panel show article ids"
            )
        gone = set(article_ids)
        self._drop_rows(gone)
        for article_id in gone:
            del self._fingerprints[article_id]
            del self._published[article_id]
            self._pending.pop(article_id, None)
        self._removed |= gone
        self._changed()

    def _drop_rows(self, article_ids: set[str]) -> None:
        if not article_ids:
            return
        keep = self._rows.rows_without(article_ids)
        self._rows = self._rows.keep(keep)
        self._vectors = self._vectors.keep(keep.tolist())
        self._lexical = None  # rows renumbered: BM25 is built again
        self._changed()

    def _changed(self) -> None:
        self._layout = None
        self._dirty = True

    def save(self) -> bool:
        """Write the changes as a new generation; False (and no I/O) when nothing changed."""
        if not self._dirty:
            return False
        self.path.mkdir(parents=True, exist_ok=True)
        with contextlib.nullcontext() if self._locked else write_lock(self.path):
            check_unchanged(self.path, self.manifest.generation)
            live = self._generation()
            gen = write_generation(self.path, live, lambda tmp: self._write(tmp, live))
            manifest = self.manifest.saved_as(
                gen.name,
                articles=len(self._fingerprints),
                chunks=len(self._rows),
                dates=[d for d in self._published.values() if d],
            )
            if Store.before_publish is not None:
                Store.before_publish(gen)
            manifest.write(self.path)
            self.manifest = manifest
            collect_garbage(self.path, keep=gen.name, previous=live.name if live else None)
        self._pending.clear()
        self._removed.clear()
        self._dirty = False
        if self._catalog is not None:
            self._catalog.close()
        self._catalog = Catalog(gen)
        self._vectors = Vectors.load(gen, self.manifest.index_kind)
        self._lexical = Lexical.load(gen, self.layout)  # read from disk, and linked next save
        return True

    def set_ranking(self, ranking: Ranking) -> None:
        """Pin ``ranking`` in the manifest (``bench/calibrate.py --write``), under the lock."""
        with write_lock(self.path):
            self.manifest = replace(Manifest.read(self.path), ranking=ranking)
            self.manifest.write(self.path)

    def _write(self, folder: Path, live: Path | None) -> None:
        put, removed = self._pending.values(), self._removed
        Catalog.write(folder, live, put=put, removed=removed)
        self._rows.save(folder, sorted(self._fingerprints))
        self._vectors.save(folder)
        self.lexical.save(folder)

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None
