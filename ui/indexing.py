"""``dateline index``: read, chunk and embed articles into an index, here or on a Ray cluster,
once or every few minutes (``--watch``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..index import ChunkSettings, DatelineError, index_paths, load_embedder, writing
from .console import announce, progress_bar, waiting, watch_wait
from .settings import Settings
from .views import counted, index_summary

__all__ = ["run_index"]


def run_index(args: argparse.Namespace, settings: Settings) -> int:
    embedder = load_embedder(args.backend, index=args.index, cache_dir=settings.cache_dir)
    if args.ray is None:
        announce(embedder)  # on a cluster, the workers load the model
    chunking = None
    if args.chunk_tokens is not None or args.overlap_tokens is not None:
        default = ChunkSettings()
        chunking = ChunkSettings(
            args.chunk_tokens or default.max_tokens,
            default.overlap_tokens if args.overlap_tokens is None else args.overlap_tokens,
        )
    with _workers(args, embedder) as (workers, check):
        code, run = _index_once(args, embedder, chunking, workers, check), 1
        while args.watch and (args.runs is None or run < args.runs):
            watch_wait(args.watch)
            code, run = _index_once(args, embedder, chunking, workers, check), run + 1
    return code


@contextmanager
def _workers(
    args: argparse.Namespace, embedder: Any
) -> Iterator[tuple[Any, Callable[[], None] | None]]:
    """None (this process), or Ray workers connected for the whole command, each with what
    checks for a Ctrl+C Ray may have lost (see :func:`_ctrl_c`)."""
    if args.ray is None:
        yield None, None
        return
    from ..index.cluster import LOCAL, ray_workers

    # Ray Data's plans and notices stay out of the terminal (Ray reads this when it runs)
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")
    where = "a Ray started here" if args.ray == LOCAL else f"the Ray cluster at {args.ray}"
    print(
        f"Indexing on {where}: {counted(args.ray_workers, 'embedding worker')}, "
        f"{args.ray_batch} chunks a batch",
        file=sys.stderr,
    )
    with (
        ray_workers(args.ray, embedder, workers=args.ray_workers, batch=args.ray_batch) as w,
        _ctrl_c() as check,
    ):
        yield w, check
        check()


@contextmanager
def _ctrl_c() -> Iterator[Callable[[], None]]:
    """Ctrl+C on a Ray run: Ray defers SIGINT while it starts the embedding actors and can
    lose the KeyboardInterrupt raised then, so the press is also remembered, and ``check()``
    raises it again at the next embedded batch (or at the end)."""
    pressed = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        pressed.set()
        raise KeyboardInterrupt

    def check() -> None:
        if pressed.is_set():
            raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)


def _checked(bars: Callable[[int], Any], check: Callable[[], None]) -> Callable[[int], Any]:
    """``bars`` (a progress factory) whose bars call ``check`` before each update."""
    return lambda total: _Checked(bars(total), check)


class _Checked:
    """A progress bar that calls ``check`` before each update."""

    def __init__(self, bar: Any, check: Callable[[], None]) -> None:
        self.bar, self.check = bar, check

    def update(self, n: int = 1) -> object:
        self.check()
        return self.bar.update(n)

    def close(self) -> None:
        self.bar.close()


def _index_once(
    args: argparse.Namespace,
    embedder: Any,
    chunking: Any,
    workers: Any,
    check: Callable[[], None] | None = None,
) -> int:
    with writing(
        args.index, embedder, chunking=chunking, index_kind=args.index_kind, on_wait=waiting
    ) as store:
        progress, limit = progress_bar(args.quiet), args.max_article_mb
        if check is not None:
            progress = _checked(progress, check)
        report = index_paths(
            store, args.paths, embedder, progress=progress, max_article_mb=limit, workers=workers
        )
    for skipped in report.skipped:
        print(f"Skipped {skipped}", file=sys.stderr)
    for note in report.notes:
        print(f"Note: {note}", file=sys.stderr)
    counts = report.counts()
    print(index_summary(counts, args.index, len(store.article_ids()), len(store)))
    if not any(counts[k] for k in ("added", "unchanged", "replaced", "skipped")):
        where = ", ".join(str(p) for p in args.paths)
        raise DatelineError(
            f"no articles found in {where}; give text (.txt, .md), JSONL, JSON, HTML or "
            "RSS/Atom (.xml, .rss, .atom) files, or folders holding them"
        )
    if report.partial:
        print(
            f"Error: {counted(counts['skipped'], 'input')} could not be read (listed above); "
            "fix or remove them and run the same command again",
            file=sys.stderr,
        )
        return 1
    return 0
