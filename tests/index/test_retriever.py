"""The LangChain retriever passes langchain-tests' standard suite on a real seed index."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from dateline.index import HashingEmbedder, Searcher, Store, index_paths
from dateline.index.retriever import DatelineRetriever
from tests.conftest import SEEDS


@functools.cache
def seed_searcher() -> Searcher:
    # the hashing embedder keeps this suite fast; test_cli covers the real model end to end
    embedder = HashingEmbedder(dim=64)
    folder = Path(tempfile.mkdtemp(prefix="dateline-retriever-"))
    store = Store.open_or_create(folder, model=embedder.name, backend=embedder.backend,
                                 dim=embedder.dim)
    index_paths(store, [SEEDS], embedder)
    return Searcher(store, embedder)


class TestDatelineRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[DatelineRetriever]:
        return DatelineRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"searcher": seed_searcher(), "k": 2}

    @property
    def retriever_query_example(self) -> str:
        return "How many troops were deployed?"


def test_documents_carry_exact_offsets_and_metadata() -> None:
    searcher = seed_searcher()
    retriever = DatelineRetriever(searcher=searcher, k=3)
    docs = retriever.invoke("sappers sent to Kursk")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    for doc in docs:
        article = searcher.store.article(doc.metadata["article_id"])
        assert article.text[doc.metadata["start"] : doc.metadata["end"]] == doc.page_content
        assert doc.metadata["published"] == "2025-06-19"
        assert doc.id == f"{article.id}:{doc.metadata['start']}-{doc.metadata['end']}"
    assert retriever.invoke("troops", since="2026-01-01") == []
    assert retriever.invoke("troops", as_of="2025-01-01") == []
    dated = DatelineRetriever(searcher=searcher, as_of="2025-06-20", k=10).invoke("troops")
    assert len(dated) == len(searcher.store)  # every chunk was published by then
    assert [len(r) for r in retriever.batch(["troops", "treaty"], k=1)] == [1, 1]
