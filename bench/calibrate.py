"""Calibrate on RealTimeQA: the abstention threshold, and the recency prior.

    python bench/calibrate.py --index DIR [--split fit|test|all] [--ranking [--write]]

Both fit on RealTimeQA's fit split by default (dateline.qa.splits); the test split is only
for reporting.

Abstention (default):
Runs the extractive answerer with abstention off (each question as of its question_date),
records each question's confidence (the score of its best supported sentence; none when no
span of the asked type was found), then
sweeps thresholds and prints abstention recall on unanswerable questions against false
abstention on answerable ones.

--ranking: grid-searches how many of an article's chunks add up, the weight of whole-article
BM25, and the recency prior's weight and time scale on the 206 gold-article questions, each
asked as of its question_date, and prints gold-article MRR@10 / hit@10 for each setting;
--write stores the best one in the index manifest (``ranking``), where searches read it.
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
    parser.add_argument(
        "--ranking",
        action="store_true",
        help="calibrate hybrid ranking: article evidence and the recency prior",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="store the best ranking in the index manifest (--ranking)",
    )
    parser.add_argument("--split", choices=["fit", "test", "all"], default="fit")
    args = parser.parse_args()
    if args.ranking:
        calibrate_ranking(args)
        return

    from dateline.index import Searcher
    from dateline.qa import Answerer, question_date
    from dateline.qa.splits import select_split

    answerer = Answerer(Searcher.open(args.index, cache_dir=args.cache), threshold=-1.0)
    rows = []
    for q in select_split(read_jsonl(REALTIMEQA / "questions.jsonl"), args.split):
        answer = answerer.ask(q["question"], as_of=question_date(q))
        rows.append(
            {
                "id": q["id"],
                "answerable": q["answerable"],
                "confidence": None if answer.abstained else answer.confidence,
            }
        )
    if args.dump:
        args.dump.write_text("".join(json.dumps(r) + "\n" for r in rows))
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    print(
        f"{len(answerable)} answerable, {len(unanswerable)} unanswerable questions; "
        f"no typed span found: {sum(r['confidence'] is None for r in answerable)} / "
        f"{sum(r['confidence'] is None for r in unanswerable)}"
    )
    print(f"{'threshold':>10}{'abstain recall':>16}{'false abstention':>18}{'precision':>11}")
    for step in range(2, 100, 2):
        threshold = step / 100

        def abstains(r: dict[str, object], t: float = threshold) -> bool:
            c = r["confidence"]
            return c is None or float(c) < t  # type: ignore[arg-type]

        caught = sum(abstains(r) for r in unanswerable)
        wrong = sum(abstains(r) for r in answerable)
        precision = caught / (caught + wrong) if caught + wrong else 0.0
        print(
            f"{threshold:>10.2f}{caught / len(unanswerable):>16.1%}"
            f"{wrong / len(answerable):>18.1%}{precision:>11.1%}"
        )


def calibrate_ranking(args: argparse.Namespace) -> None:
    import functools
    import itertools

    from dateline.index import Ranking, Searcher
    from dateline.qa import gold_rank, question_date
    from dateline.qa.splits import select_split

    opened = Searcher.open(args.index, cache_dir=args.cache)
    store, embedder = opened.store, opened.embedder
    embedder.embed_query = functools.cache(embedder.embed_query)  # type: ignore[method-assign]
    questions = [
        q
        for q in select_split(read_jsonl(REALTIMEQA / "questions.jsonl"), args.split)
        if q["type"] == "answerable_gold_article"
    ]

    def score(ranking: Ranking) -> tuple[float, float]:
        searcher = Searcher(store, embedder, ranking=ranking)
        reciprocal = found = 0.0
        for q in questions:
            hits = searcher.search(q["question"], 50, as_of=question_date(q))
            rank = gold_rank(hits, set(q["gold_article_ids"]))
            if rank:
                reciprocal, found = reciprocal + 1 / rank, found + 1
        return reciprocal / len(questions), found / len(questions)

    print(f"{len(questions)} gold-article questions ({args.split} split), as of their dates")
    print(f"{'support':>8}{'article':>8}{'weight':>8}{'days':>6}{'MRR@10':>9}{'hit@10':>9}")
    plain = Ranking(recency_weight=0.0, article_weight=0.0, support=1)
    result = score(plain)
    print(f"{1:>8}{0:>8}{0:>8}{'-':>6}{result[0]:>9.3f}{result[1]:>9.1%}   (as-of filter only)")
    best = (result, plain)
    for support, article, weight, days in itertools.product(
        (1, 3), (0.0, 0.5, 1.0), (0.04, 0.08, 0.12, 0.16), (30.0, 90.0, 180.0)
    ):
        ranking = Ranking(
            recency_weight=weight, recency_days=days, article_weight=article, support=support
        )
        result = score(ranking)
        print(
            f"{support:>8}{article:>8}{weight:>8}{days:>6.0f}{result[0]:>9.3f}{result[1]:>9.1%}",
            flush=True,
        )
        if result[0] > best[0][0]:
            best = (result, ranking)
    print(f"best: {best[1].to_dict()}: MRR@10 {best[0][0]:.3f}, hit@10 {best[0][1]:.1%}")
    if args.write:
        store.set_ranking(best[1])  # under the write lock, fsynced, atomically replaced
        print(f"stored in {args.index / 'manifest.json'}")


if __name__ == "__main__":
    main()
