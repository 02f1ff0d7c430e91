"""Query latency: p50/p95 of `search` and of `ask` on a built index (one process, warm models).

    python bench/query.py --index DIR [--questions N]

Questions come from ../shared/eval/realtimeqa/questions.jsonl. Build the index first, e.g.
`dateline index ../shared/eval/realtimeqa/corpus.jsonl --index DIR`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _common import REALTIMEQA, peak_rss_mb, read_jsonl


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument("--reader", default="rules", help="rules, llm, llm:1.5b or llm:PATH")
    args = parser.parse_args()

    from dateline.index import Searcher
    from dateline.qa import Answerer

    searcher = Searcher.open(args.index, cache_dir=args.cache)
    store = searcher.store
    from dateline.qa.local import reader_from_spec

    answerer = Answerer(searcher, reader=reader_from_spec(args.reader, cache_dir=args.cache))
    questions = [q["question"] for q in read_jsonl(REALTIMEQA / "questions.jsonl")]
    questions = questions[: args.questions]
    answerer.ask(questions[0])  # warm up: model, spaCy, BM25 and FAISS in memory
    timings: dict[str, list[float]] = {"search": [], "ask": []}
    for question in questions:
        start = time.perf_counter()
        searcher.search(question, 5)
        timings["search"].append(time.perf_counter() - start)
        start = time.perf_counter()
        answerer.ask(question)
        timings["ask"].append(time.perf_counter() - start)
    print(
        f"{len(questions)} RealTimeQA questions over {store.manifest.articles} "
        f"articles / {len(store)} chunks ({store.manifest.backend}, "
        f"{store.manifest.index_kind} FAISS), reader {args.reader}"
    )
    print(f"{'':8}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}   target p50")
    for name, target in (("search", 20), ("ask", 300 if args.reader == "rules" else 4000)):
        values = [t * 1000 for t in timings[name]]
        print(
            f"{name:8}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{statistics.mean(values):>9.1f}   <= {target}"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
