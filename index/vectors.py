"""Chunk vectors and FAISS over them: ``vectors.npy`` and ``faiss.index`` in a generation.

Row ``i`` is the chunk in the catalog's row ``i``. Vectors are float32 unit rows, so inner
product is cosine similarity. The FAISS index is exact (``flat``) by default; ``hnsw`` and
``ivf`` trade a little recall for speed on large collections.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Vectors"]


class Vectors:
    """The vectors of every chunk row and a FAISS index of ``kind`` over them (built lazily
    after a change, and on :meth:`save`)."""

    def __init__(self, array: np.ndarray, kind: str, faiss_index: Any = None) -> None:
        self.array = array
        self.kind = kind
        self._faiss = faiss_index

    @classmethod
    def empty(cls, dim: int, kind: str) -> Vectors:
        return cls(np.zeros((0, dim), dtype=np.float32), kind)

    @classmethod
    def load(cls, folder: Path, kind: str) -> Vectors:
        """A generation's vectors (memory-mapped) and its FAISS index."""
        import faiss

        return cls(
            np.load(folder / "vectors.npy", mmap_mode="r"),
            kind,
            faiss.read_index(str(folder / "faiss.index")),
        )

    def __len__(self) -> int:
        return len(self.array)

    @property
    def indexed(self) -> int:
        """How many rows the FAISS index holds (equal to ``len`` in a sound index)."""
        return int(self._faiss.ntotal) if self._faiss is not None else len(self)

    def with_kind(self, kind: str) -> Vectors:
        return Vectors(self.array, kind)

    def keep(self, rows: Sequence[int]) -> Vectors:
        """Only these rows, in this order."""
        return Vectors(np.asarray(self.array)[list(rows)], self.kind)

    def extend(self, blocks: Sequence[np.ndarray]) -> Vectors:
        """These rows appended (each block ``(n, dim)``)."""
        dim = self.array.shape[1]
        parts = [np.asarray(self.array)]
        parts += [np.asarray(b, dtype=np.float32).reshape(-1, dim) for b in blocks]
        return Vectors(np.concatenate(parts), self.kind)

    def row(self, row: int) -> np.ndarray:
        return np.asarray(self.array[row])

    def nearest(self, rows: Sequence[int], vector: np.ndarray) -> int | None:
        """Of ``rows``, the one whose vector is nearest the unit ``vector``."""
        if not rows:
            return None
        return rows[int(np.argmax(np.asarray(self.array[list(rows)]) @ vector))]

    def search(
        self, vector: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and inner-product scores of the ``k`` nearest rows (within ``mask``)."""
        allowed = np.flatnonzero(mask) if mask is not None else None
        n = len(self) if allowed is None else len(allowed)
        if not n:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import faiss

        index = self._index()
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        params = selector = None
        if allowed is not None:
            selector = faiss.IDSelectorBatch(allowed.astype(np.int64))
            params = faiss.SearchParameters()
            params.sel = selector  # `selector` stays referenced until the search is done
        scores, rows = index.search(query, min(k, n), params=params)
        keep = rows[0] >= 0
        return rows[0][keep].astype(np.int64), scores[0][keep]

    def save(self, folder: Path) -> None:
        import faiss

        np.save(folder / "vectors.npy", np.ascontiguousarray(self.array, dtype=np.float32))
        faiss.write_index(self._index(), str(folder / "faiss.index"))

    def _index(self) -> Any:
        if self._faiss is None:
            self._faiss = _build(np.ascontiguousarray(self.array, dtype=np.float32), self.kind)
        return self._faiss


def _build(vectors: np.ndarray, kind: str) -> Any:
    import faiss

    dim, n = vectors.shape[1], len(vectors)
    index: Any
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = 128
    elif kind == "ivf" and n >= 64:
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = max(1, nlist // 8)
    else:  # flat, and IVF too small to train
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index
