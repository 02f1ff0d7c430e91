"""Ingest on Ray against a local run, side by side: the overhead of the cluster path.

    python bench/cluster.py [--articles 300] [--workers 1,2] [--batch 64]

The same RealTimeQA articles (../shared/eval/realtimeqa/corpus.jsonl) are indexed into a new
index (a) here, as `dateline index` does, and (b) through a Ray started on this machine with 1
and 2 embedding workers, as `dateline index --ray --ray-workers N` does. Each run is its own
process. Timed: the whole `index_paths` call (reading, chunking, embedding with model loading,
writing); not timed: starting Ray (`ray.init`), which a standing cluster does not pay. The
vectors of each Ray run are compared with the local run's (minimum cosine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REALTIMEQA, peak_rss_mb, read_jsonl


def run(source: Path, target: Path, workers: int, batch: int) -> dict[str, object]:
    from dateline.index import MiniLMEmbedder, index_paths, writing
    from dateline.index.cluster import LOCAL, ray_workers

    embedder = MiniLMEmbedder()
    if workers == 0:
        start = time.perf_counter()
        with writing(target, embedder) as store:
            report = index_paths(store, [source], embedder)
        seconds = time.perf_counter() - start
    else:
        with ray_workers(LOCAL, embedder, workers=workers, batch=batch) as pool:
            start = time.perf_counter()
            with writing(target, embedder) as store:
                report = index_paths(store, [source], embedder, workers=pool)
            seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "articles": len(report.added),
        "chunks": report.chunks_embedded,
        "rss_mb": peak_rss_mb(),
    }


def min_cosine(a: Path, b: Path) -> float:
    import numpy as np

    from dateline.index import Store

    va, vb = Store.open(a).vectors.array, Store.open(b).vectors.array
    return float(np.min(np.sum(va * vb, axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", default="1,2", help="Ray embedding workers to try")
    parser.add_argument("--batch", type=int, default=64, help="chunks per Ray batch")
    parser.add_argument("--run", nargs=3, metavar=("SOURCE", "TARGET", "WORKERS"))
    args = parser.parse_args()
    if args.run:
        source, target, workers = args.run
        print(json.dumps(run(Path(source), Path(target), int(workers), args.batch)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "articles.jsonl"
        rows = read_jsonl(REALTIMEQA / "corpus.jsonl", limit=args.articles)
        source.write_text("".join(json.dumps(r) + "\n" for r in rows))
        results = {}
        for workers in [0, *(int(w) for w in args.workers.split(","))]:
            out = subprocess.run(
                [sys.executable, __file__, "--batch", str(args.batch), "--run", str(source),
                 str(folder / f"index-{workers}"), str(workers)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            results[workers] = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"  {workers or 'local'}: {results[workers]}", file=sys.stderr)
        local = results[0]
        print(
            f"{args.articles} RealTimeQA articles, {local['chunks']} chunks, Ray batches of "
            f"{args.batch}\n"
        )
        print("| run | wall s | chunks/s | / local | peak RSS MB (driver) | min cosine to local |")
        print("|---|---|---|---|---|---|")
        for workers, result in results.items():
            name = "local (`dateline index`)" if workers == 0 else f"Ray, {workers} worker(s)"
            seconds = float(result["seconds"])  # type: ignore[arg-type]
            cosine = (
                "-"
                if workers == 0
                else f"{min_cosine(folder / 'index-0', folder / f'index-{workers}'):.6f}"
            )
            print(
                f"| {name} | {seconds:.1f} | {int(result['chunks']) / seconds:.1f} "  # type: ignore[call-overload]
                f"| {seconds / float(local['seconds']):.2f}x | {float(result['rss_mb']):.0f} "  # type: ignore[arg-type]
                f"| {cosine} |"
            )


if __name__ == "__main__":
    main()
