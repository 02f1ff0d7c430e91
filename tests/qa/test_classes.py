""" "Which X" questions: the class X is read from the question, and the answer is a thing of
that class (issue 10, item 2), with the real spaCy model."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.index import Article
from dateline.qa.constraints import asked_role, holds_now, says_role, titled_first
from dateline.qa.extractive import Candidate, find_spans
from dateline.qa.questions import analyse


@pytest.fixture(scope="module")
def nlp(seed_answerer: Any) -> Any:
    return seed_answerer.nlp


@pytest.mark.parametrize(
    ("question", "asked", "kind"),
    [
        ("Floods led to evacuations at which national park?", "park", "other"),
        ("Which fast food chain has the slowest drive-thru?", "chain", "other"),
        ("Which of these NFL head coaches was fired this week?", "coach", "person"),
        ("A storm hit Florida. What was the name of the storm?", "storm", "other"),
        ("Which Ivy League university acknowledged submitting bad data?", "university", "org"),
        (
            "Which trailblazing Chinese American actress will be on the quarter?",
            "actress",
            "person",
        ),
        ("Which newspaper praised the alliance?", "newspaper", "org"),
        ("Which ministry's official assessed the decision?", "ministry", "org"),
        ("There was abuse within which women's professional sport?", "sport", "other"),
        ("Which is the most popular costume this year?", None, "other"),
        # a question after a sentence of context is still a "who" question
        ("Season 5 of The Crown was released. Who plays Princess Diana?", None, "person"),
        # "what is the X" asks for a figure when X is one
        ("What is the population of Pyongyang?", None, "quantity"),
        ("A quake struck. What was the magnitude of the quake?", None, "quantity"),
        ("What's the death toll of the war?", None, "quantity"),
        ("What is the name of the treaty?", "treaty", "other"),
        # an owner's figure is a figure too; "what is the X date" asks for a date
        ("What was Tesla's revenue in the first quarter?", None, "quantity"),
        ("What is the release date of the sequel?", None, "date"),
        ("What's the premiere date of the new season?", None, "date"),
        ("What is Russia's plan?", None, "other"),
    ],
)
def test_the_asked_class_and_kind(nlp: Any, question: str, asked: str | None, kind: str) -> None:
    parsed = analyse(question, nlp(question))
    assert (parsed.asked_class, parsed.kind) == (asked, kind)


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Historic rainfall led to flooding at which national park?",
            "Rangers in Montana closed Yellowstone National Park after historic rainfall.",
            "Yellowstone National Park",
        ),
        (
            "What country announced a crackdown on rainbow-colored toys?",
            "Officials in Riyadh said Saudi Arabia would seize rainbow-colored toys.",
            "Saudi Arabia",
        ),
        (
            "Moviegoers reported fainting while seeing which horror film?",
            "Fans in Chicago reported fainting while watching “Terrifier 2,” the sequel.",
            "Terrifier 2",
        ),
        (  # the possessor owns the region; the region is Belgorod
            "Which region did the drones strike?",
            "Drones struck Russia's Belgorod border region overnight, officials said.",
            "Belgorod",
        ),
    ],
)
def test_the_span_is_a_thing_of_the_asked_class(
    nlp: Any, question: str, sentence: str, answer: str
) -> None:
    found = _spans(nlp, question, sentence)
    assert found, "no span of the asked type"
    assert found[0] == (answer, True)


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Liz Truss resigned after how many days in office?", "day"),
        ("Balancing for how many seconds may predict longevity?", "second"),
        ("How many years was his sentence?", "year"),
        ("How many North Korean soldiers were killed in the war?", "soldier"),
    ],
)
def test_the_counted_noun_ends_where_the_function_words_start(question: str, unit: str) -> None:
    assert analyse(question).unit == unit


@pytest.mark.parametrize(
    ("question", "predicate", "unit"),
    [
        # the noun "many" counts, though a verb follows it at once
        ("How many people lined the streets of London?", "line", "people"),
        # the verb of the sentence that asks, not of the context before it
        (
            "Brittney Griner was transferred to a penal colony this week. How many years is "
            "she due to serve for her sentence?",
            "serve",
            "year",
        ),
        # what was let happen, not the letting
        (
            "How many minutes did Trump let violence play out at the Capitol?",
            "play",
            "minut",
        ),  # stems, as every unit
        # "affected" says nothing of what happened: the layoffs are not vetoed by it
        ("Meta announced layoffs. How many employees were affected?", None, "employe"),
        # a context sentence still gives the verb when the asking one has none of its own
        ("A record reptile was caught in Florida this week. Which animal was it?", "catch", None),
        # no verb but the copula: the adjective it says is what is asked about
        ("To which country are North Korea's exports sluggish?", "sluggish", None),
    ],
)
def test_the_predicate_and_unit_asked(nlp: Any, question: str, predicate: str, unit: str) -> None:
    parsed = analyse(question, nlp(question))
    assert (parsed.predicate, parsed.unit) == (predicate, unit)


def test_a_hyphened_count_counts_its_own_unit(nlp: Any) -> None:
    question = "How many years is she due to serve?"
    sentence = "She is due to serve the rest of a nine-year drug smuggling sentence."
    article = Article(id="a", title="T", text=sentence)
    spans = find_spans(
        analyse(question, nlp(question)), Candidate(article, 0, len(sentence), 1), nlp(sentence)
    )
    assert [(sentence[s.start : s.end], s.unit) for s in spans][:1] == [("nine-year", "year")]


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "Liz Truss resigned as prime minister after how many days in office?",
            "Truss quit last week after 45 days in office, the shortest tenure on record.",
            "45 days",
        ),
        (
            "How long is she facing in prison?",
            "Last year a court in Moscow sentenced her to nine years in prison.",
            "nine years",
        ),
        (  # "minutes" stems to "minut", which was no unit of time
            "How many minutes did the violence go on?",
            "The hearing on Thursday was all about 187 minutes.",
            "about 187 minutes",
        ),
    ],
)
def test_a_duration_answers_how_many_days(
    nlp: Any, question: str, sentence: str, answer: str
) -> None:
    assert [text for text, _ in _spans(nlp, question, sentence)][:1] == [answer]


def _spans(nlp: Any, question: str, sentence: str) -> list[tuple[str, bool]]:
    """The spans the rules find in ``sentence`` for ``question``, best first, with whether
    each is of the asked class."""
    article = Article(id="a", title="T", text=f"Intro. {sentence}")
    candidate = Candidate(article, 7, len(article.text), 1)
    spans = find_spans(analyse(question, nlp(question)), candidate, nlp(candidate.text))
    return [(article.text[s.start : s.end], s.fits) for s in spans]


def test_a_class_no_name_stands_for_takes_a_noun_of_that_class(
    nlp: Any, seed_answerer: Any
) -> None:
    from dateline.qa.classes import class_kin

    question = "For the first time in 20 years, the U.S. dollar is equal to which currency?"
    sentence = "Traders in London watched the dollar fall to parity with the euro on Tuesday."
    parsed = analyse(question, nlp(question))
    doc = nlp(sentence)
    kin = class_kin(parsed, [doc], seed_answerer.searcher.embedder)  # the real MiniLM
    # the question's own "dollar" is no answer; "trader" is no currency
    assert "euro" in kin and "dollar" not in kin and "trader" not in kin
    article = Article(id="a", title="T", text=sentence)
    spans = find_spans(parsed, Candidate(article, 0, len(sentence), 1), doc, kin=kin)
    assert sentence[spans[0].start : spans[0].end] == "euro"


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (  # the class is the title in front of one of two people; "al" names nobody
            "Which al Qaeda leader did the US kill in a drone strike?",
            "The US killed al Qaeda leader Ayman al-Zawahiri in a drone strike, President Joe "
            "Biden said Monday.",
            "Ayman al-Zawahiri",
        ),
        (
            "Which judge oversaw the defamation trial?",
            "Lawyer Chris Mattei and Judge Barbara Bellis clashed in the courtroom on Thursday.",
            "Barbara Bellis",
        ),
    ],
)
def test_of_several_people_the_one_titled_with_the_asked_class(
    nlp: Any, question: str, sentence: str, answer: str
) -> None:
    assert [text for text, _ in _spans(nlp, question, sentence)][:1] == [answer]


def test_when_takes_the_date_of_the_asked_verb(nlp: Any) -> None:
    # both dates are near "opened"; the parse attaches the second to it
    sentence = "The bridge was announced in March 2019 and was opened in May 2021 by the mayor."
    found = [text for text, _ in _spans(nlp, "When was the bridge opened?", sentence)]
    assert found[:1] == ["May 2021"]
    found = [text for text, _ in _spans(nlp, "When was the bridge announced?", sentence)]
    assert found[:1] == ["March 2019"]


def test_a_date_on_the_asked_verb_beats_one_on_a_word_near_it(nlp: Any) -> None:
    # "announced" is near enough to "released" to count, but the asked verb's date wins
    sentence = "Diablo 3 was announced June 2008 and was released May 2012, the studio said."
    article = Article(id="a", title="T", text=f"Intro. {sentence}")
    candidate = Candidate(article, 7, len(article.text), 1)
    question = analyse("When was Diablo 3 released?", nlp("When was Diablo 3 released?"))
    spans = find_spans(question, candidate, nlp(sentence), frozenset({"announce"}))
    assert article.text[spans[0].start : spans[0].end] == "May 2012"


def test_an_owners_figure_in_money_is_money(nlp: Any) -> None:
    question = "What was the company's revenue last year?"
    sentence = "It sold 184,877 vehicles, its shares rose 4.2% and revenue reached $10.4 billion."
    assert [text for text, _ in _spans(nlp, question, sentence)] == ["$10.4 billion"]


def test_an_award_or_a_family_is_no_person(nlp: Any) -> None:
    # the tagger makes "Oscar" a PERSON; "an Oscar" is the award, not who directed
    question = "Who directed the film?"
    sentence = "The film, for which he won an Oscar for best director, was directed by Jane Doe."
    assert [text for text, _ in _spans(nlp, question, sentence)] == ["Jane Doe"]


def test_a_dateline_is_no_answer(nlp: Any) -> None:
    # it says where the report was written, not where the summit was
    assert (
        _spans(nlp, "Which city hosted the summit?", "PARIS — The summit opened on Monday.") == []
    )


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("Who is North Korea's foreign minister?", "minister"),
        ("Who became the new prime minister of the United Kingdom this week?", "minister"),
        ("Who was named CEO of Twitter?", "ceo"),
        # the small model makes the council the subject; the office is still read
        ("Who is the Secretary of Russia's Security Council?", "secretary"),
        ("Who is the man who became president?", None),  # the man, not an office, is asked
        ("Who won the Nobel Peace Prize?", None),  # no office asked
        ("Who was the runner-up of the 2018 World Cup?", None),  # a role said by a verb
        ("Which Russian official met Kim?", None),  # a "which" question: its class does that
    ],
)
def test_the_office_a_who_question_asks_about(nlp: Any, question: str, role: str | None) -> None:
    assert asked_role(nlp(question)) == role


def _says_role(
    nlp: Any, seed_answerer: Any, role: str | None, sentences: list[str], now: bool = False
) -> list[bool]:
    return says_role(role, list(nlp.pipe(sentences)), seed_answerer.searcher.embedder, now)


def test_a_sentence_answers_for_an_office_only_when_it_names_it(
    nlp: Any, seed_answerer: Any
) -> None:
    sentences = [
        "Pyongyang hosted leader Kim Jong-un and Russian President Vladimir Putin.",
        "Foreign Minister Choe Son-hui flew to Moscow.",
        "The ministry was led by Choe Son-hui for a decade.",
    ]
    said = [_says_role(nlp, seed_answerer, role, sentences) for role in ("minister", "leader")]
    assert said[0] == [False, True, True]  # "ministry" is close
    assert said[1] == [True, False, True]  # "led" says it too
    assert _says_role(nlp, seed_answerer, None, sentences) == [True, True, True]


def test_a_former_office_does_not_answer_who_holds_it_now(nlp: Any, seed_answerer: Any) -> None:
    sentences = [
        "Eric Schmidt, former CEO of Google, spoke on Tuesday.",
        "The ex-CEO of Google, Eric Schmidt, spoke on Tuesday.",
        "Sundar Pichai, CEO of Google, spoke on Tuesday.",
    ]
    assert holds_now(nlp("Who is the CEO of Google?"))
    assert not holds_now(nlp("Who was the CEO of Google in 2010?"))
    assert _says_role(nlp, seed_answerer, "ceo", sentences, now=True) == [False, False, True]
    assert _says_role(nlp, seed_answerer, "ceo", sentences) == [True, True, True]  # who was


@pytest.mark.parametrize(
    ("sentence", "answer"),
    [
        ("Leader Kim Jong-un met Foreign Minister Choe Son-hui in Pyongyang.", "Choe Son-hui"),
        ("Kim Jong-un met Ri Son Gwon, the foreign minister, in Pyongyang.", "Ri Son Gwon"),
    ],
)
def test_of_several_people_the_one_holding_the_asked_office(
    nlp: Any, sentence: str, answer: str
) -> None:
    question = "Who is North Korea's foreign minister?"
    article = Article(id="a", title="T", text=f"Intro. {sentence}")
    candidate = Candidate(article, 7, len(article.text), 1)
    doc = nlp(candidate.text)
    spans = find_spans(analyse(question, nlp(question)), candidate, doc)
    assert {article.text[s.start : s.end] for s in spans} >= {"Kim Jong-un", answer}
    first = titled_first(asked_role(nlp(question)), spans, doc, candidate.start)[0]
    assert article.text[first.start : first.end] == answer


def test_a_purpose_clause_is_a_reason_but_a_verbs_complement_is_not(nlp: Any) -> None:
    found = _spans(nlp, "Why did the chain cut prices?", "The chain cut prices to win back diners.")
    assert [span for span, _ in found] == ["to win back diners"]
    # "decided to send" says what was decided, not why
    assert _spans(nlp, "Why did Kim decide to send workers?", "Kim decided to send workers.") == []
