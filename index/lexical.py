"""BM25 over chunk texts (bm25s), saved beside the vectors without pickle."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Bm25"]

_STOPWORDS = "english"


class Bm25:
    """A BM25 index whose document ``i`` is the store's chunk row ``i``."""

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
        if self.size:
            self._model.save(str(folder), allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, folder: Path, size: int) -> Bm25:
        import bm25s

        if not size:
            return cls(bm25s.BM25(), 0)
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False,
                                mmap=False)
        return cls(model, size)

    def search(self, query: str, k: int, mask: np.ndarray | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` best chunks (rows with score 0 are left out)."""
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import bm25s

        tokens = bm25s.tokenize([query], stopwords=_STOPWORDS, show_progress=False)
        if not tokens.vocab or not any(tokens.ids):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows, scores = self._model.retrieve(tokens, k=min(k, self.size), show_progress=False,
                                            n_threads=1, weight_mask=mask)
        keep = scores[0] > 0
        return rows[0][keep].astype(np.int64), scores[0][keep]
