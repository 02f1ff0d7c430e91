"""The bench's question files: the frozen own set stays as it was written, and is test only."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from dateline.qa import select_split

QUESTIONS = Path(__file__).resolve().parent.parent / "bench" / "questions"
# written from the articles alone before any reader ran on it (commit dd9e27a); never edited:
# a change to a question or an answer would make its figures incomparable and open it to tuning
OWN_SHA256 = "72891ea1673e1b7f817ecbb54ed3016d837cd5930e5048b219c79ece6d5a95aa"
KINDS = {"count", "amount", "who", "which", "where", "when", "why", "how", "said"}


def _own() -> list[dict[str, object]]:
    text = (QUESTIONS / "own.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_own_set_is_frozen() -> None:
    data = (QUESTIONS / "own.jsonl").read_bytes()
    assert hashlib.sha256(data).hexdigest() == OWN_SHA256


def test_the_own_set_is_only_ever_test() -> None:
    records = _own()
    assert all(r["holdout"] is True for r in records)
    assert select_split(records, "fit") == []
    assert select_split(records, "test") == records


def test_the_own_set_covers_every_kind_with_near_misses() -> None:
    records = _own()
    main = [r for r in records if not r["paraphrase"]]
    paraphrases = [r for r in records if r["paraphrase"]]
    assert len(main) >= 150 and len(paraphrases) >= 30
    assert {str(r["kind"]) for r in main} == KINDS
    assert min(Counter(str(r["kind"]) for r in main).values()) >= 10
    unanswerable = [r for r in main if not r["answerable"]]
    assert 0.25 <= len(unanswerable) / len(main) <= 0.4
    assert all(r["answers"] == [] for r in unanswerable)
    assert all(r["answers"] and r["answerable"] for r in paraphrases)
    assert all(str(r["gold_article_ids"][0]).startswith("rtqa-") for r in records)  # type: ignore[index]
    assert len({r["id"] for r in records}) == len(records)
