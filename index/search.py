"""Search an index: dense (FAISS) and BM25 candidates fused by reciprocal rank -> Hits."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .embedding import Embedder
from .errors import IndexMismatch
from .records import Hit
from .store import Store

__all__ = ["MODES", "Recency", "Searcher"]

MODES = ("hybrid", "dense", "lexical")
RRF_K = 60  # the constant from Cormack et al.; dampens the weight of top ranks


@dataclass(frozen=True, slots=True)
class Recency:
    """How much a query's as-of date favours recent articles.

    ``weight * exp(-age_days / days)`` is added to the fused score (whose top is ~0.033), and
    articles published more than ``grace_days`` after the as-of date are left out. Stored in
    the index manifest under ``ranking``; ``bench/calibrate.py --recency`` fits it.
    """

    # fitted by `bench/calibrate.py --recency` on RealTimeQA (gold MRR@10 0.530 -> 0.664);
    # the curve is flat near the top (0.02 / 30 days: 0.655)
    weight: float = 0.04
    days: float = 90.0
    grace_days: int = 1

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Recency:
        return cls(**manifest.get("ranking", {}))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def bonus(self, published: str | None, as_of: date) -> float:
        if published is None or self.weight <= 0:
            return 0.0
        age = (as_of - date.fromisoformat(published)).days
        return self.weight * math.exp(-max(age, 0) / self.days)


class Searcher:
    """Hybrid search over a :class:`Store` with the embedder it was built with."""

    def __init__(self, store: Store, embedder: Embedder, *, depth: int = 50,
                 recency: Recency | None = None) -> None:
        if store.model != embedder.name:
            raise IndexMismatch(f"The index at {store.path} was built with {store.model}, "
                                f"not {embedder.name}; search it with the same model")
        self.store = store
        self.embedder = embedder
        self.depth = depth
        self.recency = recency or Recency.from_manifest(store.manifest)

    @classmethod
    def from_index(cls, path: str | Path, embedder: Embedder) -> Searcher:
        """Open the index folder at ``path`` for searching."""
        return cls(Store.open(path, model=embedder.name, dim=embedder.dim), embedder)

    def search(self, query: str, k: int = 5, *, since: str | None = None,
               until: str | None = None, mode: str = "hybrid", as_of: str | None = None,
               recency: float = 1.0) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first.

        ``since``/``until`` (ISO dates, inclusive) keep articles published in that window.
        ``as_of`` (ISO date) is the reader's day: articles published after it (plus a small
        grace) are left out and recent articles get a boost, scaled by ``recency`` (0: none,
        as for archive questions; >1: "latest" questions).
        ``mode`` is ``hybrid`` (default: reciprocal-rank fusion of dense and BM25), ``dense``
        or ``lexical``; the score is the fused score, the cosine, or the BM25 score.
        """
        as_of_day = date.fromisoformat(as_of) if as_of else None
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
        if as_of_day is not None:  # undated articles can't be "later": they stay
            limit = (as_of_day + timedelta(days=self.recency.grace_days)).isoformat()
            published = self.store.row_mask(None, limit, keep_undated=True)
            mask = published if mask is None else mask & published
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
            if as_of_day is not None and recency > 0:
                for row in fused:
                    fused[row] += recency * self.recency.bonus(self.store.published_of(row),
                                                               as_of_day)
            pairs = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [self.store.hit(row, score, rank) for rank, (row, score) in enumerate(pairs, 1)]
