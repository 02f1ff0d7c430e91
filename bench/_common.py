"""Shared helpers for the benchmarks: where the eval data lives, peak memory."""

from __future__ import annotations

import json
import resource
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
REALTIMEQA = EVAL / "realtimeqa"
CACHE = Path(__file__).resolve().parent / ".cache"


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    if not path.exists():
        raise SystemExit(f"Error: {path} not found; the benchmarks read ../shared/eval at run time")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
                if limit is not None and len(rows) >= limit:
                    break
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Recording:
    """A reader that keeps its last reading (to read its doubt) and the ranker's probability
    for the best sentence it was shown (the support)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.name = reader.name
        self.last: Any = None
        self.support: float | None = None

    def read(self, question: str, sources: Any, *args: Any, **kwargs: Any) -> Any:
        self.support = sources[0].score if sources else None
        self.last = self.reader.read(question, sources, *args, **kwargs)
        return self.last
