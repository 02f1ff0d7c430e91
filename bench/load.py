"""Load on a running chat: N concurrent sessions asking through the API while articles are
being indexed into the same folder.

    python bench/load.py --index DIR [--sessions 8] [--questions 10] [--port 7871]

Starts `dateline chat` on 127.0.0.1 (its own process), waits until it answers, then runs
``--sessions`` gradio_client sessions at once, each asking ``--questions`` questions from
``bench/questions/seed.jsonl`` in turn, while a `dateline index` run adds articles to the
index folder (a concurrent writer: the chat must pick up the new generation without an
error). Reports p50/p95 per request, errors, and what the chat's index held before and
after. Bounded: every request has a timeout, and the run stops after ``--limit`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import ROOT, read_jsonl


def wait_for(url: str, deadline: float) -> Any:
    from gradio_client import Client

    while time.monotonic() < deadline:
        try:
            return Client(url, verbose=False)
        except Exception:  # not up yet
            time.sleep(1.0)
    raise SystemExit(f"Error: the chat at {url} did not come up")


def dateline(*arguments: str, stdout: int = subprocess.PIPE) -> subprocess.Popen[str]:
    """`dateline ARGUMENTS` in its own process, offline, its errors kept for the report."""
    return subprocess.Popen(
        [sys.executable, "-m", "dateline", *arguments],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def articles_file(folder: Path, n: int) -> Path:
    path = folder / "extra.jsonl"
    with path.open("w") as handle:
        for i in range(n):
            text = f"Load test article {i}. The council approved {i * 7} new homes on Monday. " * 8
            handle.write(json.dumps({"id": f"load-{i}", "title": f"Load {i}", "text": text}))
            handle.write("\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a copy is used")
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--articles", type=int, default=200, help="indexed during the load")
    parser.add_argument("--port", type=int, default=7871)
    parser.add_argument("--limit", type=float, default=600.0, help="seconds, in all")
    args = parser.parse_args()
    questions = [q["question"] for q in read_jsonl(ROOT / "bench" / "questions" / "seed.jsonl")]
    work = Path(tempfile.mkdtemp(prefix="dateline-load-"))
    index = work / "index"
    shutil.copytree(args.index, index)
    serve = ("chat", "--index", str(index), "--no-browser", "--port", str(args.port))
    chat = dateline(*serve, stdout=subprocess.DEVNULL)
    url, start = f"http://127.0.0.1:{args.port}/", time.monotonic()
    deadline = start + args.limit
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    try:
        before = wait_for(url, deadline).predict("council approved homes", 50, api_name="/search")

        def session(number: int) -> None:
            client = wait_for(url, deadline)
            for i in range(args.questions):
                if time.monotonic() > deadline:
                    return
                question = questions[(number + i) % len(questions)]
                began = time.perf_counter()
                try:
                    answer = client.predict(question, api_name="/ask")
                    assert isinstance(answer, dict) and "answer" in answer
                    with lock:
                        latencies.append(time.perf_counter() - began)
                except Exception as exc:
                    with lock:
                        errors.append(f"{question!r}: {exc}")

        adding = articles_file(work, args.articles)
        writer = dateline("index", str(adding), "--index", str(index), "-q")
        threads = [threading.Thread(target=session, args=(n,)) for n in range(args.sessions)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
        writer_out, writer_err = writer.communicate(timeout=max(deadline - time.monotonic(), 1))
        after = wait_for(url, deadline).predict("council approved homes", 50, api_name="/search")
    finally:
        chat.terminate()
        chat.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else float("nan")
    print(
        f"{args.sessions} sessions x {args.questions} questions, {len(latencies)} answered, "
        f"{len(errors)} errors, in {wall:.1f} s ({len(latencies) / wall:.2f} answers/s)"
    )
    if ordered:
        print(
            f"ask latency p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )

    def loaded(hits: list[dict[str, Any]]) -> int:
        return sum(1 for h in hits if str(h["article_id"]).startswith("load-"))

    print(
        f"indexing {args.articles} articles meanwhile: exit {writer.returncode} "
        f"({writer_out.strip() or writer_err.strip()[-200:]}); "
        f"'load-' passages in the chat's search: before {loaded(before)}, after {loaded(after)}"
    )
    for error in errors[:10]:
        print("  error:", error)


if __name__ == "__main__":
    main()
