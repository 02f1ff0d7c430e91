"""The LangChain retriever passes langchain-tests' standard suite on a real seed index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_tests.integration_tests import RetrieversIntegrationTests

from dateline.index import HashingEmbedder, Searcher, Store, index_paths
from dateline.index.retriever import DatelineRetriever
from tests.conftest import SEEDS

_SEARCHERS: list[Searcher] = []


@pytest.fixture(scope="module", autouse=True)
def _seed_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # the hashing embedder keeps this suite fast; test_cli covers the real model end to end.
    # langchain-tests reads the constructor's parameters from a property, not a fixture, so
    # the searcher is handed over through a module list (in a folder pytest cleans up)
    embedder = HashingEmbedder(dim=64)
    store = Store.open_or_create(tmp_path_factory.mktemp("retriever"), embedder)
    index_paths(store, [SEEDS], embedder)
    _SEARCHERS.append(Searcher(store, embedder))
    yield
    _SEARCHERS.pop().store.close()


def seed_searcher() -> Searcher:
    return _SEARCHERS[-1]


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
    dated = DatelineRetriever(searcher=searcher, as_of=date(2025, 6, 20), k=10).invoke("troops")
    as_text = DatelineRetriever.model_validate({"searcher": searcher, "as_of": "2025-06-20"})
    assert as_text.as_of == date(2025, 6, 20)  # pydantic parses ISO strings too
    assert len(dated) == len(searcher.store)  # every chunk was published by then
    assert [len(r) for r in retriever.batch(["troops", "treaty"], k=1)] == [1, 1]
