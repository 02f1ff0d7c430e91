"""The index folder: FAISS vectors, article and chunk records, and ``manifest.json``.

Layout::

    DIR/manifest.json          format version, model, chunker, counts, dates, generation
    DIR/gen-000007/records.sqlite   articles and chunks (no pickle anywhere)
    DIR/gen-000007/vectors.npy      float32 unit vectors, one row per chunk
    DIR/gen-000007/faiss.index      the FAISS index over those rows
    DIR/gen-000007/bm25/            BM25 over the same rows (bm25s arrays and JSON)
    DIR/gen-000007/bm25-articles/   BM25 over whole articles (title and text), by sorted id

A save writes a complete new generation folder aside, fsyncs it, then atomically replaces
``manifest.json`` to point at it; only then are older generations removed. A crash at any
moment leaves the manifest pointing at the last complete generation.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import ChunkSettings
from .errors import IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound
from .lexical import Bm25
from .ranking import Ranking
from .records import Article, Chunk, Hit, text_hash

__all__ = ["FORMAT_VERSION", "INDEX_KINDS", "Store"]

FORMAT_VERSION = 1
INDEX_KINDS = ("flat", "hnsw", "ivf")
MANIFEST = "manifest.json"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, published TEXT,
    source TEXT, url TEXT, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text_hash TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class _ChunkRow:
    id: str
    article_id: str
    start: int
    end: int
    text_hash: str

    def chunk_of(self, article: Article) -> Chunk:
        return Chunk(self.id, self.article_id, self.start, self.end,
                     article.text[self.start : self.end])


@dataclass(frozen=True, slots=True)
class _Layout:
    """Articles in sorted id order (the documents of whole-article BM25) and their rows."""

    order: list[str]
    row_article: np.ndarray  # per chunk row: its article's position in ``order``
    rows: dict[str, list[int]]

    @classmethod
    def of(cls, chunk_rows: Sequence[_ChunkRow]) -> _Layout:
        rows: dict[str, list[int]] = {}
        for row, meta in enumerate(chunk_rows):
            rows.setdefault(meta.article_id, []).append(row)
        order = sorted(rows)
        position = {a: i for i, a in enumerate(order)}
        row_article = np.fromiter((position[m.article_id] for m in chunk_rows), dtype=np.int64,
                                  count=len(chunk_rows))
        return cls(order, row_article, rows)

    def article_mask(self, articles: set[str]) -> np.ndarray:
        return np.fromiter((a in articles for a in self.order), dtype=bool,
                           count=len(self.order))


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_only(generation: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{generation / 'records.sqlite'}?mode=ro", uri=True,
                           check_same_thread=False)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_path(path.parent)


class Store:
    """An index folder, open in memory. Mutations stay in memory until :meth:`save`."""

    def __init__(self, path: Path, manifest: dict[str, Any]) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._rows: list[_ChunkRow] = []
        self._vectors = np.zeros((0, int(manifest["dim"])), dtype=np.float32)
        self._fingerprints: dict[str, str] = {}
        self._published: dict[str, str | None] = {}
        self._pending: dict[str, Article] = {}
        self._removed: set[str] = set()
        self._faiss: Any = None
        self._bm25: Bm25 | None = None
        self._article_bm25: Bm25 | None = None
        self._layout: _Layout | None = None
        self._db: sqlite3.Connection | None = None
        self._dirty = False

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, *, model: str, backend: str, dim: int,
               chunking: ChunkSettings, index_kind: str = "flat") -> Store:
        """A new, empty index for ``path`` (written on the first :meth:`save`)."""
        if index_kind not in INDEX_KINDS:
            raise ValueError(f"index_kind must be one of {', '.join(INDEX_KINDS)}; "
                             f"got {index_kind!r}")
        if (Path(path) / MANIFEST).exists():
            raise IndexMismatch(f"An index already exists at {path}; open it instead")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {
            "format_version": FORMAT_VERSION, "generation": None, "model": model,
            "backend": backend, "dim": dim, "chunking": asdict(chunking),
            "index_kind": index_kind, "ranking": Ranking().to_dict(),
            "counts": {"articles": 0, "chunks": 0},
            "dates": {"first": None, "last": None}, "created": now, "updated": now,
        }
        return cls(Path(path), manifest)

    @classmethod
    def exists(cls, path: str | Path) -> bool:
        return (Path(path) / MANIFEST).is_file()

    @classmethod
    def open(cls, path: str | Path, *, model: str | None = None, dim: int | None = None) -> Store:
        """Open the index at ``path``; with ``model``/``dim``, check they match the index."""
        path = Path(path)
        manifest_path = path / MANIFEST
        if not manifest_path.is_file():
            raise IndexNotFound(f"No index at {path}; run `dateline index PATH --index {path}`")
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise IndexCorrupt(f"Cannot read {manifest_path} ({exc}); rebuild the index with "
                               f"`dateline index PATH --index NEWDIR`") from exc
        if manifest.get("format_version") != FORMAT_VERSION:
            raise IndexMismatch(
                f"The index at {path} has format version {manifest.get('format_version')}, "
                f"this Dateline reads version {FORMAT_VERSION}; rebuild it with "
                f"`dateline index PATH --index NEWDIR`")
        if (model is not None and manifest["model"] != model) or \
                (dim is not None and manifest["dim"] != dim):
            raise IndexMismatch(
                f"The index at {path} was built with {manifest['model']} "
                f"({manifest['dim']}-d vectors) but this run uses {model} ({dim}-d); "
                f"use the same model, or index into a new folder with "
                f"`dateline index PATH --index NEWDIR`")
        store = cls(path, manifest)
        store._load()
        return store

    @classmethod
    def open_or_create(cls, path: str | Path, *, model: str, backend: str, dim: int,
                       chunking: ChunkSettings | None = None,
                       index_kind: str | None = None) -> Store:
        """Open the index at ``path`` for writing with this embedder, or start a new one.

        Vectors from different backends differ slightly, so writing with another backend
        than the index was built with is refused.
        """
        if not cls.exists(path):
            return cls.create(path, model=model, backend=backend, dim=dim,
                              chunking=chunking or ChunkSettings(),
                              index_kind=index_kind or "flat")
        store = cls.open(path, model=model, dim=dim)
        if store.manifest["backend"] != backend:
            raise IndexMismatch(
                f"The index at {path} was built with the {store.manifest['backend']} backend; "
                f"add to it with `--backend {store.manifest['backend']}`, or index into a new "
                f"folder")
        if chunking is not None and chunking != store.chunking:
            raise IndexMismatch(
                f"The index at {path} uses chunks of {store.chunking.max_tokens} tokens "
                f"(overlap {store.chunking.overlap_tokens}); index into a new folder to change "
                f"chunking")
        if (store._bm25 is None or store._article_bm25 is None) and len(store):
            store._dirty = True  # written before BM25 was stored: add it on this save
        if index_kind is not None and index_kind != store.manifest["index_kind"]:
            store.manifest["index_kind"] = index_kind
            store._dirty = True  # rebuilt as the new kind on save
        return store

    def _generation_dir(self) -> Path | None:
        generation = self.manifest.get("generation")
        return self.path / generation if generation else None

    def _load(self) -> None:
        gen = self._generation_dir()
        if gen is None:
            return
        try:
            self._db = _read_only(gen)
            for article_id, fingerprint, published in self._db.execute(
                    "SELECT id, fingerprint, published FROM articles"):
                self._fingerprints[article_id] = fingerprint
                self._published[article_id] = published
            self._rows = [_ChunkRow(*r) for r in self._db.execute(
                'SELECT id, article_id, start, "end", text_hash FROM chunks ORDER BY row')]
            self._vectors = np.load(gen / "vectors.npy", mmap_mode="r")
            import faiss

            self._faiss = faiss.read_index(str(gen / "faiss.index"))
            if (gen / "bm25" / "params.index.json").exists() or not self._rows:
                self._bm25 = Bm25.load(gen / "bm25", len(self._rows))
            # else: an index written before BM25 was stored; built on first lexical search
            if (gen / "bm25-articles" / "params.index.json").exists() or not self._rows:
                self._article_bm25 = Bm25.load(gen / "bm25-articles",
                                               len(self._articles_layout().order))
        except (OSError, sqlite3.Error, ValueError, RuntimeError) as exc:
            raise IndexCorrupt(f"The index at {self.path} is damaged ({exc}); rebuild it with "
                               f"`dateline index PATH --index NEWDIR`") from exc
        if len(self._rows) != len(self._vectors) or self._faiss.ntotal != len(self._rows):
            raise IndexCorrupt(f"The index at {self.path} is inconsistent ({len(self._rows)} "
                               f"chunks, {len(self._vectors)} vectors); rebuild it")

    # -- reading -------------------------------------------------------------------------

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def chunking(self) -> ChunkSettings:
        return ChunkSettings(**self.manifest["chunking"])

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._fingerprints

    def article_ids(self) -> list[str]:
        return list(self._fingerprints)

    def fingerprint(self, article_id: str) -> str | None:
        return self._fingerprints.get(article_id)

    def article(self, article_id: str) -> Article:
        """The stored article with this id; KeyError when there is none."""
        if article_id in self._pending:
            return self._pending[article_id]
        if article_id not in self._fingerprints or self._db is None:
            raise KeyError(article_id)
        row = self._db.execute(
            "SELECT id, title, text, published, source, url FROM articles WHERE id = ?",
            (article_id,)).fetchone()
        if row is None:
            raise KeyError(article_id)
        return Article(*row)

    def chunk(self, row: int) -> Chunk:
        meta = self._rows[row]
        return meta.chunk_of(self.article(meta.article_id))

    def chunks(self) -> Iterator[Chunk]:
        """Every chunk, in row order (loads each article once)."""
        current: Article | None = None
        for meta in self._rows:
            if current is None or current.id != meta.article_id:
                current = self.article(meta.article_id)
            yield meta.chunk_of(current)

    def cached_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Stored vectors for the chunk texts with these hashes (the embedding cache)."""
        wanted = set(hashes)
        found: dict[str, np.ndarray] = {}
        for row, meta in enumerate(self._rows):
            if meta.text_hash in wanted and meta.text_hash not in found:
                found[meta.text_hash] = np.asarray(self._vectors[row])
        return found

    def published_between(self, since: str | None = None, until: str | None = None, *,
                          keep_undated: bool = False) -> set[str] | None:
        """Ids of articles published in ``[since, until]`` (ISO dates), or None for all.

        Articles without a date are left out once a bound is set, unless ``keep_undated``.
        """
        if since is None and until is None:
            return None
        return {a for a, d in self._published.items()
                if (d is None and keep_undated) or (
                    d is not None and (since is None or d >= since)
                    and (until is None or d <= until))}

    def _articles_layout(self) -> _Layout:
        if self._layout is None:
            self._layout = _Layout.of(self._rows)
        return self._layout

    def row_mask(self, articles: set[str] | None) -> np.ndarray | None:
        """True for the rows of chunks of ``articles`` (None: no mask, every row)."""
        if articles is None:
            return None
        layout = self._articles_layout()
        return layout.article_mask(articles)[layout.row_article]

    def rows_of(self, article_id: str) -> list[int]:
        """The chunk rows of one article, in text order (empty when it is not indexed)."""
        return self._articles_layout().rows.get(article_id, [])

    def best_row(self, article_id: str, vector: np.ndarray) -> int | None:
        """The row of the article's chunk nearest to the unit ``vector``."""
        rows = self.rows_of(article_id)
        if not rows:
            return None
        return rows[int(np.argmax(np.asarray(self._vectors[rows]) @ vector))]

    def article_id_of(self, row: int) -> str:
        """The id of the article chunk ``row`` belongs to."""
        return self._rows[row].article_id

    def published_of(self, row: int) -> str | None:
        """The publication date of the article chunk ``row`` belongs to."""
        return self._published.get(self._rows[row].article_id)

    def hit(self, row: int, score: float, rank: int) -> Hit:
        meta = self._rows[row]
        article = self.article(meta.article_id)  # one SQLite read per hit, not two
        return Hit(meta.chunk_of(article), score, rank, article)

    def dense_search(self, vector: np.ndarray, k: int, mask: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
        """FAISS: rows and inner-product scores of the ``k`` nearest chunks to ``vector``."""
        if self._faiss is None or self._dirty:
            self._faiss = self._build_faiss()
        allowed = np.flatnonzero(mask) if mask is not None else None
        n = len(self._rows) if allowed is None else len(allowed)
        if not n:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import faiss

        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        params = selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
            params = faiss.SearchParameters()
            params.sel = selector  # `selector` stays referenced until the search is done
        scores, rows = self._faiss.search(query, min(k, n), params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def search(self, vector: np.ndarray, k: int) -> list[Hit]:
        """The ``k`` chunks nearest to a unit ``vector`` by inner product."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        rows, scores = self.dense_search(vector, k)
        return [self.hit(int(r), float(s), i) for i, (r, s) in enumerate(zip(rows, scores,
                                                                            strict=True), 1)]

    def lexical_search(self, query: str, k: int, mask: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """BM25: rows and scores of the ``k`` best chunks for ``query``."""
        if self._bm25 is None or self._dirty:
            self._bm25 = Bm25.build([c.text for c in self.chunks()])
        return self._bm25.search(query, k, mask)

    def article_search(self, query: str, k: int, articles: set[str] | None = None
                       ) -> list[tuple[str, float]]:
        """BM25 over whole articles: ids and scores of the ``k`` best (within ``articles``)."""
        layout = self._articles_layout()
        order = layout.order
        if self._article_bm25 is None or self._dirty:
            self._article_bm25 = Bm25.build(self._article_texts(order))
        mask = None if articles is None else layout.article_mask(articles).astype(np.float32)
        rows, scores = self._article_bm25.search(query, k, mask)
        return [(order[r], float(s)) for r, s in zip(rows.tolist(), scores.tolist(),
                                                     strict=True)]

    def _article_texts(self, order: Iterable[str]) -> list[str]:
        texts = []
        for article_id in order:
            article = self.article(article_id)
            texts.append(f"{article.title}\n{article.text}")
        return texts

    def stats(self) -> dict[str, Any]:
        """What ``dateline stats`` shows: the manifest plus where the index lives."""
        return {"path": str(self.path), **{k: v for k, v in self.manifest.items()
                                            if k != "generation"}}

    # -- changing ------------------------------------------------------------------------

    def put(self, items: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]]) -> None:
        """Add or replace articles, each with its chunks and their vectors."""
        for article, chunks, vectors in items:
            if len(chunks) != len(vectors):
                raise ValueError(f"{article.id}: {len(chunks)} chunks but {len(vectors)} vectors")
        self._drop_rows({a.id for a, _, _ in items if a.id in self._fingerprints})
        blocks = [np.asarray(self._vectors)]
        for article, chunks, vectors in items:
            self._rows.extend(_ChunkRow(c.id, c.article_id, c.start, c.end, text_hash(c.text))
                              for c in chunks)
            blocks.append(np.asarray(vectors, dtype=np.float32).reshape(-1, self._vectors.shape[1]))
            self._fingerprints[article.id] = article.fingerprint
            self._published[article.id] = article.published
            self._pending[article.id] = article
            self._removed.discard(article.id)
        self._vectors = np.concatenate(blocks)
        self._layout = None
        self._dirty = True

    def remove(self, article_id: str) -> None:
        """Delete an article and its chunks; KeyError when the id is not indexed."""
        if article_id not in self._fingerprints:
            raise KeyError(article_id)
        self._drop_rows({article_id})
        del self._fingerprints[article_id]
        del self._published[article_id]
        self._pending.pop(article_id, None)
        self._removed.add(article_id)
        self._dirty = True

    def _drop_rows(self, article_ids: set[str]) -> None:
        keep = [i for i, r in enumerate(self._rows) if r.article_id not in article_ids]
        self._rows = [self._rows[i] for i in keep]
        self._vectors = np.asarray(self._vectors)[keep]
        self._layout = None

    def _build_faiss(self) -> Any:
        import faiss

        vectors = np.ascontiguousarray(self._vectors, dtype=np.float32)
        dim, kind, n = vectors.shape[1], self.manifest["index_kind"], len(vectors)
        index: Any
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = 128
        elif kind == "ivf" and n >= 64:
            nlist = max(1, min(int(4 * np.sqrt(n)), n // 39))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist,
                                       faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
            index.nprobe = max(1, nlist // 8)
        else:  # flat, and IVF too small to train
            index = faiss.IndexFlatIP(dim)
        if n:
            index.add(vectors)
        return index

    def save(self) -> bool:
        """Write the changes as a new generation; False (and no I/O) when nothing changed."""
        if not self._dirty:
            return False
        self.path.mkdir(parents=True, exist_ok=True)
        with self._locked():
            old = self._generation_dir()
            number = int(old.name.split("-")[1]) + 1 if old else 1
            gen = self.path / f"gen-{number:06d}"
            if gen.exists():
                shutil.rmtree(gen)
            tmp = self.path / f".tmp-{gen.name}"
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir()
            self._write_records(tmp, old)
            np.save(tmp / "vectors.npy", np.ascontiguousarray(self._vectors, dtype=np.float32))
            import faiss

            self._faiss = self._build_faiss()
            faiss.write_index(self._faiss, str(tmp / "faiss.index"))
            self._bm25 = Bm25.build([c.text for c in self.chunks()])
            (tmp / "bm25").mkdir()
            self._bm25.save(tmp / "bm25")
            self._article_bm25 = Bm25.build(self._article_texts(self._articles_layout().order))
            (tmp / "bm25-articles").mkdir()
            self._article_bm25.save(tmp / "bm25-articles")
            for file in tmp.rglob("*"):
                _fsync_path(file)
            os.replace(tmp, gen)
            _fsync_path(self.path)
            self._update_manifest(gen.name)
            _write_atomic(self.path / MANIFEST,
                          json.dumps(self.manifest, indent=2).encode("utf-8"))
            self._collect_garbage(keep=gen.name)
        self._pending.clear()
        self._removed.clear()
        self._dirty = False
        if self._db is not None:
            self._db.close()
        self._db = _read_only(gen)
        self._vectors = np.load(gen / "vectors.npy", mmap_mode="r")
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.path / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise IndexLocked(f"Another Dateline process is writing {self.path}; wait for "
                                   f"it to finish and try again") from exc
            yield

    def _write_records(self, folder: Path, old: Path | None) -> None:
        target = folder / "records.sqlite"
        if old is not None:
            shutil.copyfile(old / "records.sqlite", target)
        db = sqlite3.connect(target)
        try:
            db.executescript(_SCHEMA)
            gone = list(self._removed | set(self._pending))
            db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in gone])
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(a.id, a.title, a.text, a.published, a.source, a.url, a.fingerprint)
                 for a in self._pending.values()])
            db.execute("DELETE FROM chunks")
            db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                           [(i, r.id, r.article_id, r.start, r.end, r.text_hash)
                            for i, r in enumerate(self._rows)])
            db.commit()
        finally:
            db.close()

    def _update_manifest(self, generation: str) -> None:
        dates = sorted(d for d in self._published.values() if d)
        self.manifest.update(
            generation=generation,
            counts={"articles": len(self._fingerprints), "chunks": len(self._rows)},
            dates={"first": dates[0] if dates else None, "last": dates[-1] if dates else None},
            updated=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def _collect_garbage(self, keep: str) -> None:
        for child in self.path.iterdir():
            if child.is_dir() and child.name != keep and (
                    child.name.startswith("gen-") or child.name.startswith(".tmp-gen-")):
                shutil.rmtree(child, ignore_errors=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
