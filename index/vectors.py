"""Chunk vectors and FAISS over them: ``vectors.npy`` and ``faiss.index`` in a generation.

Row ``i`` is the chunk in the catalog's row ``i``. Vectors are float32 unit rows, so inner
product is cosine similarity. The FAISS index kind is ``auto`` by default: exact (``flat``)
below ``AUTO_HNSW_ROWS`` chunks, a graph (``hnsw``) from there on; ``flat``, ``hnsw``, ``ivf``
(inverted lists of float32 vectors) and ``ivfpq`` (inverted lists of product-quantised codes,
one byte per 8 dimensions: 48 bytes a chunk instead of 1,536) can be chosen outright.

The graph holds 8-bit scalar-quantised vectors (a quarter of the memory of float32: 384 MB
at a million chunks instead of 1.5 GB); its candidates (and ``ivfpq``'s) are rescored exactly from
``vectors.npy``, read by ``pread`` (``mapped.py``): only the rows a query touches are read.
How wide the graph search is (efSearch) grows with the number of rows (:func:`ef_search`).

Adding rows adds them to a copy of the FAISS index (no rebuild), unless the kind ``auto``
picks changes, or an IVF index has grown to need twice its trained lists (then it is retrained
once). Removing rows (removed or replaced articles) rebuilds the index on the next save.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .mapped import FileArray

__all__ = ["AUTO_HNSW_ROWS", "Vectors", "ef_search", "resolve_kind"]

AUTO_HNSW_ROWS = 20_000  # where a graph search beats an exact scan (47k rows: 0.4 vs 6 ms)
# approximate codes fetch this many times k candidates, then rescore them exactly
RESCORE = {"hnsw": 2, "ivfpq": 8}


def ef_search(rows: int) -> int:
    """efSearch for a graph over ``rows`` rows: 128 up to 100k (recall@10 0.99+ at 47k),
    then growing with the square root of the size (bench/scale.py measures recall)."""
    return max(128, int(128 * np.sqrt(rows / 100_000)))


def resolve_kind(kind: str, rows: int) -> str:
    """The FAISS index kind ``kind`` means for ``rows`` rows (``auto`` picks by size)."""
    if kind != "auto":
        return kind
    return "hnsw" if rows >= AUTO_HNSW_ROWS else "flat"


def _kind_of(index: Any) -> str:
    import faiss

    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(index, faiss.IndexIVFPQ):
        return "ivfpq"
    return "ivf" if isinstance(index, faiss.IndexIVF) else "flat"


class Vectors:
    """The vectors of every chunk row and a FAISS index of ``kind`` over them (built lazily
    after a change, and on :meth:`save`)."""

    def __init__(
        self, array: np.ndarray | list[np.ndarray], kind: str, faiss_index: Any = None
    ) -> None:
        self._parts = array if isinstance(array, list) else [array]
        self.kind = kind
        self._faiss = faiss_index
        self._file: FileArray | None = None  # the same rows, read by pread (mapped.py)

    @property
    def array(self) -> np.ndarray:
        """Every row's vector (blocks added since the load are joined on first use)."""
        if len(self._parts) != 1:
            self._parts = [np.concatenate([np.asarray(p) for p in self._parts])]
        return self._parts[0]

    @classmethod
    def empty(cls, dim: int, kind: str) -> Vectors:
        return cls(np.zeros((0, dim), dtype=np.float32), kind)

    @classmethod
    def load(cls, folder: Path, kind: str) -> Vectors:
        """A generation's vectors (memory-mapped; queries read rows by pread) and its FAISS
        index, read whole: with the graph's codes mapped from the file instead, a million
        rows opened 0.5 s sooner but searched ~20 ms slower (page faults on random codes)."""
        import faiss

        vectors = cls(
            np.load(folder / "vectors.npy", mmap_mode="r"),
            kind,
            faiss.read_index(str(folder / "faiss.index")),
        )
        vectors._file = FileArray(folder / "vectors.npy")
        return vectors

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)

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
        """These rows appended (each block ``(n, dim)``), as new Vectors with their own FAISS
        index: a copy of this one with the rows added when it stays the right kind for the new
        size. This Vectors (and whoever searches it) is left as it was."""
        dim = self._parts[0].shape[1]
        added = [np.asarray(b, dtype=np.float32).reshape(-1, dim) for b in blocks]
        parts = [*self._parts, *(b for b in added if len(b))]
        index = self._faiss
        if index is not None and not self._fits(index, sum(len(p) for p in parts)):
            index = None  # rebuilt as the right kind on the next search or save
        if index is not None and any(len(b) for b in added):
            import faiss

            index = faiss.clone_index(index)
            for block in added:
                if len(block):
                    index.add(np.ascontiguousarray(block))
        grown = Vectors(parts, self.kind, index)
        grown._file = self._file  # still the first rows
        return grown

    @property
    def effective_kind(self) -> str:
        """The kind of FAISS index searched now (``auto`` resolved by size)."""
        if self._faiss is not None:
            return _kind_of(self._faiss)
        return resolve_kind(self.kind, len(self))

    def _fits(self, index: Any, rows: int) -> bool:
        kind = _kind_of(index)
        if kind != resolve_kind(self.kind, rows):
            return False
        if kind in ("ivf", "ivfpq"):
            import faiss

            ivf: Any = faiss.downcast_index(index)
            return bool(_lists(rows) < 2 * ivf.nlist)
        return True

    def row(self, row: int) -> np.ndarray:
        return self.take(np.array([row]))[0]

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of these rows: read from the file when they are all in it (queries),
        else from the array."""
        rows = np.asarray(rows, np.int64)
        if self._file is not None and (not len(rows) or int(rows.max()) < len(self._file)):
            return self._file.take(rows)
        return np.asarray(self.array[rows])

    def nearest(
        self, groups: Sequence[Sequence[int] | np.ndarray], vector: np.ndarray
    ) -> list[int | None]:
        """Of each group of rows, the one whose vector is nearest the unit ``vector`` (None
        for an empty group); one read and one product for all groups."""
        lengths = np.fromiter((len(g) for g in groups), np.int64, len(groups))
        flat = np.concatenate([np.asarray(g, np.int64) for g in groups] or [np.zeros(0, np.int64)])
        if not len(flat):
            return [None] * len(groups)
        scores = self.take(flat) @ vector
        # sorted by group, then best first: each group's best sits where the group starts
        best = np.lexsort((-scores, np.repeat(np.arange(len(groups)), lengths)))
        starts = np.cumsum(lengths) - lengths
        rows = flat[best[np.minimum(starts, len(flat) - 1)]].tolist()
        return [row if n else None for row, n in zip(rows, lengths.tolist(), strict=True)]

    def search(
        self, vector: np.ndarray, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and inner-product scores of the ``k`` nearest rows (within ``mask``)."""
        n = len(self) if mask is None else int(np.count_nonzero(mask))
        if not n:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import faiss

        index = self._index()
        kind = _kind_of(index)
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        fetch = min(k * RESCORE.get(kind, 1), n)
        params: Any
        if kind in ("ivf", "ivfpq"):  # each kind wants its own parameters
            params = faiss.SearchParametersIVF()
            ivf: Any = faiss.downcast_index(index)
            params.nprobe = ivf.nprobe
        elif kind == "hnsw":
            params = _faiss().SearchParametersHNSW()  # missing from faiss's type stubs
            params.efSearch = max(ef_search(len(self)), fetch)
        else:
            params = faiss.SearchParameters()
        if mask is not None:  # one bit per row: no per-query hash set of the allowed rows
            bits = np.packbits(mask, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))  # `bits` lives on
        # one query is one thread's work: OpenMP's team (spinning while ONNX runs the next
        # query) made the scan of 47k rows take 10 ms instead of 6 on 2 cores
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, rows = index.search(query, fetch, params=params)
        finally:
            faiss.omp_set_num_threads(threads)
        found = rows[0][rows[0] >= 0].astype(np.int64)
        if kind not in RESCORE:
            return found, scores[0][rows[0] >= 0]
        # 8-bit or PQ codes order near neighbours roughly: rescore exactly
        exact = self.take(np.sort(found)) @ query[0]
        best = np.lexsort((np.sort(found), -exact))[:k]
        return np.sort(found)[best], exact[best].astype(np.float32)

    def save(self, folder: Path) -> None:
        """Write ``vectors.npy`` and ``faiss.index`` into ``folder``. When rows were only
        added since the load, the old file is copied by the kernel and the new rows appended
        (at a million rows: ~1 s instead of ~10 s to join the arrays and write them again)."""
        import faiss

        target = folder / "vectors.npy"
        if self._file is None or not _copy_and_append(self._file, target, self._added()):
            np.save(target, np.ascontiguousarray(self.array, dtype=np.float32))
        faiss.write_index(self._index(), str(folder / "faiss.index"))

    def _added(self) -> np.ndarray:
        """The rows after those of ``_file``."""
        assert self._file is not None
        skip, tail = len(self._file), []
        for part in self._parts:
            tail.append(part[min(skip, len(part)) :])
            skip = max(0, skip - len(part))
        return np.ascontiguousarray(np.concatenate(tail), dtype=np.float32)

    def _index(self) -> Any:
        if self._faiss is None:
            self._faiss = _build(np.ascontiguousarray(self.array, dtype=np.float32), self.kind)
        return self._faiss


def _copy_and_append(source: FileArray, target: Path, rows: np.ndarray) -> bool:
    """``source``'s file copied to ``target`` with ``rows`` appended; False (nothing written)
    when the new shape's header would not fit the old header's room."""
    if rows.dtype != source.dtype or rows.shape[1:] != source.shape[1:]:
        return False
    header = io.BytesIO()
    shape = (len(source) + len(rows), *source.shape[1:])
    np.lib.format.write_array_header_1_0(
        header,
        {
            "descr": np.lib.format.dtype_to_descr(source.dtype),
            "fortran_order": False,
            "shape": shape,
        },
    )
    if len(header.getvalue()) != source.offset:
        return False
    shutil.copyfile(source.path, target)  # sendfile: the kernel copies, page cache to disk
    with open(target, "r+b") as file:
        if file.seek(0, os.SEEK_END) != source.offset + len(source) * source.row_bytes:
            raise OSError(f"{source.path} changed while it was copied")
        file.write(rows.tobytes())
        file.seek(0)
        file.write(header.getvalue())
    return True


def _faiss() -> Any:
    """The faiss module, for the parts its type stubs leave out or spell wrong."""
    import faiss

    return faiss


def _lists(rows: int) -> int:
    """IVF lists for ``rows`` rows: ~4 sqrt(n), at least 39 rows each (FAISS's minimum)."""
    return max(1, min(int(4 * np.sqrt(rows)), rows // 39))


def _build(vectors: np.ndarray, kind: str) -> Any:
    import faiss

    dim, n = vectors.shape[1], len(vectors)
    kind = resolve_kind(kind, n)
    index: Any
    if kind == "hnsw" and n:  # the quantiser is trained on the rows: none, nothing to learn
        index = _faiss().IndexHNSWSQ(
            dim, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT
        )
        index.train(vectors[:: max(1, n // 100_000)])  # each dimension's range, from a sample
        index.hnsw.efSearch = ef_search(n)
    elif kind == "ivf" and n >= 64:
        nlist = _lists(n)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.nprobe = max(1, nlist // 8)
    elif kind == "ivfpq" and n >= 256:  # 256 codes per sub-vector to learn
        nlist = _lists(n)
        sub = next(m for m in range(max(1, dim // 8), 0, -1) if dim % m == 0)  # divides dim
        index = faiss.IndexIVFPQ(
            faiss.IndexFlatIP(dim), dim, nlist, sub, 8, faiss.METRIC_INNER_PRODUCT
        )
        index.train(vectors[:: max(1, n // 100_000)])  # lists and codebooks from a sample
        index.nprobe = max(1, nlist // 8)
    else:  # flat, and IVF too small to train
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index
