"""Fit and test: every evaluation question belongs to one split, decided by its id alone.

*fit* (about 60%) is where answers may be read, rules written, weights and thresholds fitted
and prompts chosen; *test* (about 40%) is only run to report. The split is a hash of the
question id, so it is the same on every machine, for every question file, and a question never
moves when others are added or removed. A record marked ``"holdout": true`` (the frozen own
set) is test whatever its hash says: it is never used to fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Literal

__all__ = ["FIT_SHARE", "SPLITS", "Split", "select_split", "split_counts", "split_of"]

Split = Literal["fit", "test"]
SPLITS = ("test", "fit", "all")
FIT_SHARE = 0.6
_SALT = b"dateline-split-v1:"


def split_of(question_id: str, *, holdout: bool = False) -> Split:
    """The split of a question: ``fit`` for about 60% of ids, ``test`` for the rest."""
    if not isinstance(question_id, str) or not question_id:
        raise ValueError(f"a question id must be a non-empty string, not {question_id!r}")
    if holdout:
        return "test"
    digest = hashlib.sha256(_SALT + question_id.encode("utf-8")).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    return "fit" if share < FIT_SHARE else "test"


def select_split(records: Iterable[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """The records of one split (``fit``, ``test``) or ``all``; a record needs an ``id``."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    records = list(records)
    if split == "all":
        return records
    chosen = []
    for number, record in enumerate(records, 1):
        qid = record.get("id")
        if not isinstance(qid, str) or not qid:
            raise ValueError(
                f"question {number} has no 'id': the fit/test split is read from the id; "
                "give every question a stable id, or run with --split all"
            )
        if split_of(qid, holdout=bool(record.get("holdout"))) == split:
            chosen.append(record)
    return chosen


def split_counts(records: Sequence[dict[str, Any]]) -> dict[str, int]:
    """How many records fall in each split (``holdout`` ones count as test)."""
    counts = {"fit": 0, "test": 0}
    for record in records:
        counts[split_of(str(record["id"]), holdout=bool(record.get("holdout")))] += 1
    return counts
