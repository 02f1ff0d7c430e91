"""Arrays in ``.npy`` files that queries read a few rows of: read with ``pread``, not mapped.

A query rescores ~200 vector rows and reads a few terms' BM25 postings. Through a memory
map, each page fault maps a whole large folio of the page cache into the process (Linux maps
up to megabytes around a fault), so after a hundred queries most of ``vectors.npy`` counted in
the process's memory (RSS 0.8 GB of file pages at 312k chunks). ``pread`` copies exactly the
bytes asked for; the file stays in the kernel's page cache, which it can drop at will.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

import numpy as np

__all__ = ["FileArray"]


class FileArray:
    """A ``.npy`` file (C order) read by rows or row ranges."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as file:
            version = np.lib.format.read_magic(file)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(file)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(file)
            self.offset = file.tell()
        if fortran or dtype.hasobject:
            raise ValueError(f"{path}: not a plain C-order array")
        self.path, self.shape, self.dtype = path, tuple(shape), dtype
        self.row_bytes = dtype.itemsize * int(np.prod(self.shape[1:], dtype=np.int64))
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def span(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start`` to ``stop`` (exclusive), in one read."""
        out = np.empty((max(0, stop - start), *self.shape[1:]), self.dtype)
        if len(out):
            self._read(out, start)
        return out

    def take(self, rows: np.ndarray) -> np.ndarray:
        """These rows, in this order: one read per run of consecutive rows."""
        rows = np.asarray(rows, np.int64)
        out = np.empty((len(rows), *self.shape[1:]), self.dtype)
        if not len(rows):
            return out
        if rows.min() < 0 or rows.max() >= self.shape[0]:
            raise IndexError(f"rows outside 0..{self.shape[0] - 1}")
        order = np.argsort(rows, kind="stable")
        wanted = rows[order]
        breaks = np.flatnonzero(np.diff(wanted) != 1) + 1  # where a run of rows ends
        block = np.empty_like(out)  # the rows in sorted order, read run by run
        for start, stop in zip([0, *breaks.tolist()], [*breaks.tolist(), len(wanted)], strict=True):
            self._read(block[start:stop], int(wanted[start]))
        out[order] = block
        return out

    def _read(self, out: np.ndarray, row: int) -> None:
        view = out.data.cast("B")  # `out` is C-contiguous
        got = os.preadv(self._fd, [view], self.offset + row * self.row_bytes)
        if got != len(view):
            raise OSError(f"{self.path}: short read ({got} of {len(view)} bytes); damaged?")
