"""Articles in, index updated: classify, chunk, embed what is new, save in checkpoints.

Unchanged articles (same id, same fingerprint) cost nothing; changed ones are replaced; chunk
texts already in the index are never embedded again. Progress is saved every
``checkpoint_chunks`` embedded chunks, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .chunking import Chunker, ChunkSettings
from .embedding import Embedder, Progress
from .reading import MAX_ARTICLE_MB, read_here, read_paths
from .records import Article, Chunk, text_hash
from .sources import Note, Skipped
from .store import Store

__all__ = [
    "IngestReport",
    "LocalWorkers",
    "ProgressBar",
    "ProgressFactory",
    "Workers",
    "index_paths",
    "ingest",
]


class ProgressBar(Protocol):
    """What ingest reports progress to (``tqdm`` fits)."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int], ProgressBar]


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, article ids by outcome."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # kept, with a change (e.g. undated)
    chunks_embedded: int = 0
    chunks_reused: int = 0

    @property
    def partial(self) -> bool:
        """True when some input could not be read."""
        return bool(self.skipped)

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "unchanged": len(self.unchanged),
            "replaced": len(self.replaced),
            "skipped": len(self.skipped),
            "chunks_embedded": self.chunks_embedded,
            "chunks_reused": self.chunks_reused,
        }


def ingest(
    store: Store,
    articles: Iterable[Article],
    embedder: Embedder,
    *,
    progress: ProgressFactory | None = None,
    checkpoint_chunks: int = 8192,
    workers: Workers | None = None,
) -> IngestReport:
    """Bring ``store`` up to date with ``articles`` and save it; ``workers`` chunk and embed
    (default: this process)."""
    report = IngestReport()
    incoming: dict[str, Article] = {}
    for article in articles:
        incoming[article.id] = article  # the last copy of an id wins
    todo: list[Article] = []
    for article in incoming.values():
        known = store.fingerprint(article.id)
        if known == article.fingerprint:
            report.unchanged.append(article.id)
            continue
        (report.replaced if known is not None else report.added).append(article.id)
        todo.append(article)
    if not todo:
        store.save()  # a no-op unless the store has pending upkeep (e.g. a missing BM25)
        return report

    workers = workers or LocalWorkers(embedder)
    chunked = workers.chunk(todo, store.chunking)
    hashes = [[text_hash(c.text) for c in chunks] for chunks in chunked]
    vectors = store.cached_vectors(h for group in hashes for h in group)
    missing: dict[str, str] = {}  # digest -> text, in the order the groups need them
    first_at = []  # how many of them each article is the first to need
    for chunks, digests in zip(chunked, hashes, strict=True):
        before = len(missing)
        for chunk, digest in zip(chunks, digests, strict=True):
            if digest not in vectors:
                missing.setdefault(digest, chunk.text)
        first_at.append(len(missing) - before)
    keys = list(missing)
    bar = progress(len(keys)) if progress is not None else None
    try:
        stream = workers.embed(
            list(missing.values()), progress=bar.update if bar is not None else None
        )
        arrived = needed = 0
        group: list[int] = []
        group_chunks = fresh = since_save = 0
        for position, chunks in enumerate(chunked):
            group.append(position)
            group_chunks += len(chunks)
            fresh += first_at[position]
            if group_chunks < 2048 and position + 1 < len(chunked):
                continue
            needed += fresh
            while arrived < needed:  # the embedded vectors come in the order of ``keys``
                block = next(stream)
                vectors.update(zip(keys[arrived : arrived + len(block)], block, strict=True))
                arrived += len(block)
            report.chunks_embedded += fresh
            report.chunks_reused += group_chunks - fresh
            since_save += fresh
            store.put(
                [(todo[i], chunked[i], _stack(hashes[i], vectors, embedder.dim)) for i in group]
            )
            if since_save >= checkpoint_chunks:
                store.save()
                since_save = 0
            group, group_chunks, fresh = [], 0, 0
        store.save()
    finally:
        if bar is not None:
            bar.close()
    return report


class Workers(Protocol):
    """Where chunking and embedding run: here (:class:`LocalWorkers`) or on a cluster
    (:class:`~dateline.index.cluster.RayWorkers`); the index written is the same."""

    def chunk(self, articles: Sequence[Article], settings: ChunkSettings) -> list[list[Chunk]]:
        """The chunks of each article, in order."""
        ...

    def embed(
        self, texts: Sequence[str], *, progress: Progress | None = None
    ) -> Iterator[np.ndarray]:
        """The vectors of ``texts`` in order, in blocks of any size, as they are ready."""
        ...

    def read(self, files: Sequence[Path | str], max_article_mb: float) -> Iterable[list[Any]]:
        """:func:`~dateline.index.reading.read_file` of each file, in order."""
        ...


class LocalWorkers:
    """Chunking and embedding in this process, 256 articles and ~2,048 chunks at a time."""

    def __init__(self, embedder: Embedder, *, block: int = 2048) -> None:
        self.embedder = embedder
        self.block = block

    def chunk(self, articles: Sequence[Article], settings: ChunkSettings) -> list[list[Chunk]]:
        chunker = Chunker(self.embedder, settings)
        chunked: list[list[Chunk]] = []
        for start in range(0, len(articles), 256):
            chunked.extend(chunker.chunk_many(articles[start : start + 256]))
        return chunked

    def embed(
        self, texts: Sequence[str], *, progress: Progress | None = None
    ) -> Iterator[np.ndarray]:
        for start in range(0, len(texts), self.block):
            yield self.embedder.embed(texts[start : start + self.block], progress=progress)

    def read(self, files: Sequence[Path | str], max_article_mb: float) -> Iterable[list[Any]]:
        return read_here(files, max_article_mb)


def _stack(hashes: Sequence[str], vectors: dict[str, np.ndarray], dim: int) -> np.ndarray:
    if not hashes:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)


def index_paths(
    store: Store,
    paths: Iterable[str | Path],
    embedder: Embedder,
    *,
    progress: ProgressFactory | None = None,
    max_article_mb: float = MAX_ARTICLE_MB,
    workers: Workers | None = None,
) -> IngestReport:
    """Read every article under ``paths`` into ``store``; unreadable inputs are skipped, and
    so is an article over ``max_article_mb`` million characters. ``workers`` read, chunk and
    embed (default: this process)."""
    read_files = workers.read if workers is not None else None
    read = read_paths(paths, max_article_mb=max_article_mb, read_files=read_files)
    report = ingest(store, read.articles, embedder, progress=progress, workers=workers)
    report.skipped.extend(read.skipped)
    report.notes.extend(read.notes)
    return report
