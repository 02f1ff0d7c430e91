"""Search an index: the query is embedded and the nearest chunks come back as Hits."""

from __future__ import annotations

from pathlib import Path

from .embedding import Embedder
from .records import Hit
from .store import Store

__all__ = ["Searcher"]


class Searcher:
    """Dense search over a :class:`Store` with the embedder it was built with."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        if store.model != embedder.name:
            from .errors import IndexMismatch

            raise IndexMismatch(f"The index at {store.path} was built with {store.model}, "
                                f"not {embedder.name}; search it with the same model")
        self.store = store
        self.embedder = embedder

    @classmethod
    def from_index(cls, path: str | Path, embedder: Embedder) -> Searcher:
        """Open the index folder at ``path`` for searching."""
        return cls(Store.open(path, model=embedder.name, dim=embedder.dim), embedder)

    def search(self, query: str, k: int = 5) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first."""
        if not query.strip():
            raise ValueError("query is empty; ask something, e.g. \"How many troops were "
                             "deployed?\"")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        return self.store.search(self.embedder.embed_query(query), k)
