"""BM25 (bm25s) over chunk texts and over whole articles, saved without pickle.

``bm25/`` holds BM25 over chunk rows (document ``i`` is chunk row ``i``); ``bm25-articles/``
holds BM25 over whole articles (title and text), whose document ``i`` is the ``i``-th article
id in sorted order: the :class:`Layout`, which also maps chunk rows to their articles.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Bm25", "Layout", "Lexical"]

_STOPWORDS = "english"
CHUNKS, ARTICLES = "bm25", "bm25-articles"


class Bm25:
    """A BM25 index over a list of texts; document ``i`` is text ``i``."""

    def __init__(self, model: Any, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> Bm25:
        import bm25s

        model = bm25s.BM25()
        if texts:
            tokens = bm25s.tokenize(list(texts), stopwords=_STOPWORDS, show_progress=False)
            model.index(tokens, show_progress=False)
        return cls(model, len(texts))

    def save(self, folder: Path) -> None:
        folder.mkdir()
        if self.size:
            self._model.save(str(folder), allow_pickle=False, show_progress=False)

    @staticmethod
    def stored(folder: Path) -> bool:
        return (folder / "params.index.json").exists()

    @classmethod
    def load(cls, folder: Path, size: int) -> Bm25:
        import bm25s

        if not size:
            return cls(bm25s.BM25(), 0)
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        # memory-mapped: opening is instant and RSS grows with the postings queries touch
        model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, mmap=True)
        return cls(model, size)

    def search(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Documents and scores of the ``k`` best (score 0 left out; ``mask`` 0/1 weights)."""
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import bm25s

        (words,) = bm25s.tokenize(
            [query], stopwords=_STOPWORDS, return_ids=False, show_progress=False
        )
        if not words:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # scores of every document, then a partial sort: bm25s' own retrieve() costs ~5x more
        # per query (its thread pool and progress bar machinery) for the same top k
        scores = self._model.get_scores(words)
        if mask is not None:
            scores = scores * mask
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties by document
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top].astype(np.float32)


@dataclass(frozen=True, slots=True)
class Layout:
    """Articles in sorted id order (the documents of whole-article BM25) and their rows."""

    order: list[str]
    row_article: np.ndarray  # per chunk row: its article's position in ``order``
    rows: dict[str, list[int]]

    @classmethod
    def of(cls, row_articles: Sequence[str]) -> Layout:
        """The layout of chunk rows whose articles are ``row_articles`` (one id per row)."""
        rows: dict[str, list[int]] = {}
        for row, article_id in enumerate(row_articles):
            rows.setdefault(article_id, []).append(row)
        order = sorted(rows)
        position = {a: i for i, a in enumerate(order)}
        row_article = np.fromiter(
            (position[a] for a in row_articles), dtype=np.int64, count=len(row_articles)
        )
        return cls(order, row_article, rows)

    def article_of(self, row: int) -> str:
        return self.order[int(self.row_article[row])]


class Lexical:
    """The two BM25s of a generation: over chunk rows, and over whole articles."""

    def __init__(self, chunks: Bm25, articles: Bm25, layout: Layout) -> None:
        self.chunks = chunks
        self.articles = articles
        self.layout = layout

    @classmethod
    def build(
        cls, chunk_texts: Sequence[str], article_texts: Sequence[str], layout: Layout
    ) -> Lexical:
        """``article_texts`` in ``layout.order``."""
        return cls(Bm25.build(chunk_texts), Bm25.build(article_texts), layout)

    @staticmethod
    def stored(folder: Path) -> bool:
        """Whether ``folder`` holds both BM25s (an index written by Dateline 0.1 may not)."""
        return Bm25.stored(folder / CHUNKS) and Bm25.stored(folder / ARTICLES)

    @classmethod
    def load(cls, folder: Path, layout: Layout) -> Lexical:
        return cls(
            Bm25.load(folder / CHUNKS, len(layout.row_article)),
            Bm25.load(folder / ARTICLES, len(layout.order)),
            layout,
        )

    def save(self, folder: Path) -> None:
        self.chunks.save(folder / CHUNKS)
        self.articles.save(folder / ARTICLES)

    def search_chunks(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the ``k`` best chunks (within the boolean row ``mask``)."""
        return self.chunks.search(query, k, None if mask is None else mask.astype(np.float32))

    def search_articles(
        self, query: str, k: int, articles: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Ids and BM25 scores of the ``k`` best whole articles (``articles``: a boolean mask
        over ``layout.order``, None for all)."""
        mask = None if articles is None else articles.astype(np.float32)
        rows, scores = self.articles.search(query, k, mask)
        return [
            (self.layout.order[r], float(s))
            for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
        ]
