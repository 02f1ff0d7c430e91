"""RGB (English, fact questions): negative rejection and counterfactual robustness.

    python bench/rgb.py [--reader rules|llm|llm:1.5b] [--limit N] [--only negatives|all]

Builds two indexes under ``bench/.cache`` (once) from ``../shared/eval/rgb_en_fact``:

- negatives only: the 576 passages whose only role is ``negative`` (search results for the
  question that do not hold its answer). Every question should be declined, so the score is
  the share of the 100 questions Dateline abstains on (negative rejection).
- everything (1,361 passages: true, counterfactual and noise): EM / F1 against the true
  answers, and how often the answer is one of the planted fake answers instead.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from _common import CACHE, EVAL, read_jsonl

RGB = EVAL / "rgb_en_fact"


def build(name: str, records: list[dict[str, Any]], cache: Path) -> Path:
    from dateline.index import article_from_record, ingest, load_embedder, writing

    folder = CACHE / name
    if (folder / "manifest.json").exists():
        return folder
    embedder = load_embedder(cache_dir=cache)
    articles = [article_from_record(r, f"{name}:{i}") for i, r in enumerate(records, 1)]
    with writing(folder, embedder) as store:
        ingest(store, articles, embedder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", default="rules")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--only", choices=("negatives", "all"), help="run one setting")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    args = parser.parse_args()
    from dateline.index import Searcher
    from dateline.qa import Answerer
    from dateline.qa.evaluate import exact_match, normalize_answer, token_f1
    from dateline.qa.local import reader_from_spec

    CACHE.mkdir(exist_ok=True)
    corpus = read_jsonl(RGB / "corpus.jsonl")
    negatives = [r for r in corpus if {x.split(":")[0] for x in r["roles"]} == {"negative"}]
    questions = read_jsonl(RGB / "questions.jsonl", args.limit)
    reader = reader_from_spec(args.reader, cache_dir=args.cache)
    results: dict[str, Any] = {"reader": args.reader, "questions": len(questions)}
    for setting, records in (("negatives", negatives), ("all", corpus)):
        if args.only not in (None, setting):
            continue
        folder = build(f"rgb-{setting}", records, args.cache)
        answerer = Answerer(Searcher.open(folder, cache_dir=args.cache), reader=reader)
        abstained = em = f1 = fake = 0.0
        times = []
        for q in questions:
            began = time.perf_counter()
            answer = answerer.ask(q["question"])
            times.append(time.perf_counter() - began)
            if answer.abstained:
                abstained += 1
                continue
            em += exact_match(answer.short, q["answers"])
            f1 += token_f1(answer.short, q["answers"])
            short = normalize_answer(answer.short)
            fake += any(normalize_answer(f) in short for f in q.get("fake_answers", []) if f)
        n = len(questions)
        times.sort()
        results[setting] = {
            "passages": len(records),
            "abstained": round(abstained / n, 3),
            "em": round(em / n, 3),
            "f1": round(f1 / n, 3),
            "fake_answer": round(fake / n, 3),
            "ask_p50_ms": round(times[n // 2] * 1000),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
