"""Time words against fixed as-of dates (no wall clock)."""

from __future__ import annotations

from datetime import date

import pytest

from dateline.qa.timewords import asks_ahead, date_ahead, speaks_of_now, time_scope

AS_OF = date(2025, 6, 19)  # a Thursday


@pytest.mark.parametrize(
    "question, since, until",
    [
        ("What happened today?", "2025-06-19", "2025-06-20"),
        ("Who resigned yesterday?", "2025-06-18", "2025-06-20"),
        ("What did Kim do this week?", "2025-06-13", "2025-06-20"),
        ("What did Kim do last week?", "2025-06-09", "2025-06-20"),
        ("What happened last month?", "2025-05-01", "2025-06-07"),
        ("What happened in March?", "2025-03-01", "2025-04-07"),
        ("What happened in September?", "2024-09-01", "2024-10-07"),
        ("Who won in 2022?", "2022-01-01", "2023-01-07"),
        ("How many troops in the past 10 days?", "2025-06-09", "2025-06-20"),
        ("What changed since March 3?", "2025-03-03", "2025-06-20"),
        ("How many troops were deployed?", None, None),
    ],
)
def test_windows(question: str, since: str | None, until: str | None) -> None:
    scope = time_scope(question, AS_OF)
    shown = [d.isoformat() if d is not None else None for d in (scope.since, scope.until)]
    assert shown == [since, until]


def test_recency_weight_follows_the_question() -> None:
    assert time_scope("What is the latest death toll?", AS_OF).recency > 1
    assert time_scope("How many troops were deployed?", AS_OF).recency == 1
    assert time_scope("Who won in 2019?", AS_OF).recency == 0
    assert time_scope("What was the biggest quake historically?", AS_OF).recency == 0


def test_a_window_after_the_as_of_date_is_flagged_as_future() -> None:
    scope = time_scope("Who won the election in 2026?", AS_OF)
    assert scope.future and scope.phrase == "in 2026" and scope.since is None
    # a plan for a later year is today's news: not flagged
    planned = time_scope("Which two supermarkets plan to merge in 2026?", AS_OF)
    assert not planned.future and planned.since is None
    assert not time_scope("Which justice will be featured on a stamp in 2026?", AS_OF).future


def test_since_an_event_is_left_to_the_articles_to_date() -> None:
    scope = time_scope("How many troops were sent since the treaty signing?", AS_OF)
    assert scope.anchor == "the treaty signing" and scope.since is None and not scope.future
    assert time_scope("What changed since March 3?", AS_OF).anchor is None
    assert time_scope("What changed since 2024?", AS_OF).anchor is None


@pytest.mark.parametrize(
    "question, words",
    [
        ("Which company recently unveiled a folding phone?", "recently"),
        ("Which toy is set to be relaunched?", "is set to"),
        ("What did the new mayor promise?", "new"),
        ("Which storm hit Florida on Tuesday?", "on Tuesday"),
        ("Which company in New York raised prices?", None),  # a name, not news
        ("How many workers will Kim send?", None),  # a plan: old articles report it
        ("Who wrote the Star-Spangled Banner?", None),
    ],
)
def test_words_that_ask_about_the_present(question: str, words: str | None) -> None:
    assert speaks_of_now(question) == words


@pytest.mark.parametrize(
    ("question", "ahead"),
    [
        ("When will the next summit between Kim and Putin take place?", True),
        ("How soon could the launch attempt occur?", True),
        ("When are loan payments set to restart?", True),
        ("When was the treaty signed?", False),
        ("When did Kim meet Shoigu?", False),
    ],
)
def test_questions_about_what_is_still_to_come(question: str, ahead: bool) -> None:
    assert asks_ahead(question) is ahead


def test_a_date_still_to_come_is_read_from_a_plan_and_a_past_one_refused() -> None:
    planned = date_ahead("June 12", "The summit is set for June 12 in Moscow.", "2025-06-19")
    assert planned and planned.iso() == "2026-06-12"
    # the sentence reports something done: its "June 12" was last week, over when written
    assert date_ahead("June 12", "Kim met Putin on June 12.", "2025-06-19") is False
    assert (
        date_ahead("June 19 last year", "It was signed June 19 last year.", "2025-06-19") is False
    )
    assert date_ahead("Thursday", "On Thursday, Kim marked the day.", "2025-06-19") is False
    assert date_ahead("Thursday", "Talks will open on Thursday.", "2025-06-19")  # today, planned
    assert date_ahead("next week", "Talks resume next week.", "2025-06-19") is None  # no date
