"""Writers and readers at once: no article lost, no reader told to rebuild a healthy index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dateline.index import (
    Article,
    ChunkSettings,
    HashingEmbedder,
    IndexChanged,
    IndexLocked,
    Store,
    ingest,
    writing,
)
from dateline.index.locking import write_lock

ROOT = Path(__file__).resolve().parents[2]
CHUNKING = ChunkSettings(24, 6)

# argv: index folder, writer name, rounds; each round adds 10 articles under the lock
WRITER = textwrap.dedent("""
    import sys
    from dateline.index import Article, ChunkSettings, HashingEmbedder, ingest, writing
    path, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    embedder = HashingEmbedder(dim=64)
    for r in range(rounds):
        with writing(path, embedder, chunking=ChunkSettings(24, 6)) as store:
            batch = [Article(id=f"{name}-{r}-{i}", title="t",
                             text=f"Writer {name} round {r} article {i}. " * 30)
                     for i in range(10)]
            ingest(store, batch, embedder)
        print("saved", r, flush=True)
""")


def writer(index: Path, name: str, rounds: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(index), name, str(rounds)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def articles(prefix: str, n: int) -> list[Article]:
    return [Article(f"{prefix}{i}", "t", f"Article {prefix} {i} text. " * 30) for i in range(n)]


def test_three_concurrent_writers_keep_every_article(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    procs = [writer(index, name, 4) for name in ("a", "b", "c")]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    store = Store.open(index)
    expected = {f"{n}-{r}-{i}" for n in "abc" for r in range(4) for i in range(10)}
    assert set(store.article_ids()) == expected
    assert store.manifest.articles == 120 and store.manifest.chunks == len(store)
    generations = sorted(p.name for p in index.glob("gen-*"))
    assert store.manifest.generation == generations[-1] and len(generations) <= 2


def test_a_store_opened_before_another_save_refuses_to_clobber_it(tmp_path: Path) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=CHUNKING) as store:
        ingest(store, articles("first", 3), embedder)
    stale = Store.open_or_create(index, embedder)  # no lock held from here to its save
    with writing(index, embedder) as store:
        ingest(store, articles("second", 3), embedder)
    stale.remove("first0")
    with pytest.raises(IndexChanged, match="Run again"):
        stale.save()
    assert len(Store.open(index).article_ids()) == 6  # the other writer's save stands


def test_a_waiting_writer_names_the_holder_and_times_out(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    index.mkdir()
    waited: list[int | None] = []
    locked = pytest.raises(IndexLocked, match=rf"pid {os.getpid()}.*try again")
    with (
        write_lock(index),
        locked,
        writing(index, HashingEmbedder(dim=64), wait=0.3, on_wait=waited.append),
    ):
        pass
    assert waited == [os.getpid()]
    with writing(index, HashingEmbedder(dim=64), wait=0.3):  # free again
        pass


def test_generation_numbers_are_never_reused(tmp_path: Path) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=CHUNKING) as store:
        ingest(store, articles("a", 2), embedder)
        first = store.manifest.generation
    (index / ".tmp-gen-000009").mkdir()  # left by a writer killed before its switch
    with writing(index, embedder) as store:
        ingest(store, articles("b", 2), embedder)
        second = store.manifest.generation
    assert second == "gen-000010"
    with writing(index, embedder) as store:
        ingest(store, articles("c", 2), embedder)
        third = store.manifest.generation
    assert third == "gen-000011"
    # the live generation and the one before it stay, for readers that just read the manifest
    assert sorted(p.name for p in index.iterdir() if "gen-" in p.name) == [second, third]
    assert first != second


def test_readers_never_fail_while_a_writer_saves(tmp_path: Path) -> None:
    """Reader processes (as `dateline search` runs are) open and search in a loop while a
    writer saves ten times; each prints one line per failure and its count of opens."""
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=CHUNKING) as store:
        ingest(store, articles("seed", 5), embedder)
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(index), str(stop)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    proc = writer(index, "w", 10)
    _, err = proc.communicate(timeout=300)
    stop.touch()
    outputs = [r.communicate(timeout=120) for r in readers]
    assert proc.returncode == 0, err
    for reader, (out, reader_err) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, reader_err
        lines = out.splitlines()
        assert lines[:-1] == []  # no failure lines
        assert int(lines[-1].split()[1]) > 5  # "opened N": it did read during the writes
    assert len(Store.open(index).article_ids()) == 105


# argv: index folder, stop file; searches until the stop file exists
READER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dateline.index import HashingEmbedder, Searcher
    index, stop = sys.argv[1], Path(sys.argv[2])
    embedder, opened = HashingEmbedder(dim=64), 0
    while not stop.exists():
        try:
            hits = Searcher.open(index, embedder).search("Article seed 3", 3)
            assert hits and hits[0].article.text[hits[0].chunk.start : hits[0].chunk.end]
            opened += 1
        except Exception as exc:
            print("failed", type(exc).__name__, exc, flush=True)
    print("opened", opened, flush=True)
""")


@pytest.mark.model
def test_two_cli_index_runs_at_once_keep_both_inputs(tmp_path: Path, model_cache: Path) -> None:
    """The repro of the issue: `dateline index a & dateline index b` on one folder."""
    index = tmp_path / "idx"
    inputs = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.jsonl"
        path.write_text(
            "".join(
                json.dumps(
                    {"id": f"{name}{i}", "title": f"{name} {i}", "text": f"Story {i}. " * 20}
                )
                + "\n"
                for i in range(30)
            )
        )
        inputs.append(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATELINE_CACHE": str(model_cache)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "dateline", "index", str(p), "--index", str(index), "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in inputs
    ]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    store = Store.open(index)
    assert set(store.article_ids()) == {f"{n}{i}" for n in "ab" for i in range(30)}
