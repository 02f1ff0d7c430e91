"""Indexing on a Ray cluster: files read, articles chunked and chunks embedded by Ray workers.

The driver (the process running ``dateline index``) decides what is new exactly as a local
run does, sends only that out, and writes the results into the index itself, so the index is
the same as a local run's: same ids, offsets and searches, vectors equal within float noise.
Files are read by Ray tasks (one per file), articles are chunked by tasks of
:data:`CHUNK_ARTICLES` articles each, and chunks are embedded by Ray Data's ``map_batches``
over a pool of actors that each load the packaged model once. Ray Data retries the work of a
worker that dies (actors are restarted, their batches run again).

Ray is an optional dependency (``pip install 'dateline[ray]'``), imported only here.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .chunking import Chunker, ChunkSettings
from .embedding import Embedder, MiniLMEmbedder, Progress
from .errors import BadArticle, DatelineError
from .reading import load_file, read_file
from .records import Article, Chunk
from .sources import Skipped

__all__ = ["CHUNK_ARTICLES", "LOCAL", "RayUnavailable", "RayWorkers", "ray_workers"]

CHUNK_ARTICLES = 64  # articles per chunking task
READS_IN_FLIGHT = 4  # file-reading tasks per worker submitted at once
LOCAL = "local"  # the address that starts a Ray on this machine for the run
CONNECT_TIMEOUT_S = 10.0


class RayUnavailable(DatelineError):
    """Ray is not installed, or the cluster cannot be reached."""


class _Embed:
    """A Ray Data actor: loads the embedder once, then embeds batches of ``text``."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        return {"vector": self.embedder.embed(texts)}


def _read(file: Path | str, data: bytes | None, max_article_mb: float) -> list[Any]:
    return read_file(file, max_article_mb=max_article_mb, data=data)


def _chunk(
    embedder: Embedder, settings: ChunkSettings, articles: list[Article]
) -> list[list[Chunk]]:
    return Chunker(embedder, settings).chunk_many(articles)


class RayWorkers:
    """:class:`~dateline.index.ingest.Workers` on a connected Ray cluster.

    ``workers`` embedding actors (one CPU each, or one GPU each when the cluster has GPUs),
    each given ``batch`` chunks at a time.
    """

    def __init__(self, embedder: Embedder, *, workers: int = 2, batch: int = 64) -> None:
        if workers < 1 or batch < 1:
            raise ValueError(f"workers and batch must be at least 1, got {workers} and {batch}")
        self.embedder = embedder
        self.workers = workers
        self.batch = batch
        # what the workers load: the packaged model on one thread each (actors share cores)
        self.shipped = (
            MiniLMEmbedder(embedder.backend, batch_size=embedder.batch_size, threads=1)
            if isinstance(embedder, MiniLMEmbedder)
            else embedder
        )

    def read(self, files: Sequence[Path | str], max_article_mb: float) -> Iterable[list[Any]]:
        """Files are loaded here (the workers need not see this machine's disks) and parsed
        by the workers, one task per file, at most :data:`READS_IN_FLIGHT` per worker at a
        time (so the bytes of a whole archive are never all in flight); URLs are fetched by
        the workers."""
        import ray

        task = ray.remote(num_cpus=1, max_retries=3)(_read)
        results: list[list[Any]] = [[] for _ in files]
        pending: dict[Any, int] = {}
        for i, file in enumerate(files):
            while len(pending) >= READS_IN_FLIGHT * self.workers:
                (done,), _ = ray.wait(list(pending), num_returns=1)
                results[pending.pop(done)] = ray.get(done)
            if isinstance(file, str):
                pending[task.remote(file, None, max_article_mb)] = i
                continue
            try:
                data = load_file(file)
            except BadArticle as exc:
                results[i] = [Skipped(exc.where, exc.reason)]
                continue
            pending[task.remote(file, data, max_article_mb)] = i
        for ref, i in pending.items():
            results[i] = ray.get(ref)
        return results

    def chunk(self, articles: Sequence[Article], settings: ChunkSettings) -> list[list[Chunk]]:
        import ray

        task = ray.remote(num_cpus=1, max_retries=3)(_chunk)
        embedder = ray.put(self.shipped)
        parts = [
            task.remote(embedder, settings, list(articles[start : start + CHUNK_ARTICLES]))
            for start in range(0, len(articles), CHUNK_ARTICLES)
        ]
        return [chunks for part in ray.get(parts) for chunks in part]

    def embed(
        self, texts: Sequence[str], *, progress: Progress | None = None
    ) -> Iterator[np.ndarray]:
        if not texts:
            return
        import ray

        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # vectors come back in text order
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        rows = ray.data.from_items(
            [{"text": t} for t in texts],
            # at least a block per worker, and a batch or more per block
            override_num_blocks=min(
                len(texts), max(self.workers, min(-(-len(texts) // self.batch), 32 * self.workers))
            ),
        )
        vectors = rows.map_batches(
            _Embed,
            fn_constructor_args=(self.shipped,),
            batch_size=self.batch,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            num_cpus=0 if gpus else 1,
            num_gpus=gpus,
        )
        for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
            block = np.asarray(batch["vector"], dtype=np.float32)
            if progress is not None:
                progress(len(block))
            yield block


@contextmanager
def ray_workers(
    address: str, embedder: Embedder, *, workers: int = 2, batch: int = 64
) -> Iterator[RayWorkers]:
    """Connect to the Ray cluster at ``address`` (``auto``, ``host:port``, ``ray://host:port``,
    or :data:`LOCAL` to start one here for the run), and disconnect at the end. A program
    that has already connected Ray itself keeps its connection (``address`` is not used).

    Raises :class:`RayUnavailable` with what to do when Ray is missing or unreachable.
    """
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailable(
            "indexing on a cluster needs Ray: pip install 'dateline[ray]'"
        ) from exc
    if ray.is_initialized():
        yield RayWorkers(embedder, workers=workers, batch=batch)
        return
    if address not in (LOCAL, "auto"):
        _reachable(address)
    try:
        ray.init(
            address=address,  # "local": a new Ray, even where another one is recorded
            include_dashboard=False,
            logging_level=logging.ERROR,
            log_to_driver=False,
            configure_logging=True,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address} ({exc}); start one with "
            "`ray start --head`, pass its address (`--ray HOST:PORT`), or leave out --ray"
        ) from exc
    try:
        yield RayWorkers(embedder, workers=workers, batch=batch)
    finally:
        ray.shutdown()


def _reachable(address: str) -> None:
    """Fail fast (Ray itself retries for a minute) when nothing listens at ``address``."""
    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(
            f"{address!r} is not a Ray address; give auto, HOST:PORT or ray://HOST:PORT"
        )
    try:
        with socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise RayUnavailable(
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it "
            "with `ray start --head`, check the address, or leave out --ray to index here"
        ) from exc
