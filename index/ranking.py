"""How hybrid search weighs an article's evidence and its date: the index's ``ranking``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from .errors import IndexMismatch

__all__ = ["Ranking"]


@dataclass(frozen=True, slots=True)
class Ranking:
    """How hybrid search orders chunks, and how much the as-of date favours recent articles.

    Each chunk's score is its reciprocal-rank fusion of the dense and chunk-BM25 lists, plus
    its article's evidence: for the article's best chunk, the article's next best chunks (the
    2nd counts 1/2, the 3rd 1/3, up to ``support`` chunks in all); for every chunk, the
    article's rank in BM25 over whole articles
    (``article_weight / (60 + rank)``), ``window_weight`` when it was published in the
    window a question's time words name ("this week", "in March") and, given an as-of date,
    ``recency_weight * exp(-age_days / recency_days)``. Articles published more than
    ``grace_days`` after the as-of date are left out. Stored in the index manifest under
    ``ranking``; ``bench/calibrate.py --ranking`` fits it.
    """

    # fitted by `bench/calibrate.py --ranking` on RealTimeQA (docs/benchmarks.md); the window
    # weight is not fitted: RealTimeQA barely moves with it
    recency_weight: float = 0.16
    recency_days: float = 180.0
    grace_days: int = 1
    article_weight: float = 0.5
    support: int = 3
    window_weight: float = 0.05

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Ranking:
        """The ranking stored in a manifest (older key names are read too)."""
        stored = dict(stored)
        for old, new in (("weight", "recency_weight"), ("days", "recency_days")):
            if old in stored:  # written by Dateline 0.1's calibration
                stored[new] = stored.pop(old)
        unknown = set(stored) - {f.name for f in fields(cls)}
        if unknown:
            raise IndexMismatch(
                f"The index's ranking settings name {', '.join(sorted(unknown))}, "
                f"which this Dateline does not know; update Dateline or remove "
                f'"ranking" from manifest.json'
            )
        return cls(**stored)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def recency(self, published: str | None, as_of: date) -> float:
        if published is None or self.recency_weight <= 0:
            return 0.0
        age = (as_of - date.fromisoformat(published)).days
        return self.recency_weight * math.exp(-max(age, 0) / self.recency_days)
