"""Scale: indexes of 100k, 300k and 1M chunks built from RealTimeQA, and what each size costs.

    python bench/scale.py --source DIR [--sizes 100000,300000,1000000] [--kinds flat,hnsw,ivf,ivfpq]
                          [--large 300000] [--large-kinds auto] [--work DIR] [--questions 100]
                          [--keep]

The corpus is a built RealTimeQA index (--source, e.g. the fp32 index of the whole corpus)
replicated until a size is reached, so no embedding runs here: copy r of an article is
``ID~r``, published r x 90 days earlier (so date windows and the as-of cut select among the
copies), with the same text and chunk offsets, and each chunk vector is the original plus
Gaussian noise (sigma 0.017 per dimension, cosine ~0.95 to the original), renormalised.

For each size, once:
  build    put every article with its chunks and vectors, then save with an exact FAISS index
           (catalog, rows, vectors, BM25): the parts every kind shares;
then for each FAISS kind (--kinds up to --large chunks, --large-kinds above: an exact scan of
a million rows is ~100 ms a query and IVF's k-means there takes many minutes, which would not
fit the 30 minutes this benchmark is meant to take), on a hard-linked copy:
  faiss    switch the index to that kind (FAISS built, a generation saved): seconds;
  add      1,000 more articles (new copies, vectors given: no embedding time) put and saved,
           and the folder's size on disk;
  open     a fresh process opens the index and runs its first search;
  search   hybrid search p50/p95 of RealTimeQA questions, each as of its question date,
           in that process, then its peak RSS;
  recall   dense recall@10 of the FAISS index against an exact scan of the same vectors.
Figures are printed as a table, one row per size and kind.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from _common import CACHE, REALTIMEQA, read_jsonl

SIGMA = 0.017
SHIFT_DAYS = 90


def replicas(source: Path, chunks: int, first_copy: int = 0, limit: int | None = None) -> Any:
    """(Article, chunks, vectors) copies of the source index's articles, copy by copy, until
    ``chunks`` chunks were yielded (or ``limit`` articles)."""
    from dateline.index import Article, Chunk, Store

    src = Store.open(source)
    rng = np.random.default_rng(first_copy)
    ids = src.article_ids()
    made = articles = 0
    copy = first_copy
    while made < chunks and (limit is None or articles < limit):
        for article_id in ids:
            if made >= chunks or (limit is not None and articles >= limit):
                return
            base = src.article(article_id)
            rows = src.layout.rows_of(article_id)
            new_id = article_id if copy == 0 else f"{article_id}~{copy}"
            published = base.published
            if published and copy:
                day = date.fromisoformat(published) - timedelta(days=SHIFT_DAYS * copy)
                published = day.isoformat()
            article = Article(
                id=new_id,
                title=base.title,
                text=base.text,
                published=published,
                source=base.source,
                url=base.url,
            )
            pieces = [
                Chunk(
                    f"{new_id}:{r.start}-{r.end}",
                    new_id,
                    r.start,
                    r.end,
                    base.text[r.start : r.end],
                )
                for r in (src.rows[row] for row in rows)
            ]
            vectors = np.asarray(src.vectors.array[rows], dtype=np.float32)
            if copy:
                vectors = vectors + rng.normal(0.0, SIGMA, vectors.shape).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            yield article, pieces, vectors
            made += len(pieces)
            articles += 1
        copy += 1


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def build(source: Path, base: Path, size: int) -> dict[str, Any]:
    """Build the replicated index of ``size`` chunks at ``base`` with an exact (flat) FAISS
    index: catalog, rows, vectors, BM25, the parts every FAISS kind shares."""
    from dateline.index import HashingEmbedder, Store

    if base.exists():
        shutil.rmtree(base)
    src = Store.open(source)
    # the manifest names the source's model; no model is loaded (vectors are given)
    stand_in = HashingEmbedder(dim=src.manifest.dim, name=src.model, backend=src.manifest.backend)
    items = list(replicas(source, size))
    start = time.perf_counter()
    store = Store.create(base, stand_in, chunking=src.chunking, index_kind="flat")
    store.put(items)
    store.save()
    return {"chunks": len(store), "build_s": time.perf_counter() - start}


def with_kind(source: Path, base: Path, target: Path, size: int, kind: str) -> dict[str, Any]:
    """A copy of ``base`` (hard links: saves never change a written file) switched to the
    FAISS ``kind`` (timed: FAISS built, a generation saved), then 1,000 articles added."""
    from dateline.index import HashingEmbedder, Store

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(base, target, copy_function=os.link)
    src = Store.open(source)
    stand_in = HashingEmbedder(dim=src.manifest.dim, name=src.model, backend=src.manifest.backend)
    start = time.perf_counter()
    store = Store.open_or_create(target, stand_in, index_kind=kind)
    store.save()
    switched = time.perf_counter() - start
    copies = -(-size // len(src)) + 1
    items = list(replicas(source, 10**12, first_copy=copies, limit=1000))
    start = time.perf_counter()
    store = Store.open(target)
    store.put(items)
    store.save()
    added = time.perf_counter() - start
    return {
        "faiss_s": switched,
        "add_1000_s": added,
        "chunks": len(store),
        "disk_mb": disk_mb(target / str(store.manifest.generation)),
        "faiss": store.stats()["faiss"],
    }


def measure(index: Path, questions: int) -> dict[str, float]:
    """In a fresh process: open time, hybrid search latency, peak RSS, dense recall@10."""
    from dateline.index import Searcher
    from dateline.qa import question_date

    records = read_jsonl(REALTIMEQA / "questions.jsonl")[:questions]
    start = time.perf_counter()
    searcher = Searcher.open(index)
    searcher.search(records[0]["question"], 5)
    opened = time.perf_counter() - start
    times, vectors = [], []
    for record in records:
        searcher.embedder.forget_queries()
        begin = time.perf_counter()
        searcher.search(record["question"], 5, as_of=question_date(record))
        times.append(1000 * (time.perf_counter() - begin))
        vectors.append(searcher.embedder.embed_query(record["question"]))
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the
    # parent's peak from building the index
    status = Path("/proc/self/status").read_text()
    rss = int(status.split("VmHWM:")[1].split()[0]) / 1024
    store = searcher.store
    found = 0
    for vector in vectors:  # the exact scan reads every vector: after the RSS reading
        rows, _ = store.vectors.search(vector, 10)
        exact = np.argsort(-(np.asarray(store.vectors.array) @ vector))[:10]
        found += len(set(rows.tolist()) & set(exact.tolist()))
    return {
        "open_s": opened,
        "search_p50_ms": float(np.percentile(times, 50)),
        "search_p95_ms": float(np.percentile(times, 95)),
        "rss_mb": rss,
        "recall_at_10": found / (10 * len(vectors)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="a built RealTimeQA index")
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--kinds", default="flat,hnsw,ivf,ivfpq", help="FAISS kinds up to --large")
    parser.add_argument(
        "--large-kinds", default="auto", help="FAISS kinds above --large (default: auto)"
    )
    parser.add_argument("--large", type=int, default=300_000)
    parser.add_argument("--work", type=Path, default=CACHE / "scale")
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the built indexes in --work")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.questions)))
        return
    if args.source is None:
        parser.error("--source DIR (a built RealTimeQA index) is required")
    header = (
        f"{'chunks':>9} {'faiss':>5} {'build s':>8} {'faiss s':>8} {'add 1k s':>8} "
        f"{'disk MB':>8} {'open s':>7} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7} {'rec@10':>6}"
    )
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        base = args.work / f"{size}-base"
        built = build(args.source, base, size)
        kinds = args.kinds if size <= args.large else args.large_kinds
        for kind in kinds.split(","):
            target = args.work / f"{size}-{kind}"
            row = {**built, **with_kind(args.source, base, target, size, kind)}
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--measure",
                    str(target),
                    "--questions",
                    str(args.questions),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            row.update(json.loads(child.stdout.strip().splitlines()[-1]))
            rows.append(row)
            print(json.dumps(row), flush=True)
            if not args.keep:
                shutil.rmtree(target)
        shutil.rmtree(base)
    print(header)
    for r in rows:
        print(
            f"{r['chunks']:>9,} {r['faiss']:>5} {r['build_s']:>8.1f} {r['faiss_s']:>8.1f} "
            f"{r['add_1000_s']:>8.1f} {r['disk_mb']:>8.0f} {r['open_s']:>7.2f} "
            f"{r['search_p50_ms']:>7.1f} {r['search_p95_ms']:>7.1f} {r['rss_mb']:>7.0f} "
            f"{r['recall_at_10']:>6.3f}"
        )


if __name__ == "__main__":
    main()
