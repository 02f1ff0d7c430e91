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

# argv: index folder, writer name, rounds, then any readers' progress files; each round adds
# 10 articles under the lock, prints the generation it saved, and (with progress files) waits
# until every reader has opened that generation
WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dateline.index import Article, ChunkSettings, HashingEmbedder, ingest, writing
    path, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    progress = [Path(p) for p in sys.argv[4:]]
    embedder = HashingEmbedder(dim=64)
    for r in range(rounds):
        with writing(path, embedder, chunking=ChunkSettings(24, 6)) as store:
            batch = [Article(id=f"{name}-{r}-{i}", title="t",
                             text=f"Writer {name} round {r} article {i}. " * 30)
                     for i in range(10)]
            ingest(store, batch, embedder)
        generation = store.manifest.generation
        print("saved", r, generation, flush=True)
        deadline = time.monotonic() + 120
        while not all(p.exists() and generation in p.read_text().split() for p in progress):
            if time.monotonic() > deadline:
                sys.exit(f"a reader never opened {generation}")
            time.sleep(0.01)
""")


def writer(
    index: Path, name: str, rounds: int, progress: list[Path] | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(index), name, str(rounds), *map(str, progress or [])],
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
    writer saves ten times; each prints one line per failure. After each save the writer
    waits until every reader has opened the new generation, so each reader reads during the
    writes by construction, however slow it is."""
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=CHUNKING) as store:
        ingest(store, articles("seed", 5), embedder)
    stop = tmp_path / "stop"
    progress = [tmp_path / f"reader-{n}" for n in range(2)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(index), str(stop), str(seen)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seen in progress
    ]
    proc = writer(index, "w", 10, progress)
    out, err = proc.communicate(timeout=300)
    stop.touch()
    outputs = [r.communicate(timeout=120) for r in readers]
    assert proc.returncode == 0, err
    saved = [line.split()[2] for line in out.splitlines()]
    assert len(saved) == 10
    for reader, seen, (out, reader_err) in zip(readers, progress, outputs, strict=True):
        assert reader.returncode == 0, reader_err
        assert out == ""  # no failure lines
        assert set(saved) <= set(seen.read_text().split())  # it read every generation saved
    assert len(Store.open(index).article_ids()) == 105


# argv: index folder, stop file, progress file; searches until the stop file exists, and
# appends to the progress file each generation it has opened and searched (once)
READER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dateline.index import HashingEmbedder, Searcher
    index, stop, progress = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    embedder, seen = HashingEmbedder(dim=64), set()
    while not stop.exists():
        try:
            searcher = Searcher.open(index, embedder)
            hits = searcher.search("Article seed 3", 3)
            assert hits and hits[0].article.text[hits[0].chunk.start : hits[0].chunk.end]
            generation = searcher.store.manifest.generation
            if generation not in seen:
                seen.add(generation)
                with progress.open("a") as file:
                    file.write(generation + "\\n")
        except Exception as exc:
            print("failed", type(exc).__name__, exc, flush=True)
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
