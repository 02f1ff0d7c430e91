"""Search an index: dense (FAISS) and BM25 candidates fused by reciprocal rank -> Hits."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .embedding import Embedder
from .errors import IndexMismatch
from .records import Hit
from .store import Store

__all__ = ["MODES", "Searcher"]

MODES = ("hybrid", "dense", "lexical")
RRF_K = 60  # the constant from Cormack et al.; dampens the weight of top ranks


class Searcher:
    """Hybrid search over a :class:`Store` with the embedder it was built with."""

    def __init__(self, store: Store, embedder: Embedder, *, depth: int = 50) -> None:
        if store.model != embedder.name:
            raise IndexMismatch(f"The index at {store.path} was built with {store.model}, "
                                f"not {embedder.name}; search it with the same model")
        self.store = store
        self.embedder = embedder
        self.depth = depth

    @classmethod
    def from_index(cls, path: str | Path, embedder: Embedder) -> Searcher:
        """Open the index folder at ``path`` for searching."""
        return cls(Store.open(path, model=embedder.name, dim=embedder.dim), embedder)

    def search(self, query: str, k: int = 5, *, since: str | None = None,
               until: str | None = None, mode: str = "hybrid") -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first.

        ``since``/``until`` (ISO dates, inclusive) keep articles published in that window.
        ``mode`` is ``hybrid`` (default: reciprocal-rank fusion of dense and BM25), ``dense``
        or ``lexical``; the score is the fused score, the cosine, or the BM25 score.
        """
        if not query.strip():
            raise ValueError("query is empty; ask something, e.g. \"How many troops were "
                             "deployed?\"")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if since and until and since > until:
            raise ValueError(f"since ({since}) is after until ({until})")
        mask = self.store.row_mask(since, until)
        depth = max(self.depth, k)
        ranked: list[tuple[np.ndarray, np.ndarray]] = []
        if mode in ("hybrid", "dense"):
            ranked.append(self.store.dense_search(self.embedder.embed_query(query), depth, mask))
        if mode in ("hybrid", "lexical"):
            ranked.append(self.store.lexical_search(query, depth,
                                                    None if mask is None else mask.astype(
                                                        np.float32)))
        if mode != "hybrid":
            rows, scores = ranked[0]
            pairs = list(zip(rows.tolist(), scores.tolist(), strict=True))[:k]
        else:
            fused: dict[int, float] = {}
            for rows, _ in ranked:
                for rank, row in enumerate(rows.tolist(), 1):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
            pairs = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [self.store.hit(row, score, rank) for rank, (row, score) in enumerate(pairs, 1)]
