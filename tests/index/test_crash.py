"""kill -9 during a save leaves the last good index, and a re-run reaches the exact set."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from dateline.index import HashingEmbedder, Store
from dateline.index.check import check_index

ROOT = Path(__file__).resolve().parents[2]

# argv: index folder, first round, last round, "pause" to stop each save just before the
# manifest is replaced (after printing a marker) so the test can kill it exactly there
WRITER = textwrap.dedent("""
    import sys, time
    from dateline.index import Article, ChunkSettings, HashingEmbedder, Store, ingest
    path, first, last, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

    def publishing(generation):
        print("publishing", generation.name, flush=True)
        if mode == "pause":
            time.sleep(600)

    Store.before_publish = publishing
    embedder = HashingEmbedder(dim=64)
    for round_ in range(first, last + 1):
        store = Store.open_or_create(path, embedder, chunking=ChunkSettings(24, 6))
        batch = [Article(id=f"r{round_}-{i}", title="t",
                         text=f"Round {round_} article {i}. " * 40) for i in range(20)]
        ingest(store, batch, embedder)
        print("saved", round_, flush=True)
""")


def writer(index: Path, first: int, last: int, mode: str = "run") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(index), str(first), str(last), mode],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def assert_sound(index: Path, rounds: int) -> None:
    """The index holds exactly the articles of ``rounds`` whole rounds, readable, and passes
    `dateline check`."""
    assert check_index(index).ok, check_index(index).problems
    embedder = HashingEmbedder(dim=64)
    store = Store.open(index, embedder)
    expected = {f"r{r}-{i}" for r in range(1, rounds + 1) for i in range(20)}
    assert set(store.article_ids()) == expected
    assert store.manifest.articles == len(expected) and store.manifest.chunks == len(store)
    for chunk in store.chunks():
        assert store.article(chunk.article_id).text[chunk.start : chunk.end] == chunk.text
    if rounds:
        rows, _ = store.vectors.search(embedder.embed_query("Round 1 article 3"), 3)
        assert len(rows) == 3


def test_kill_just_before_the_manifest_is_replaced(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    assert writer(index, 1, 2).wait() == 0
    assert_sound(index, 2)
    proc = writer(index, 3, 3, mode="pause")
    assert proc.stdout is not None
    marker = proc.stdout.readline().split()
    assert marker[0] == "publishing"  # the new generation is complete on disk, not yet live
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (index / marker[1]).is_dir()
    assert_sound(index, 2)  # the manifest still points at round 2's generation
    assert writer(index, 3, 3).wait() == 0  # the re-run adds round 3 exactly once
    assert_sound(index, 3)
    generations = sorted(p.name for p in index.glob("gen-*"))
    assert generations[-1] == Store.open(index).manifest.generation and len(generations) <= 2


def test_kill_at_random_moments_of_saves(tmp_path: Path) -> None:
    index, rng, done = tmp_path / "idx", random.Random(5), 0
    for _ in range(4):
        proc = writer(index, done + 1, done + 50)
        assert proc.stdout is not None
        # wait for the first save of this run to start, then kill somewhere after it
        assert proc.stdout.readline().startswith("publishing")
        time.sleep(rng.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = Store.open(index).manifest.articles // 20
        assert_sound(index, done)
    assert done >= 1
