"""Articles in, index updated: classify, chunk, embed what is new, save in checkpoints.

Unchanged articles (same id, same fingerprint) cost nothing; changed ones are replaced; chunk
texts already in the index are never embedded again. Progress is saved every
``checkpoint_chunks`` embedded chunks, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from .chunking import Chunker
from .embedding import Embedder
from .reading import MAX_ARTICLE_MB, read_paths
from .records import Article, Chunk, text_hash
from .sources import Note, Skipped
from .store import Store

__all__ = ["IngestReport", "ProgressBar", "ProgressFactory", "index_paths", "ingest"]


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
) -> IngestReport:
    """Bring ``store`` up to date with ``articles`` and save it."""
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

    chunker = Chunker(embedder, store.chunking)
    chunked: list[list[Chunk]] = []
    for start in range(0, len(todo), 256):
        chunked.extend(chunker.chunk_many(todo[start : start + 256]))
    hashes = [[text_hash(c.text) for c in chunks] for chunks in chunked]
    vectors = store.cached_vectors(h for group in hashes for h in group)
    missing = {h for group in hashes for h in group if h not in vectors}
    bar = progress(len(missing)) if progress is not None else None
    try:
        group: list[int] = []
        group_chunks = since_save = 0
        for position, chunks in enumerate(chunked):
            group.append(position)
            group_chunks += len(chunks)
            if group_chunks < 2048 and position + 1 < len(chunked):
                continue
            texts: dict[str, str] = {}
            for i in group:
                for chunk, digest in zip(chunked[i], hashes[i], strict=True):
                    if digest not in vectors:
                        texts.setdefault(digest, chunk.text)
            if texts:
                embedded = embedder.embed(
                    list(texts.values()), progress=bar.update if bar is not None else None
                )
                vectors.update(zip(texts, embedded, strict=True))
            report.chunks_embedded += len(texts)
            report.chunks_reused += group_chunks - len(texts)
            since_save += len(texts)
            store.put(
                [(todo[i], chunked[i], _stack(hashes[i], vectors, embedder.dim)) for i in group]
            )
            if since_save >= checkpoint_chunks:
                store.save()
                since_save = 0
            group, group_chunks = [], 0
        store.save()
    finally:
        if bar is not None:
            bar.close()
    return report


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
) -> IngestReport:
    """Read every article under ``paths`` into ``store``; unreadable inputs are skipped, and
    so is an article over ``max_article_mb`` million characters."""
    read = read_paths(paths, max_article_mb=max_article_mb)
    report = ingest(store, read.articles, embedder, progress=progress)
    report.skipped.extend(read.skipped)
    report.notes.extend(read.notes)
    return report
