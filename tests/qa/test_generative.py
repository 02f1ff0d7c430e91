from __future__ import annotations

import itertools

from dateline.qa import Answerer
from tests.conftest import ScriptedChatModel


def source_number(model: object, text: str) -> str:
    """The number the first prompt gave the source sentence holding ``text``."""
    prompt = model.prompts[0][1][1]  # type: ignore[attr-defined]
    return next(
        line.split("]")[0][1:]
        for line in prompt.splitlines()
        if line.startswith("[") and text in line
    )


def llm_answerer(seed_answerer: Answerer, replies: list[str]) -> tuple[Answerer, object]:
    model = ScriptedChatModel(replies)
    return Answerer(seed_answerer.searcher, nlp=seed_answerer.nlp, llm=model), model


def test_prompt_numbers_sources_and_citations_map_to_exact_spans(seed_answerer: Answerer) -> None:
    answerer, model = llm_answerer(seed_answerer, ["placeholder"])
    # learn which source holds the troop figure from the prompt, then script the reply
    answerer.ask("How many troops were deployed?")
    prompt = model.prompts[0][1][1]  # type: ignore[attr-defined]
    assert model.prompts[0][0][0] == "system" and "[1]" in prompt  # type: ignore[attr-defined]
    n = source_number(model, "14,000 troops")
    model.replies = [  # type: ignore[attr-defined]
        f"North Korea deployed around 14,000 troops [{n}]. "
        f"It also sent 20,000 tanks [{n}]. Putin was pleased."
    ]
    answer = answerer.ask("How many troops were deployed?")
    assert not answer.abstained
    assert answer.text == "North Korea deployed around 14,000 troops [1]."
    assert answer.notes == ("dropped 2 unverifiable sentence(s)",)
    (citation,) = answer.citations
    article = answerer.searcher.store.article(citation.article_id)
    assert article.text[citation.start : citation.end] == citation.quote
    assert "14,000 troops" in citation.quote


def test_resolved_dates_are_accepted_and_wrong_ones_dropped(seed_answerer: Answerer) -> None:
    answerer, model = llm_answerer(seed_answerer, ["placeholder"])
    answerer.ask("When was the treaty signed?")
    n = source_number(model, "June 19 last year")
    model.replies = [  # type: ignore[attr-defined]
        f"The treaty was signed on June 19, 2024 [{n}]. It was renewed on June 19, 2023 [{n}]."
    ]
    answer = answerer.ask("When was the treaty signed?")
    assert answer.text == "The treaty was signed on June 19, 2024 [1]."


def test_model_saying_not_in_sources_abstains(seed_answerer: Answerer) -> None:
    answerer, _ = llm_answerer(seed_answerer, ["NOT IN SOURCES"])
    answer = answerer.ask("How many troops were deployed?")
    assert answer.abstained and answer.citations == () and answer.related


def test_a_streamed_reply_is_told_as_it_grows_and_checked_the_same(
    seed_answerer: Answerer,
) -> None:
    answerer, model = llm_answerer(seed_answerer, ["placeholder"])
    answerer.ask("How many troops were deployed?")
    n = source_number(model, "14,000 troops")
    reply = f"North Korea deployed around 14,000 troops [{n}]. It also sent 20,000 tanks [{n}]."
    model.replies = [reply]  # type: ignore[attr-defined]
    told: list[str] = []
    streamed = answerer.ask("How many troops were deployed?", on_text=told.append)
    assert len(told) == len(reply.split(" ")) and told[-1] == reply
    assert all(b.startswith(a) and len(b) > len(a) for a, b in itertools.pairwise(told))
    # what streamed is only shown; the answer is checked as without streaming
    assert streamed.text == answerer.ask("How many troops were deployed?").text
    assert streamed.text == "North Korea deployed around 14,000 troops [1]."


def test_an_answer_is_never_only_a_citation_marker(seed_answerer: Answerer) -> None:
    """A model that replies with the marker alone ("[1]", as llama.cpp's server with the 1.5B
    did) cited a sentence: the answer quotes that sentence, never shows "[1]" alone."""
    answerer, model = llm_answerer(seed_answerer, ["placeholder"])
    answerer.ask("How many troops were deployed?")
    n = source_number(model, "14,000 troops")
    model.replies = [f"[{n}]"]  # type: ignore[attr-defined]
    answer = answerer.ask("How many troops were deployed?")
    (citation,) = answer.citations
    assert answer.text == f"“{citation.quote}” [1]"
    assert not answer.abstained
