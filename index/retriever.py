"""The LangChain ``BaseRetriever`` adapter over :class:`Searcher` (the only module here that
imports langchain_core). ``DatelineRetriever.from_index("DIR")`` is all another tool needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .records import Hit
from .search import Searcher

__all__ = ["DatelineRetriever", "hit_to_document"]


def hit_to_document(hit: Hit) -> Document:
    """A search hit as a LangChain Document; offsets and score in the metadata."""
    return Document(
        id=hit.chunk.id,
        page_content=hit.chunk.text,
        metadata={k: v for k, v in hit.to_dict().items() if k not in ("chunk_id", "text")},
    )


class DatelineRetriever(BaseRetriever):
    """Hybrid news search as a LangChain retriever: ``invoke``, ``batch`` and ``ainvoke`` come
    from the base class. ``k``, ``since``, ``until`` and ``as_of`` (the reader's day: later
    articles left out, recent ones preferred) can be set here or per call."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    k: int = 4
    since: date | None = None  # ISO strings are accepted and parsed
    until: date | None = None
    as_of: date | None = None

    @classmethod
    def from_index(
        cls,
        path: str | Path,
        *,
        backend: str | None = None,
        cache_dir: Path | None = None,
        **fields: Any,
    ) -> DatelineRetriever:
        """A retriever over the index folder at ``path`` with the packaged model, embedding
        queries with the index's own backend unless ``backend`` says otherwise."""
        return cls(searcher=Searcher.open(path, backend=backend, cache_dir=cache_dir), **fields)

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        as_of: date | str | None = None,
        **_: Any,
    ) -> list[Document]:
        hits = self.searcher.search(
            query,
            k or self.k,
            since=_day(since) or self.since,
            until=_day(until) or self.until,
            as_of=_day(as_of) or self.as_of,
        )
        return [hit_to_document(h) for h in hits]


def _day(value: date | str | None) -> date | None:
    """A per-call date from a LangChain caller, who may pass an ISO string."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date; write it like 2025-06-19") from exc
