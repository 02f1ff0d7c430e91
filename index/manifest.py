"""The index folder's ``manifest.json``: what built the index, and its current generation.

A :class:`Manifest` is read once when an index is opened and written only through
:func:`write_atomic` (a temporary file, fsync, rename, fsync of the folder), so a reader sees
the old manifest or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from .chunking import ChunkSettings
from .errors import IndexChanged, IndexCorrupt, IndexMismatch, IndexNotFound
from .ranking import Ranking

__all__ = ["FILENAME", "FORMAT_VERSION", "INDEX_KINDS", "Manifest", "fsync_path", "write_atomic"]

FORMAT_VERSION = 1
INDEX_KINDS = ("auto", "flat", "hnsw", "ivf", "ivfpq")
FILENAME = "manifest.json"


class Model(Protocol):
    """What a manifest records of the model that embeds: any ``Embedder`` is one. Declared
    here, not imported from ``embedding.py``, which reads manifests (``load_embedder``): the
    manifest is the lower layer."""

    @property
    def name(self) -> str: ...

    @property
    def backend(self) -> str: ...

    @property
    def dim(self) -> int: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Manifest:
    """Format version, model, backend, dimension, chunk settings, ranking, FAISS kind, counts,
    the dates covered and the current generation folder (None before the first save)."""

    model: str
    backend: str
    dim: int
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    index_kind: str = "flat"
    ranking: Ranking = field(default_factory=Ranking)
    generation: str | None = None
    articles: int = 0
    chunks: int = 0
    first: str | None = None  # the earliest publication date indexed
    last: str | None = None
    created: str = field(default_factory=_now)
    updated: str = field(default_factory=_now)
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.index_kind not in INDEX_KINDS:
            raise ValueError(
                f"index_kind must be one of {', '.join(INDEX_KINDS)}; got {self.index_kind!r}"
            )

    @classmethod
    def new(cls, embedder: Model, chunking: ChunkSettings, index_kind: str) -> Manifest:
        return cls(embedder.name, embedder.backend, embedder.dim, chunking, index_kind)

    def check_reader(self, embedder: Model, folder: Path) -> None:
        """IndexMismatch unless ``embedder`` is the model this index was built with."""
        if (self.model, self.dim) != (embedder.name, embedder.dim):
            raise IndexMismatch(
                f"The index at {folder} was built with {self.model} ({self.dim}-d vectors) but "
                f"this run uses {embedder.name} ({embedder.dim}-d); use the same model, or "
                f"index into a new folder with `dateline index PATH --index NEWDIR`"
            )

    def check_writer(self, embedder: Model, chunking: ChunkSettings | None, folder: Path) -> None:
        """IndexMismatch unless new vectors and chunks would match the stored ones: the same
        model and backend (vectors from backends differ slightly), the same chunk settings."""
        self.check_reader(embedder, folder)
        if self.backend != embedder.backend:
            raise IndexMismatch(
                f"The index at {folder} was built with the {self.backend} backend; add to it "
                f"with `--backend {self.backend}`, or index into a new folder"
            )
        if chunking is not None and chunking != self.chunking:
            raise IndexMismatch(
                f"The index at {folder} uses chunks of {self.chunking.max_tokens} tokens "
                f"(overlap {self.chunking.overlap_tokens}); index into a new folder to change "
                f"chunking"
            )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """The manifest of the index at ``folder``; errors say what to do next."""
        path = folder / FILENAME
        if not path.is_file():
            raise IndexNotFound(f"No index at {folder}; run `dateline index PATH --index {folder}`")
        rebuild = "rebuild the index with `dateline index PATH --index NEWDIR`"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexCorrupt(f"Cannot read {path} ({exc}); {rebuild}") from exc
        if not isinstance(data, dict):
            raise IndexCorrupt(f"{path} is not a JSON object; {rebuild}")
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexMismatch(
                f"The index at {folder} has format version {data.get('format_version')}, "
                f"this Dateline reads version {FORMAT_VERSION}; {rebuild}"
            )
        try:
            counts, dates = data.get("counts") or {}, data.get("dates") or {}
            return cls(
                model=str(data["model"]),
                backend=str(data["backend"]),
                dim=int(data["dim"]),
                chunking=ChunkSettings(**data["chunking"]),
                index_kind=str(data.get("index_kind", "flat")),
                ranking=Ranking.from_dict(data.get("ranking") or {}),
                generation=data.get("generation"),
                articles=int(counts.get("articles", 0)),
                chunks=int(counts.get("chunks", 0)),
                first=dates.get("first"),
                last=dates.get("last"),
                created=str(data.get("created", "")),
                updated=str(data.get("updated", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise IndexCorrupt(
                f"{path} is missing or has a bad field ({exc!r}); {rebuild}"
            ) from exc

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout of ``manifest.json`` (and of ``dateline stats --json``)."""
        return {
            "format_version": self.format_version,
            "generation": self.generation,
            "model": self.model,
            "backend": self.backend,
            "dim": self.dim,
            "chunking": asdict(self.chunking),
            "index_kind": self.index_kind,
            "ranking": self.ranking.to_dict(),
            "counts": {"articles": self.articles, "chunks": self.chunks},
            "dates": {"first": self.first, "last": self.last},
            "created": self.created,
            "updated": self.updated,
        }

    def write(self, folder: Path) -> None:
        write_atomic(folder / FILENAME, json.dumps(self.to_dict(), indent=2).encode("utf-8"))

    def saved_as(
        self, generation: str, *, articles: int, chunks: int, dates: list[str]
    ) -> Manifest:
        """This manifest pointing at a newly written generation."""
        return replace(
            self,
            generation=generation,
            articles=articles,
            chunks=chunks,
            first=min(dates, default=None),
            last=max(dates, default=None),
            updated=_now(),
        )


def check_unchanged(folder: Path, generation: str | None) -> None:
    """IndexChanged unless ``folder``'s manifest still names ``generation`` (None: no index
    yet): a store opened without holding the lock must not save over another writer's."""
    current = Manifest.read(folder).generation if (folder / FILENAME).is_file() else None
    if current != generation:
        raise IndexChanged(
            f"Another Dateline process saved {folder} after this one opened it; nothing was "
            f"written. Run again: the articles already indexed are kept"
        )


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)
