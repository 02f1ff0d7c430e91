"""The ``dateline`` command's dealings with the terminal and the machine: progress bars, waits,
and a port that is free before the chat loads its models."""

from __future__ import annotations

import socket
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from ..index import DatelineError, Embedder

__all__ = ["announce", "check_port", "progress_bar", "waiting", "watch_wait"]


def waiting(pid: int | None) -> None:
    """Said once when another writer holds the index's lock."""
    who = f" (pid {pid})" if pid else ""
    print(f"Another Dateline process{who} is writing to this index; waiting...", file=sys.stderr)


def announce(embedder: Embedder) -> None:
    """Said before the first use of a backend builds its ONNX export."""
    if getattr(embedder, "needs_export", False):
        print(f"Preparing the {embedder.backend} model (once, ~20 s)...", file=sys.stderr)


def progress_bar(quiet: bool, unit: str = "chunk", desc: str = "Embedding") -> Any:
    """A progress factory for the library: ``factory(total, label)`` -> a tqdm bar."""

    def progress(total: int, label: str = desc) -> Any:
        from tqdm import tqdm

        return tqdm(
            total=total,
            unit=unit,
            desc=label,
            file=sys.stderr,
            mininterval=1.0,
            disable=quiet or total == 0,
            dynamic_ncols=True,
        )

    return progress


def check_port(host: str, port: int) -> None:
    """DatelineError naming --port when ``host:port`` cannot be bound."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise DatelineError(
                f"port {port} on {host} is taken ({exc.strerror}); another `dateline chat`? "
                f"Choose another with --port, e.g. --port {port + 1}"
            ) from exc


def watch_wait(minutes: float) -> None:
    """Between two runs of ``dateline index --watch``: say when the next one starts, wait."""
    at = datetime.now() + timedelta(minutes=minutes)
    print(f"Watching: next check at {at:%H:%M:%S} (Ctrl+C stops)", file=sys.stderr, flush=True)
    time.sleep(minutes * 60)
