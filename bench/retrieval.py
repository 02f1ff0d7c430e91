"""Retrieval quality: article-level MRR@10 and hit@10 of Dateline's search on RealTimeQA.

    python bench/retrieval.py [--distractors 1000] [--backends onnx-int8,torch] [--index DIR]

Questions: the RealTimeQA ones with a gold article (type answerable_gold_article). Corpus: all
their gold articles plus N distractor articles drawn at random (seed 0) from the rest of
../shared/eval/realtimeqa/corpus.jsonl (--distractors all: the whole corpus). Indexes are built
under bench/.cache and reused (incremental re-index), one per backend, so backends are compared
on the same corpus in one run. --index DIR evaluates an index you built yourself instead.
Reference: plain BM25 over whole articles scores MRR@10 0.501 on the full corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

from _common import CACHE, REALTIMEQA, read_jsonl


def evaluate(searcher: Any, questions: list[dict[str, Any]], chunks: int = 60) -> dict[str, float]:
    from dateline.qa import gold_rank

    reciprocal, hits = 0.0, 0
    for q in questions:
        rank = gold_rank(searcher.search(q["question"], chunks), set(q["gold_article_ids"]))
        if rank is not None:
            reciprocal += 1 / rank
            hits += 1
    return {"mrr@10": reciprocal / len(questions), "hit@10": hits / len(questions)}


def build(backend: str, articles: list[dict[str, Any]], name: str, cache: Path) -> Any:
    from dateline.index import MiniLMEmbedder, Searcher, Store, article_from_record, ingest

    embedder = MiniLMEmbedder(backend, cache_dir=cache)
    path = CACHE / f"retrieval-{name}-{backend}"
    store = Store.open_or_create(path, embedder)
    records = [article_from_record(a) for a in articles]
    started = time.perf_counter()
    report = ingest(store, records, embedder, progress=_bar)
    print(
        f"  {backend}: index {path.name}: {len(report.added)} added, "
        f"{len(report.unchanged)} unchanged in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return Searcher(store, embedder)


def _bar(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="chunk", file=sys.stderr, mininterval=5, disable=total == 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", default="1000", help="number, or 'all'")
    parser.add_argument("--backends", default="onnx-int8,torch")
    parser.add_argument("--index", type=Path, help="evaluate this index folder instead")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    args = parser.parse_args()

    questions = [
        q
        for q in read_jsonl(REALTIMEQA / "questions.jsonl")
        if q["type"] == "answerable_gold_article"
    ]
    if args.index:
        from dateline.index import Searcher

        searcher = Searcher.open(args.index, cache_dir=args.cache)
        store = searcher.store
        results = {f"{store.manifest.backend} ({args.index})": evaluate(searcher, questions)}
        size = store.manifest.articles
    else:
        corpus = read_jsonl(REALTIMEQA / "corpus.jsonl")
        gold = {a for q in questions for a in q["gold_article_ids"]}
        rest = [a for a in corpus if a["id"] not in gold]
        if args.distractors == "all":
            chosen = rest
        else:
            chosen = random.Random(0).sample(rest, min(int(args.distractors), len(rest)))
        articles = [a for a in corpus if a["id"] in gold] + chosen
        size = len(articles)
        name = f"gold+{args.distractors}"
        results = {}
        for backend in args.backends.split(","):
            searcher = build(backend, articles, name, args.cache)
            results[backend] = evaluate(searcher, questions)
    print(
        f"RealTimeQA: {len(questions)} gold-article questions over {size} articles "
        f"(hybrid search, articles ranked by their best chunk)"
    )
    print(f"{'backend':40}{'MRR@10':>8}{'hit@10':>8}")
    for name, r in results.items():
        print(f"{name:40}{r['mrr@10']:>8.3f}{r['hit@10']:>8.1%}")
    if "onnx-int8" in results and "torch" in results:
        gap = results["torch"]["mrr@10"] - results["onnx-int8"]["mrr@10"]
        print(f"int8 vs fp32 MRR@10 gap: {gap:+.3f} (int8 stays the default if <= 0.01)")
    print("reference: BM25 over whole articles, full corpus: MRR@10 0.501, hit@10 76.7%")


if __name__ == "__main__":
    main()
