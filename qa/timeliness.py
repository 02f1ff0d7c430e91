"""Whether the sentences that could answer are of the time the question asks about.

Three checks, each a veto with a reason the reader is told:

- a window that reaches the as-of day ("this week", "this month") asks for that period's
  reports: an answer only from articles months before it is a different event;
- a question about the present without a window ("which company *recently* unveiled…",
  "Sweden *is building*…") asks about the months before the as-of day;
- a year the question names ("the 2018 Winter Olympics") must be one the article speaks of.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .compose import Option, long_day
from .extractive import Candidate
from .questions import Question

__all__ = [
    "CURRENT_WINDOW_DAYS",
    "RECENT_DAYS",
    "WINDOW_SLACK_DAYS",
    "about_years",
    "timely",
]

# an event of "this week" may be reported (as scheduled) a few days before the window opens
WINDOW_SLACK_DAYS = 3
# a window that reaches the as-of day ("this week", "this year", "last month") asks for that
# period's reports; one that closed before it ("in 1997", "in March") may be told by later ones
CURRENT_WINDOW_DAYS = 31
# how old the newest answering report may be for a question about the present: on RealTimeQA
# the unanswerable questions answered cited far older articles than the answerable ones
RECENT_DAYS = 180


def timely(
    options: Sequence[Option],
    question: Question,
    window: tuple[date, date] | None,
    day: date | None,
    *,
    veto: bool = True,
) -> tuple[list[Option], str]:
    """``options`` with those of the asked time first, and why none can answer ("" when some
    can). ``window``: the time words' window; ``day``: the as-of day; ``veto=False``: the
    window only orders the options."""
    ordered = list(options)
    if not ordered or day is None:
        return ordered, ""
    if window is not None:  # "in December": that month's reports answer first
        ordered.sort(key=lambda o: not o.published_in(window))
        since, until = window
        if (day - until).days > CURRENT_WINDOW_DAYS or not veto:
            return ordered, ""
        slack = (since - timedelta(days=WINDOW_SLACK_DAYS), until)
        if not any(_dated_in(o, slack) for o in ordered):
            return ordered, f"no article from {long_day(since)} to {long_day(until)} says"
        return ordered, ""
    if question.now is None or question.years:
        return ordered, ""
    recent = (day - timedelta(days=RECENT_DAYS), day)
    ordered.sort(key=lambda o: not _dated_in(o, recent))
    if _dated_in(ordered[0], recent):
        return ordered, ""
    newest = max(
        date.fromisoformat(published[:10])
        for o in ordered
        if (published := o.candidate.article.published)
    )
    months = round((day - newest).days / 30.4)
    return ordered, (
        f"it asks about the present (“{question.now}”), and the newest article that would "
        f"answer is from {long_day(newest)}, {months} months before {long_day(day)} (ask "
        f"as of {long_day(newest + timedelta(days=1))} to read them as of then)"
    )


def about_years(question: Question, candidate: Candidate) -> bool:
    """Whether the article of ``candidate`` speaks of every year the question names: in its
    text or title, by being published that year, or as "last year" / "next year" from it."""
    if not question.years:  # most questions: no article text is lowered per candidate
        return True
    article = candidate.article
    said: dict[int, str] = {}  # year -> the words that name it ("" is in every text)
    if article.published:
        year = int(article.published[:4])
        said = {year - 1: "last year", year: "", year + 1: "next year"}
    text = article.text.lower()
    return all(
        year in article.text or year in article.title or said.get(int(year), "\0") in text
        for year in question.years
    )


def _dated_in(option: Option, span: tuple[date, date]) -> bool:
    """Whether ``option``'s article was published within ``span`` (an undated one may have
    been: it is not held against the answer)."""
    return option.candidate.article.published is None or option.published_in(span)
