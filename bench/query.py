"""Query latency: p50/p95 of `search` and of `ask` on a built index, and where the time goes.

    python bench/query.py --index DIR [--questions N] [--reader rules[,llm:1.5b,...]] [--no-profile]

Questions come from ../shared/eval/realtimeqa/questions.jsonl, each asked as of its
question_date (as `dateline eval` does, so the as-of cut is part of the cost). Build the index
first, e.g. `dateline index ../shared/eval/realtimeqa/corpus.jsonl --index DIR`.

Two passes over the same questions in one process, models warm: the first times each call
(the p50/p95 against the targets); the second runs under pyinstrument and charts the stages
(each stage's share of the sampled wall time, per call), so the breakdown sits beside the
figures it explains. The profiler's own overhead inflates the second pass a little.

Several readers (``--reader rules,llm:1.5b``) share one searcher and take turns on each
question, so their p50 / p95 come from the same run on the same machine state; the profile
then charts the first reader.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import REALTIMEQA, peak_rss_mb, read_jsonl

TARGETS = {"search": 20.0, "ask": 300.0}
LOCAL_TARGET = 2500.0  # ms: a local reader's p50

# profiler frames -> stage; time counts for the innermost stage it was sampled in
SEARCH_STAGES = {
    "embed_query": "query embedding (ONNX)",
    "Vectors.search": "FAISS",
    "Lexical.search_chunks": "chunk BM25",
    "Lexical.search_articles": "article BM25",
    "Searcher.visible": "date window / as-of masks",
    "Vectors.nearest": "article's nearest chunk",
    "Store.hit": "SQLite reads (hits)",
    "Searcher._fuse": "fusion (rest)",
}
ASK_STAGES = {
    "Answerer.retrieve": "retrieval (search, 30 hits)",
    "MiniLMEmbedder.embed": "embedding (question, sentences, words)",
    "features": "sentence features",
    "English.__call__": "spaCy parse (question)",
    "English.pipe": "spaCy parse (sentences)",
    "MainThread": "spaCy parser, tagger (Cython: no Python frames)",
    "find_spans": "span finding",
    "LocalReader._read": "local model: reading the prompt",
    "_Vocabulary.prompt": "local model: chat template, tokens",
    "LocalReader._start_from": "local model: system prompt (once)",
    "LocalReader._string": "local model: writing the answer",
    "LocalReader._source": "local model: naming its source",
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stage_times(frame: Any, stages: dict[str, str], out: dict[str, float], stage: str) -> None:
    """Add the time under ``frame`` to ``out`` by stage: each sampled leaf counts for the
    innermost stage around it (time in FAISS inside fusion is FAISS's), else ``stage``."""
    name = f"{frame.class_name}.{frame.function}" if frame.class_name else frame.function
    stage = stages.get(name) or stages.get(frame.function) or stage
    if not frame.children:
        out[stage] = out.get(stage, 0.0) + frame.time
    for child in frame.children:
        stage_times(child, stages, out, stage)


def profile(calls: list[Callable[[], Any]], stages: dict[str, str]) -> dict[str, float]:
    """Milliseconds per call spent in each stage, sampled by pyinstrument."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for call in calls:
        call()
    profiler.stop()
    out: dict[str, float] = {}
    stage_times(profiler.last_session.root_frame(), stages, out, "other")
    return {name: 1000 * seconds / len(calls) for name, seconds in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument(
        "--reader",
        default="rules",
        help="rules, llm, llm:1.5b or llm:PATH; a comma list to compare",
    )
    parser.add_argument("--no-profile", action="store_true", help="timings only")
    args = parser.parse_args()

    from dateline.index import Searcher
    from dateline.qa import Answerer, question_date
    from dateline.qa.local import reader_from_spec

    searcher = Searcher.open(args.index, cache_dir=args.cache)
    store = searcher.store
    specs = args.reader.split(",")
    answerers = {
        spec: Answerer(searcher, reader=reader_from_spec(spec, cache_dir=args.cache))
        for spec in specs
    }
    records = read_jsonl(REALTIMEQA / "questions.jsonl")[: args.questions]
    asked = [(r["question"], question_date(r)) for r in records]
    for answerer in answerers.values():
        answerer.ask(asked[0][0])  # warm up: model, spaCy, BM25 and FAISS in memory
    forget = searcher.embedder.forget_queries  # each call embeds its query, as when alone

    def cold(call: Callable[[], Any]) -> Callable[[], Any]:
        return lambda: (forget(), call())

    calls: dict[str, list[Callable[[], Any]]] = {
        "search": [cold(lambda q=q, d=d: searcher.search(q, 5, as_of=d)) for q, d in asked]
    }
    for spec, answerer in answerers.items():
        calls[f"ask {spec}"] = [
            cold(lambda q=q, d=d, a=answerer: a.ask(q, as_of=d)) for q, d in asked
        ]
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for turn in zip(*calls.values(), strict=True):
        for name, call in zip(calls, turn, strict=True):
            start = time.perf_counter()
            call()
            timings[name].append(1000 * (time.perf_counter() - start))
    print(
        f"{len(asked)} RealTimeQA questions (as of their dates) over "
        f"{store.manifest.articles} articles / {len(store)} chunks ({store.manifest.backend}, "
        f"{store.stats()['faiss']} FAISS), readers {', '.join(specs)} taking turns"
    )
    print(f"{'':22}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}   target p50")
    for name, values in timings.items():
        target = (
            TARGETS["search"]
            if name == "search"
            else TARGETS["ask"]
            if name == "ask rules"
            else LOCAL_TARGET
        )
        met = "met" if percentile(values, 0.5) <= target else "NOT met"
        print(
            f"{name:22}{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{statistics.mean(values):>9.1f}   <= {target:g} ({met})"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    ask_stages = {"search": SEARCH_STAGES, **{f"ask {spec}": ASK_STAGES for spec in specs}}
    if args.no_profile:
        return
    for name, stages in ask_stages.items():
        shares = profile(calls[name], stages)
        total = sum(shares.values())
        print(f"\nwhere {name} spends its time (pyinstrument, ms per call, total {total:.1f}):")
        for stage, ms in sorted(shares.items(), key=lambda item: -item[1]):
            print(f"  {stage:<30}{ms:>8.1f}  {ms / total:>6.1%}")


if __name__ == "__main__":
    main()
