"""Writing to an index folder that others may be writing to and reading from.

A writer holds the folder's lock across its whole read-modify-write (:func:`writing`): it
opens the index only once the lock is its own, so it starts from the newest generation and
no other writer can save in between. Readers take no lock; the previous generation stays on
disk for the ones that read the manifest just before a switch (``generations.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from .chunking import ChunkSettings
from .embedding import Embedder
from .locking import write_lock
from .store import Store

__all__ = ["writing"]


@contextlib.contextmanager
def writing(
    path: str | Path,
    embedder: Embedder | None = None,
    *,
    chunking: ChunkSettings | None = None,
    index_kind: str | None = None,
    wait: float = 3600.0,
    on_wait: Callable[[int | None], None] | None = None,
) -> Iterator[Store]:
    """Hold ``path``'s write lock and yield its index (opened, or started when there is
    none) for changes and ``save()`` calls; the lock is released on leaving. Without
    ``embedder`` (e.g. to remove articles) the index must exist: IndexNotFound otherwise.

    Another writer holding the lock is waited for, up to ``wait`` seconds (``on_wait`` gets
    its pid when the wait starts), then IndexLocked: two writers never start from the same
    generation, so neither loses the other's articles."""
    folder = Path(path)
    if embedder is None and not Store.exists(folder):
        Store.open(folder)  # IndexNotFound, saying how to build one
    folder.mkdir(parents=True, exist_ok=True)
    with write_lock(folder, wait=wait, on_wait=on_wait):
        if embedder is None:
            store = Store.open(folder)
        else:
            store = Store.open_or_create(folder, embedder, chunking=chunking, index_kind=index_kind)
        store._locked = True
        try:
            yield store
        finally:
            store._locked = False
