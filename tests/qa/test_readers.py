"""Readers propose spans; only words of a shown sentence become answers (exact offsets)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from dateline.index import Article
from dateline.qa import Answerer
from dateline.qa.extractive import Candidate
from dateline.qa.readers import Reading, Streamed, locate, parse_reply, partial_answer
from dateline.qa.reading import MODEL_READ
from tests.conftest import answerer_over

ARTICLE = Article(
    id="seed",
    title="t",
    published="2025-06-19",
    text="The treaty was signed on June 19 last year in Pyongyang. "
    "North Korea deployed around 14,000 troops to Russia.",
)
FIRST = Candidate(ARTICLE, 0, 56, 1)
SECOND = Candidate(ARTICLE, 57, len(ARTICLE.text), 1)


def spanned(reading: Reading) -> tuple[int, str] | None:
    found = locate(reading, [FIRST, SECOND])
    if found is None:
        return None
    i, span = found
    return i, ARTICLE.text[span.start : span.end]


def test_the_answer_is_mapped_to_exact_offsets_in_a_shown_sentence() -> None:
    assert spanned(Reading("around 14,000 troops", 2)) == (1, "around 14,000 troops")
    assert spanned(Reading("Around 14000 Troops.", 2)) == (1, "around 14,000 troops")
    # part of a number or a word is no answer ("14" of "14,000", "roop" of "troops")
    assert spanned(Reading("14", 2)) is None
    assert spanned(Reading("roops", 2)) is None
    # a right span under the wrong source number is found where it is, and cited there
    assert spanned(Reading("14,000 troops", 1)) == (1, "14,000 troops")
    # a date the reader rewrote maps back to the phrase that states it
    assert spanned(Reading("2024-06-19", 2)) == (0, "June 19 last year")
    assert spanned(Reading("June 19, 2024", None)) == (0, "June 19 last year")


def test_words_no_sentence_states_are_not_an_answer() -> None:
    assert spanned(Reading("15,000 troops", 2)) is None
    assert spanned(Reading("2023-06-19", 1)) is None
    assert spanned(Reading(None)) is None


def test_replies_that_say_nothing_are_no_answer() -> None:
    assert parse_reply('{"answer": "Sergei Shoigu", "source": 3}') == Reading("Sergei Shoigu", 3)
    for reply in ('{"answer": null}', '{"answer": "null"}', "not json", '["x"]', '{"answer": 3}'):
        assert parse_reply(reply).answer is None


def test_the_answer_is_read_out_of_a_reply_still_being_written() -> None:
    reply = '{"answer": "around \\"14,000\\" troops", "source": 2}'
    seen = [partial_answer(reply[:i]) for i in range(len(reply) + 1)]
    assert seen[: reply.index(': "') + 3] == [None] * (reply.index(': "') + 3)
    grown = [s for s in seen if s]
    assert grown[-1] == 'around "14,000" troops'  # escapes undone, the closing quote not kept
    assert all(b.startswith(a) for a, b in itertools.pairwise(grown))
    assert partial_answer('{"answer": null}') is None


class Scripted:
    """A reader that replies from a script (a fixed reading, or one ``pick`` makes of the
    sentences shown) and records what it was shown."""

    name = "scripted"

    def __init__(
        self, reading: Reading, pick: Callable[[Sequence[Candidate]], Reading] | None = None
    ) -> None:
        self.reading = reading
        self.pick = pick
        self.shown: list[list[str]] = []

    def read(
        self,
        question: str,
        sources: Sequence[Candidate],
        as_of: date | None,
        on_text: Streamed | None = None,
    ) -> Reading:
        self.shown.append([s.text for s in sources])
        if self.pick is not None:
            self.reading = self.pick(sources)
        return self.reading


def with_reader(seed_answerer: Answerer, reader: Scripted) -> Answerer:
    return Answerer(seed_answerer.searcher, nlp=seed_answerer.nlp, reader=reader)


def test_a_verified_reading_answers_with_its_citation(seed_answerer: Answerer) -> None:
    reader = Scripted(Reading("5,000 military construction workers", 1))
    answer = with_reader(seed_answerer, reader).ask(
        "How many workers will be sent?", as_of=date(2025, 6, 20)
    )
    assert answer.short == "5,000 military construction workers"
    assert "construction workers" in answer.citations[0].quote
    assert 1 <= len(reader.shown[0]) <= MODEL_READ


@pytest.mark.parametrize("reading", [Reading(None), Reading("nobody knows", 1)])
def test_no_answer_abstains_and_an_unstated_one_falls_back_to_the_rules(
    seed_answerer: Answerer, reading: Reading
) -> None:
    answer = with_reader(seed_answerer, Scripted(reading)).ask(
        "How many troops were deployed?", as_of=date(2025, 6, 20)
    )
    if reading.answer is None:
        assert answer.abstained
    else:  # "nobody knows" is in no sentence: the rules' answer stands
        assert answer.short == "Around 14,000 troops"


def test_a_sentence_copied_whole_is_no_answer_and_the_rules_answer_stands(
    seed_answerer: Answerer,
) -> None:
    reader = Scripted(Reading(None), lambda sources: Reading(sources[0].text, 1))  # copied whole
    answer = with_reader(seed_answerer, reader).ask(
        "How many troops were deployed?", as_of=date(2025, 6, 20)
    )
    assert len(reader.shown[0][0].split()) > 12  # a real copy, verified as words of it
    assert answer.short == "Around 14,000 troops"


def test_a_number_read_for_a_date_is_no_answer_and_the_rules_answer_stands(
    seed_answerer: Answerer,
) -> None:
    reader = Scripted(Reading("19", 1))  # the 0.5B's reading of "on June 19 last year"
    answer = with_reader(seed_answerer, reader).ask(
        "When was the treaty signed?", as_of=date(2025, 6, 20)
    )
    assert any(" 19 " in text for text in reader.shown[0])  # a whole word of a shown sentence
    assert answer.short.startswith("June 19, 2024")


def test_a_reader_reads_the_best_sentences_unfiltered_and_decides_itself(
    seed_answerer: Answerer,
) -> None:
    # the rules show a reader only sentences that state the asked predicate with a number;
    # the model is shown the ranker's best MODEL_READ, whatever they say, and decides
    reader = Scripted(Reading(None))
    answer = with_reader(seed_answerer, reader).ask(
        "How many troops were deployed?", as_of=date(2025, 6, 20)
    )
    assert answer.abstained and answer.reader == "scripted"  # its "none answers" stands
    assert len(reader.shown[0]) == MODEL_READ
    assert any(not re.search(r"\d", text) for text in reader.shown[0])


def test_a_reader_with_no_doubt_does_not_answer_when_no_sentence_is_likely_to(
    seed_answerer: Answerer,
) -> None:
    reader = Scripted(Reading("around 14,000 troops", 1))  # says nothing of how sure it is
    answer = with_reader(seed_answerer, reader).ask(
        "How many North Korean soldiers were killed in the war?", as_of=date(2025, 6, 20)
    )
    assert answer.abstained and reader.shown  # it was asked, and the support declined


def test_dates_are_shown_to_a_reader_only_for_a_date_question() -> None:
    from dateline.qa.readers import sources_prompt

    dated = sources_prompt("When was the treaty signed?", [FIRST, SECOND], date(2025, 6, 20))
    assert "Today: 2025-06-20" in dated
    assert (
        "[1] The treaty was signed on June 19 last year in Pyongyang. (published 2025-06-19)"
        in dated
    )
    plain = sources_prompt("How many troops?", [FIRST, SECOND], date(2025, 6, 20), dated=False)
    assert "2025-06-" not in plain  # neither the day nor the articles' dates
    assert plain.splitlines() == [
        "[1] The treaty was signed on June 19 last year in Pyongyang.",
        "[2] North Korea deployed around 14,000 troops to Russia.",
        "Question: How many troops?",  # last, next to the answer
    ]


def first_number(sources: Sequence[Candidate]) -> Reading:
    """The first bare number of the sentences shown, as a reading."""
    found = [
        (n, m[0]) for n, s in enumerate(sources, 1) for m in re.finditer(r"\d[\d,]*\d", s.text)
    ]
    return Reading(found[0][1], found[0][0]) if found else Reading(None)


@pytest.mark.parametrize(
    "question", ["Where were the troops deployed?", "Who did Kim meet in Pyongyang?"]
)
def test_a_bare_number_read_for_a_name_is_no_answer_and_the_rules_answer_stands(
    seed_answerer: Answerer, question: str
) -> None:
    # the 1.5B's "2" for "where", "25" for "which show"
    reader = Scripted(Reading(None), first_number)
    answer = with_reader(seed_answerer, reader).ask(question, as_of=date(2025, 6, 20))
    number = reader.reading.answer
    assert number is not None  # a number of a shown sentence was read
    assert not answer.abstained and number not in answer.short
    assert answer.short == seed_answerer.ask(question, as_of=date(2025, 6, 20)).short


def test_a_source_number_read_as_the_answer_is_no_answer() -> None:
    from dateline.qa.readers import echoes_source

    # the 1.5B's "2" under source 2, found only in another sentence (or nowhere)
    assert echoes_source(Reading("2", 2), found_in=0, shown=6)
    assert echoes_source(Reading(" 1 ", 1), found_in=3, shown=6)
    # a number the named sentence states is an answer ("2 cases", sentence 2)
    assert not echoes_source(Reading("2", 2), found_in=1, shown=6)
    # larger than the number of sentences, not bare, or no source named: not an echo
    assert not echoes_source(Reading("7", 2), found_in=0, shown=6)
    assert not echoes_source(Reading("2 cases", 2), found_in=0, shown=6)
    assert not echoes_source(Reading("2", None), found_in=0, shown=6)


def test_an_echoed_source_number_leaves_the_rules_answer(
    tmp_path: Path, seed_answerer: Answerer
) -> None:
    article = Article(
        id="border",
        title="Troops sent to the border",
        published="2025-06-19",
        text="The army deployed 5,000 troops to the border on Monday. "
        "Officials said 2 of the soldiers deployed there were hurt in a blast.",
    )
    answerer = answerer_over(tmp_path, [article], seed_answerer)

    def echo(sources: Sequence[Candidate]) -> Reading:  # "2" under a source that lacks it
        lacking = [n for n, s in enumerate(sources, 1) if " 2 " not in s.text]
        return Reading("2", lacking[0])

    reader = Scripted(Reading(None), echo)
    read = Answerer(answerer.searcher, nlp=answerer.nlp, reader=reader)
    answer = read.ask("How many troops were deployed?", as_of=date(2025, 6, 20))
    assert any(" 2 " in text for text in reader.shown[0])  # "2" is stated, elsewhere
    assert answer.short == answerer.ask("How many troops were deployed?").short
    assert "5,000" in answer.short


def test_the_questions_own_words_are_no_answer_and_the_rules_answer_stands(
    seed_answerer: Answerer,
) -> None:
    # the 0.5B's kind of reading: "Controversial" for "which controversial platform"
    reader = Scripted(Reading("mainstream", 1))
    answer = with_reader(seed_answerer, reader).ask(
        "Which mainstream newspaper praised the alliance?", as_of=date(2025, 6, 20)
    )
    assert any("mainstream" in text for text in reader.shown[0])  # a word of a shown sentence
    assert answer.short == "Rodong Sinmun"


def test_a_figure_that_is_no_money_is_no_revenue(tmp_path: Path, seed_answerer: Answerer) -> None:
    article = Article(
        "q3",
        "Carmaker reports its quarter",
        "The carmaker delivered 184,877 vehicles in the quarter. "
        "Its revenue reached $10.4 billion, the company said on Tuesday.",
        "2021-04-20",
    )
    over = answerer_over(tmp_path, [article], seed_answerer)
    asked = "What was the carmaker's revenue in the quarter?"
    for reading, short in (("184,877 vehicles", "$10.4 billion"), ("10.4 billion", "10.4 billion")):
        reader = Scripted(Reading(reading, 1))  # found in any shown sentence, cited there
        answer = Answerer(over.searcher, nlp=over.nlp, reader=reader).ask(
            asked, as_of=date(2021, 4, 21)
        )
        assert answer.short == short  # no money: the rules' answer; "$" just before: money


def test_auto_is_the_best_installed_local_model_else_the_rules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import importlib.util

    from dateline.qa import local

    present: set[str] = set()
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: object() if name in present else None
    )
    assert local.best_installed() is None
    assert local.reader_from_spec("auto", cache_dir=tmp_path) is None  # the rules read
    present |= {"llama_cpp", *local.LOCAL_MODELS["0.5b"].parts}
    assert local.best_installed() == "0.5b"
    present |= set(local.LOCAL_MODELS["1.5b"].parts)
    assert local.best_installed() == "1.5b"  # the bigger model when both are there
    present.discard("llama_cpp")
    assert local.best_installed() is None  # weights without llama.cpp read nothing
    with pytest.raises(ValueError, match=r"expected auto \| rules"):
        local.reader_from_spec("automatic", cache_dir=tmp_path)


def test_a_hub_model_offline_and_not_cached_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dateline.index import ModelUnavailable
    from dateline.qa import local

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(ModelUnavailable, match=r"not in the Hugging Face cache.*\.gguf file"):
        local.reader_from_spec("llm:hf:nobody/no-such-repo/model-q4.gguf", cache_dir=tmp_path)
    with pytest.raises(ModelUnavailable, match=r"expected hf:OWNER/REPO/FILE\.gguf"):
        local.reader_from_spec("llm:hf:just-a-name", cache_dir=tmp_path)


def test_answerability_rises_with_the_support_and_falls_with_the_doubt() -> None:
    from dateline.qa.reading import CUT, answerable

    assert answerable(0.9, 0.01) > answerable(0.3, 0.01) > answerable(0.05, 0.01)
    assert answerable(0.9, 0.01) > answerable(0.9, 0.2) > answerable(0.9, 0.45)
    assert answerable(0.9, 0.01) >= CUT > answerable(0.01, 0.4)  # sure and likely: it answers
