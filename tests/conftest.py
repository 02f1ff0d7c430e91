"""Shared fixtures: tiny inline articles, the hashing embedder, the real packaged model."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from dateline.index import Article, HashingEmbedder, MiniLMEmbedder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ARTICLES = [
    Article(
        id="troops",
        title="North Korea sends troops",
        published="2025-06-19",
        source="Yonhap",
        url="https://example.org/troops",
        text="North Korea deployed around 14,000 troops to Russia. The troops fought in "
        "Kursk. Mr. Kim praised the U.S. envoy's remarks, officials said.\n\n"
        "Kim also decided to send 1,000 sappers for mine removal.",
    ),
    Article(
        id="rain",
        title="Monsoon rains flood Seoul",
        published="2025-07-02",
        source="Example Wire",
        url=None,
        text="Heavy monsoon rains flooded parts of Seoul on Tuesday. Roads were closed and "
        "schools shut. The weather agency expects more rain this week.",
    ),
    Article(
        id="chips",
        title="Chip exports rise",
        published="2025-05-30",
        source=None,
        url=None,
        text="Semiconductor exports rose 12 percent in May from a year earlier, the trade "
        "ministry said. Demand for memory chips drove the gain.",
    ),
]


def answerer_over(folder: Path, articles: list[Article], seed_answerer: Any) -> Any:
    """An answerer over ``articles`` indexed with the real model (spaCy shared with
    ``seed_answerer``)."""
    from dateline.index import Searcher, Store, ingest
    from dateline.qa import Answerer

    embedder = seed_answerer.searcher.embedder
    store = Store.open_or_create(folder, embedder)
    ingest(store, articles, embedder)
    return Answerer(Searcher(store, embedder), nlp=seed_answerer.nlp)


@pytest.fixture
def articles() -> list[Article]:
    return list(ARTICLES)


@pytest.fixture
def embedder() -> HashingEmbedder:
    return HashingEmbedder(dim=64)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ONNX export per test session."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def real_embedder(model_cache: Path) -> MiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2 on the default backend, loaded once per session."""
    return MiniLMEmbedder(cache_dir=model_cache)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: MiniLMEmbedder) -> Path:
    """The bundled seeds indexed with the real model, once per session."""
    from dateline.index import Store, index_paths

    folder = tmp_path_factory.mktemp("seed-index")
    store = Store.open_or_create(folder, real_embedder)
    index_paths(store, [SEEDS], real_embedder)
    return folder


@pytest.fixture(scope="session")
def seed_answerer(seed_index: Path, real_embedder: MiniLMEmbedder):  # type: ignore[no-untyped-def]
    """An extractive answerer over the seed index (spaCy loaded once)."""
    from dateline.index import Searcher
    from dateline.qa import Answerer

    return Answerer(Searcher.open(seed_index, real_embedder))


class ScriptedChatModel:
    """A stand-in chat model: replies from a script and records every prompt it was sent
    (like llm's MockModel). Built lazily so langchain_core loads only where used."""

    def __new__(cls, replies: list[str]):  # type: ignore[no-untyped-def]
        from langchain_core.language_models.chat_models import BaseChatModel
        from langchain_core.messages import AIMessage, AIMessageChunk
        from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
        from pydantic import Field

        class _Scripted(BaseChatModel):
            replies: list[str]
            prompts: list[list[tuple[str, str]]] = Field(default_factory=list)

            @property
            def _llm_type(self) -> str:
                return "scripted"

            def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
                self.prompts.append([(m.type, str(m.content)) for m in messages])
                reply = self.replies[min(len(self.prompts), len(self.replies)) - 1]
                return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])

            def _stream(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
                self.prompts.append([(m.type, str(m.content)) for m in messages])
                reply = self.replies[min(len(self.prompts), len(self.replies)) - 1]
                for i, word in enumerate(reply.split(" ")):  # a word at a time, as models stream
                    piece = word if i == 0 else " " + word
                    yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

        return _Scripted(replies=replies, prompts=[])
