"""Generations of an index folder: each save writes ``gen-N+1`` complete and fsynced beside
the live one; the manifest is then switched to it and older generations are removed.

A crash before the switch leaves an orphan folder that the next save removes; a crash after
it leaves the new generation live. Either way the manifest names a complete generation.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .manifest import fsync_path

__all__ = ["collect_garbage", "write_generation"]


def write_generation(folder: Path, live: Path | None, write: Callable[[Path], None]) -> Path:
    """Write the generation after ``live`` into ``folder`` with ``write(tmp)``, fsync it and
    move it into place; returns its path. Call it under the folder's write lock."""
    number = int(live.name.split("-")[1]) + 1 if live else 1
    generation = folder / f"gen-{number:06d}"
    tmp = folder / f".tmp-{generation.name}"
    for stale in (generation, tmp):  # left by a writer that crashed before its switch
        if stale.exists():
            shutil.rmtree(stale)
    tmp.mkdir()
    write(tmp)
    for file in tmp.rglob("*"):
        fsync_path(file)
    os.replace(tmp, generation)
    fsync_path(folder)
    return generation


def collect_garbage(folder: Path, keep: str) -> None:
    """Remove every generation folder but ``keep`` (and unfinished ones)."""
    for child in folder.iterdir():
        if child.is_dir() and child.name != keep and child.name.startswith(("gen-", ".tmp-gen-")):
            shutil.rmtree(child, ignore_errors=True)
