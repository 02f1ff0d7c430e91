"""kill -9 at any moment of a save leaves the last good index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from dateline.index import HashingEmbedder, Store

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import sys
    from dateline.index import Article, ChunkSettings, HashingEmbedder, Store, ingest
    path, round_ = sys.argv[1], 0
    embedder = HashingEmbedder(dim=64)
    while True:
        round_ += 1
        store = Store.open_or_create(path, model=embedder.name, backend=embedder.backend,
                                     dim=embedder.dim, chunking=ChunkSettings(24, 6))
        batch = [Article(id=f"r{round_}-{i}", title="t",
                         text=f"Round {round_} article {i}. " * 40) for i in range(20)]
        ingest(store, batch, embedder)
        print(round_, flush=True)
""")


def test_kill_during_saves_leaves_a_readable_index(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    embedder = HashingEmbedder(dim=64)
    for delay in (0.9, 1.3, 1.7, 2.2, 2.9):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(index)], env=env,
                                stdout=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not Store.exists(index):
            continue
        store = Store.open(index, model=embedder.name, dim=embedder.dim)
        count = store.manifest["counts"]["articles"]
        assert count % 20 == 0 and len(store.article_ids()) == count
        assert store.manifest["counts"]["chunks"] == len(store)
        for chunk in store.chunks():
            assert store.article(chunk.article_id).text[chunk.start : chunk.end] == chunk.text
        assert store.search(embedder.embed_query("Round 1 article 3"), 3)
    assert Store.exists(index), "the writer never finished a save: give it more time"
