"""An index folder's write lock (``DIR/.lock``): flock on POSIX, msvcrt on Windows.

A writer holds it across its whole read-modify-write (open the index, embed, save), so two
writers never start from the same generation. The holder's pid is written into the lock
file, so a waiting writer can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from .errors import IndexLocked

__all__ = ["holder", "write_lock"]

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


def holder(folder: Path) -> int | None:
    """The pid written by the process that holds (or last held) ``folder``'s lock."""
    try:
        return int((folder / ".lock").read_text().strip() or "x")
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def write_lock(
    folder: Path,
    *,
    wait: float = 0.0,
    on_wait: Callable[[int | None], None] | None = None,
    poll: float = 0.1,
) -> Iterator[None]:
    """Hold ``folder``'s write lock. When another process holds it, wait up to ``wait``
    seconds (``on_wait(pid)`` is called once, when the wait starts), then IndexLocked."""
    # "a" so that a waiting writer does not erase the holder's pid
    with open(folder / ".lock", "a+") as handle:
        handle.seek(0)  # msvcrt locks from the file position
        deadline = time.monotonic() + wait
        waited = False
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                pid = holder(folder)
                raise IndexLocked(
                    f"Another Dateline process{f' (pid {pid})' if pid else ''} is writing "
                    f"{folder}; wait for it to finish and try again"
                )
            if not waited and on_wait is not None:
                on_wait(holder(folder))
            waited = True
            time.sleep(poll)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield  # the lock goes with the handle
