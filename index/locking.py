"""An index folder's write lock (``DIR/.lock``): flock on POSIX, msvcrt on Windows."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import IndexLocked

__all__ = ["write_lock"]

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@contextlib.contextmanager
def write_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s write lock; IndexLocked when another process holds it."""
    with open(folder / ".lock", "w") as handle:
        if not _try_lock(handle):
            raise IndexLocked(
                f"Another Dateline process is writing {folder}; wait for it to finish and try again"
            )
        yield  # the lock goes with the handle
