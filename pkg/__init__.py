"""Dateline: answers about news articles, with citations a journalist can check.

The few names most programs need, importable from here::

    from dateline import Answerer, DatelineRetriever, index_paths

The layers live in ``dateline.index`` (read, chunk, embed, store, search), ``dateline.qa``
(answer with verified citations) and ``dateline.ui`` (the CLI and the chat). Names load on
first use, so ``import dateline`` stays cheap and the LangChain adapter is only imported when
it is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .index import (
        DatelineError,
        MiniLMEmbedder,
        Searcher,
        Store,
        index_paths,
    )
    from .index.retriever import DatelineRetriever
    from .qa import Answer, Answerer, Citation

__all__ = [
    "Answer",
    "Answerer",
    "Citation",
    "DatelineError",
    "DatelineRetriever",
    "MiniLMEmbedder",
    "Searcher",
    "Store",
    "__version__",
    "index_paths",
]

__version__ = "0.2.0"

_HOMES = {
    "Answer": ".qa",
    "Answerer": ".qa",
    "Citation": ".qa",
    "DatelineError": ".index",
    "DatelineRetriever": ".index.retriever",
    "MiniLMEmbedder": ".index",
    "Searcher": ".index",
    "Store": ".index",
    "index_paths": ".index",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'dateline' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
