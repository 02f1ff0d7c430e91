"""A save that runs out of disk space: one clear error, the live index untouched."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dateline.index import (
    Article,
    ChunkSettings,
    DiskFull,
    HashingEmbedder,
    Store,
    ingest,
    writing,
)
from dateline.index.check import check_index
from dateline.index.vectors import Vectors


def batch(prefix: str, n: int, words: int = 30) -> list[Article]:
    return [Article(f"{prefix}{i}", "t", f"Story {prefix} {i} text. " * words) for i in range(n)]


def test_no_space_while_writing_vectors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(store, batch("a", 3), embedder)

    def full(self: Vectors, folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Vectors, "save", full)
    full_error = pytest.raises(DiskFull, match=r"needs about \d+ MB free.*index is unchanged")
    with full_error, writing(index, embedder) as store:
        ingest(store, batch("b", 3), embedder)
    monkeypatch.undo()
    assert sorted(Store.open(index).article_ids()) == ["a0", "a1", "a2"]
    assert not list(index.glob(".tmp-*")) and check_index(index).ok


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mount") is None, reason="mounting a tmpfs needs root"
)
def test_a_real_full_disk(tmp_path: Path) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)]).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        embedder, index = HashingEmbedder(dim=64), mount / "idx"
        with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
            ingest(store, batch("a", 3), embedder)
        store.close()
        full_error = pytest.raises(DiskFull, match="No space left on the disk")
        with full_error, writing(index, embedder) as store:
            ingest(store, batch("b", 300, words=60), embedder)
        store.close()
        after = Store.open(index)
        assert sorted(after.article_ids()) == ["a0", "a1", "a2"]
        after.close()
        assert check_index(index).ok
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)  # -l: lazily, if still open
