from __future__ import annotations

import pytest

from dateline.index import Article
from dateline.qa import (
    analyse,
    claim_is_supported,
    exact_match,
    make_citation,
    names_a_given,
    parse_markers,
    rewrite_follow_up,
    token_f1,
)
from dateline.qa.relative import resolve_date


@pytest.mark.parametrize(
    "question, kind, unit",
    [
        ("How many troops were deployed?", "quantity", "troop"),
        ("How many military construction workers will go?", "quantity", "worker"),
        ("How much money did they raise?", "quantity", "money"),
        ("What percentage of voters agreed?", "quantity", None),
        ("How old is Kim Jong-un?", "age", None),
        ("When was the treaty signed?", "date", None),
        ("In what year did it open?", "date", None),
        ("Who won the election?", "person", None),
        ("Where was the treaty signed?", "place", None),
        ("Which country hosted the summit?", "place", None),
        ("Which company bought Twitter?", "org", None),
        ("Why did the talks fail?", "reason", None),
        ("How did the newspaper describe the deployment?", "said", None),
        ("Biden spoke this week. What did he say?", "said", None),
        ("What did the mayor call the plan?", "said", None),
        ("What is the mission called?", "other", None),  # a name, not words said
        ("Why did he call it a sham?", "reason", None),
    ],
)
def test_question_kinds(question: str, kind: str, unit: str | None) -> None:
    parsed = analyse(question)
    assert (parsed.kind, parsed.unit) == (kind, unit)


def test_follow_up_rewrite() -> None:
    assert (
        rewrite_follow_up("and how many sappers?", "How many troops were deployed?")
        == "How many sappers (troops deployed)?"
    )
    assert (
        rewrite_follow_up("Who signed the treaty with Russia?", "How many troops?")
        == "Who signed the treaty with Russia?"
    )
    assert rewrite_follow_up("What about Ukraine?", None) == "What about Ukraine?"


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("June 19 last year", "2024-06-19"),
        ("October last year", "2024-10"),
        ("February this year", "2025-02"),
        ("On Tuesday", "2025-06-17"),
        ("Thursday", "2025-06-19"),
        ("last Thursday", "2025-06-12"),
        ("yesterday", "2025-06-18"),
        ("June 25", "2024-06-25"),
        ("March 3, 2022", "2022-03-03"),
        ("3 March 2022", "2022-03-03"),
        ("in 2019", "2019"),
        ("they may leave", None),
        ("recently", None),
    ],
)
def test_relative_dates_against_the_article_date(phrase: str, expected: str | None) -> None:
    resolved = resolve_date(phrase, "2025-06-19")
    assert (resolved.iso() if resolved else None) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("June 25", "2025-06-25"),  # the next June 25, not last year's
        ("June 12", "2026-06-12"),
        ("On Tuesday", "2025-06-24"),
        ("Thursday", "2025-06-19"),  # today
        ("last Thursday", "2025-06-12"),  # said as past, read as past
        ("September", "2025-09"),
        ("June 19 last year", "2024-06-19"),
    ],
)
def test_a_planned_date_is_read_forward(phrase: str, expected: str) -> None:
    resolved = resolve_date(phrase, "2025-06-19", ahead=True)
    assert resolved is not None and resolved.iso() == expected


def test_relative_date_without_an_anchor_is_unknown() -> None:
    assert resolve_date("On Tuesday", None) is None
    assert resolve_date("March 3, 2022", None).iso() == "2022-03-03"  # type: ignore[union-attr]


def test_claims_must_be_carried_by_their_quote() -> None:
    quote = "North Korea deployed around 14,000 troops to Russia."
    assert claim_is_supported("Around 14,000 troops [1]", quote)
    assert not claim_is_supported("Around 15,000 troops [1]", quote)
    assert not claim_is_supported("Kim Jong-un sent 14,000 troops [1]", quote)
    assert claim_is_supported(
        "June 19, 2024 [1]", "signed on June 19 last year", derived="June 19, 2024"
    )
    assert not claim_is_supported(
        "June 19, 2023 [1]", "signed on June 19 last year", derived="June 19, 2024"
    )


def test_citations_slice_the_article() -> None:
    article = Article(id="a", title="T", text="One. Two three.")
    citation = make_citation(1, article, 5, 15)
    assert citation.quote == "Two three."
    with pytest.raises(ValueError, match="outside article a"):
        make_citation(2, article, 5, 99)
    assert parse_markers("A [2] b [1] c [2]") == [2, 1]


def test_squad_scores() -> None:
    assert exact_match("The Squid Game", ["Squid Game"]) == 1.0
    assert token_f1("squid game season", ["Squid Game"]) == pytest.approx(0.8)
    assert token_f1("", ["x"]) == 0.0


def test_answers_never_repeat_a_name_the_question_gives() -> None:
    names = frozenset({"kim", "russian", "pyongyang"})
    assert names_a_given("Kim Jong-un", names)
    assert names_a_given("Russia", names)  # the country of a demonym the question uses
    assert not names_a_given("Sergei Shoigu", names)
    assert not names_a_given("Rodong Sinmun", frozenset())


def test_a_percentage_is_no_rival_figure_for_a_count() -> None:
    from dateline.qa.compose import Option
    from dateline.qa.extractive import Candidate, Span

    def option(text: str, figure: str) -> Option:
        article = Article(id=figure, title="t", published="2022-09-01", source="s", text=text)
        at = text.index(figure)
        return Option(
            1.0, Candidate(article, 0, len(text), 1), Span(at, at + len(figure), "X", 1.0), 1.0
        )

    residents = option("Jackson has about 150,000 residents.", "150,000")
    share = option("Jackson lost 18.7% of its people.", "18.7%")
    spelled = option("Jackson lost 18.7 percent of its people.", "18.7 percent")
    assert residents.figure() == ("150000", "")
    assert share.figure() == spelled.figure() == ("18.7", "%")
    assert option("Around 14,000 troops went.", "14,000 troops").figure() == ("14000", "troop")
