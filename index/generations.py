"""Generations of an index folder: each save writes ``gen-N+1`` complete and fsynced beside
the live one; the manifest is then switched to it and generations older than the previous one
are removed.

Numbers are never reused: ``N`` is the highest generation present (live, previous or left by
a crashed writer), so a save never overwrites a folder a reader may be opening. The previous
generation is kept for readers that read the manifest just before the switch. A crash before
the switch leaves an orphan folder that a later save removes; a crash after it leaves the new
generation live. Either way the manifest names a complete generation.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .errors import DiskFull
from .manifest import fsync_path

__all__ = ["collect_garbage", "link_tree", "write_generation"]


def write_generation(folder: Path, live: Path | None, write: Callable[[Path], None]) -> Path:
    """Write the generation after ``live`` into ``folder`` with ``write(tmp)``, fsync it and
    move it into place; returns its path. Call it under the folder's write lock."""
    numbers = [_number(child.name) for child in folder.iterdir()]
    if live is not None:
        numbers.append(_number(live.name))
    generation = folder / f"gen-{max((n for n in numbers if n is not None), default=0) + 1:06d}"
    tmp = folder / f".tmp-{generation.name}"
    tmp.mkdir()
    try:
        write(tmp)
        for file in tmp.rglob("*"):
            fsync_path(file)
    except Exception as exc:
        written = _size(tmp)
        shutil.rmtree(tmp, ignore_errors=True)  # the live generation is untouched
        if _disk_full(exc):
            need = max(written, _size(live) if live else 0) * 1.2
            raise DiskFull(
                f"No space left on the disk of {folder}: this save needs about "
                f"{need / 2**20:.0f} MB free. Free some space and run again; the index is "
                f"unchanged"
            ) from exc
        raise
    os.replace(tmp, generation)
    fsync_path(folder)
    return generation


def link_tree(source: Path, target: Path) -> None:
    """Hard-link every file under ``source`` into ``target`` (created), copying where the
    file system has no hard links: files a generation shares with the one before it."""
    target.mkdir(parents=True, exist_ok=True)
    for file in source.rglob("*"):
        into = target / file.relative_to(source)
        if file.is_dir():
            into.mkdir(parents=True, exist_ok=True)
            continue
        into.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(file, into)
        except OSError:
            shutil.copyfile(file, into)


def collect_garbage(folder: Path, keep: str, previous: str | None = None) -> None:
    """Remove every generation folder but ``keep`` and ``previous`` (and unfinished ones).
    Call it under the write lock: an unfinished folder is then a crashed writer's."""
    for child in folder.iterdir():
        if child.name in (keep, previous) or not child.is_dir():
            continue
        if _number(child.name) is not None:
            shutil.rmtree(child, ignore_errors=True)


def _disk_full(exc: BaseException) -> bool:
    """ENOSPC from the OS, or as SQLite, numpy and FAISS report it."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    if isinstance(exc, OSError) and "requested and" in text and "written" in text:
        return True  # numpy's short write (tofile), which carries no errno
    return "disk is full" in text or "no space left" in text


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def _number(name: str) -> int | None:
    """N of ``gen-N`` or ``.tmp-gen-N``; None for any other name."""
    stem = name.removeprefix(".tmp-")
    if not stem.startswith("gen-") or not stem[4:].isdigit():
        return None
    return int(stem[4:])
