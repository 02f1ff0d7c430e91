"""Calibrate the abstention threshold on RealTimeQA's answerable and unanswerable questions.

    python bench/calibrate.py --index DIR

Runs the extractive answerer with abstention off, records each question's confidence (the
score of its best supported sentence; none when no span of the asked type was found), then
sweeps thresholds and prints abstention recall on unanswerable questions against false
abstention on answerable ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from _common import REALTIMEQA, read_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument("--dump", type=Path, help="write per-question confidences (JSONL)")
    args = parser.parse_args()

    from index import MiniLMEmbedder, Searcher, Store
    from qa import Answerer

    store = Store.open(args.index)
    searcher = Searcher(store, MiniLMEmbedder(store.manifest["backend"], cache_dir=args.cache))
    answerer = Answerer(searcher, threshold=-1.0)
    rows = []
    for q in read_jsonl(REALTIMEQA / "questions.jsonl"):
        answer = answerer.ask(q["question"])
        rows.append({"id": q["id"], "answerable": q["answerable"],
                     "confidence": None if answer.abstained else answer.confidence})
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows))
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable questions; "
          f"no typed span found: {sum(r['confidence'] is None for r in answerable)} / "
          f"{sum(r['confidence'] is None for r in unanswerable)}")
    print(f"{'threshold':>10}{'abstain recall':>16}{'false abstention':>18}{'precision':>11}")
    for step in range(20, 80, 2):
        threshold = step / 100

        def abstains(r: dict[str, object], t: float = threshold) -> bool:
            c = r["confidence"]
            return c is None or float(c) < t  # type: ignore[arg-type]

        caught = sum(abstains(r) for r in unanswerable)
        wrong = sum(abstains(r) for r in answerable)
        precision = caught / (caught + wrong) if caught + wrong else 0.0
        print(f"{threshold:>10.2f}{caught / len(unanswerable):>16.1%}"
              f"{wrong / len(answerable):>18.1%}{precision:>11.1%}")


if __name__ == "__main__":
    main()
