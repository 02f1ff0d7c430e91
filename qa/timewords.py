"""Time words in questions ("this week", "in March", "in 2022", "latest") as date windows
relative to the reader's as-of date. Pure: the as-of date is always passed in."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from .relative import ResolvedDate, resolve_date

__all__ = ["TimeScope", "asks_ahead", "date_ahead", "speaks_of_now", "time_scope"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH = "|".join(_MONTHS)
_LATEST = re.compile(
    r"\b(?:latest|most recent|newest|now|currently|current|so far|to date|"
    r"as of today)\b",
    re.I,
)
# a question about a plan or a forecast for a later period, which today's articles can report
_PLANNED = re.compile(
    r"\b(?:will|plans?|planned|planning|expected|set|scheduled|going|due|upcoming|"
    r"could|would|may|might|aims?|hopes?|intends?)\b"
)
# "when will the summit take place?": a date still to come when its article was written
_AHEAD = re.compile(
    r"\bwhen (?:will|would)\b|\b(?:what|which) (?:date|day|month|year) will\b|\bhow soon\b|"
    r"\bwhen (?:is|are)\b.{0,60}\b(?:scheduled|set|expected|due|going|planned)\b",
    re.I,
)
_ARCHIVE = re.compile(
    r"\b(?:historically|in history|of all time|ever recorded|"
    r"first ever)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class TimeScope:
    """A question's time window (inclusive) and how to weigh recency."""

    since: date | None = None
    until: date | None = None
    recency: float = 1.0  # 0 for archive questions, more for "latest"
    phrase: str | None = None
    future: bool = False  # the window starts after the as-of date: nothing can report it
    anchor: str | None = None  # "since the election": an event to date from the articles
    dated_by: str | None = None  # the title of the article that dated the anchor

    def reading(self) -> str:
        """How the time words were read, for the reader: '“this week”: 2025-06-13 to ...'."""
        if self.phrase is None or self.since is None:
            return ""
        dated = f" (dated by “{self.dated_by}”)" if self.dated_by else ""
        return f"“{self.phrase}”{dated}: favouring articles from {self.since} to {self.until}"


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def time_scope(question: str, as_of: date) -> TimeScope:
    """Read the time words of ``question`` against ``as_of``."""
    text = question.lower()
    recency = 0.0 if _ARCHIVE.search(text) else 3.0 if _LATEST.search(text) else 1.0
    window: tuple[date, date] | None = None
    phrase = None
    if match := re.search(r"\b(today|tonight)\b", text):
        window = (as_of, as_of)
    elif match := re.search(r"\byesterday\b", text):
        window = (as_of - timedelta(days=1), as_of - timedelta(days=1))
    elif match := re.search(r"\bthis week\b", text):  # the past seven days, as news uses it
        window = (as_of - timedelta(days=6), as_of)
    elif match := re.search(r"\blast week\b", text):
        monday = as_of - timedelta(days=as_of.weekday() + 7)
        window = (monday, monday + timedelta(days=6))
    elif match := re.search(r"\b(?:in the )?(?:past|last) (\d{1,3}) (day|week|month)s?\b", text):
        days = int(match[1]) * {"day": 1, "week": 7, "month": 30}[match[2]]
        window = (as_of - timedelta(days=days), as_of)
    elif match := re.search(r"\bthis month\b", text):
        window = (as_of.replace(day=1), as_of)
    elif match := re.search(r"\blast month\b", text):
        last = as_of.replace(day=1) - timedelta(days=1)
        window = _month_range(last.year, last.month)
    elif match := re.search(r"\bthis year\b", text):
        window = (date(as_of.year, 1, 1), as_of)
    elif match := re.search(r"\blast year\b", text):
        window = (date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31))
    elif match := re.search(rf"\bin ({_MONTH})(?:,? (\d{{4}}))?\b", text):
        month = _MONTHS[match[1]]
        year = (
            int(match[2]) if match[2] else (as_of.year if month <= as_of.month else as_of.year - 1)
        )
        window = _month_range(year, month)
    elif match := re.search(r"\bin ((?:19|20)\d{2})\b", text):
        year = int(match[1])
        window = (date(year, 1, 1), date(year, 12, 31))
        if year < as_of.year:
            recency = 0.0  # an archive question: old news is the point
    elif match := re.search(r"\bsince ([^?,.;]+)", text):
        resolved = resolve_date(match[1], as_of)
        if resolved is not None:
            window = (resolved.start, as_of)
        elif re.search(r"[a-z]{4,}", match[1]):  # an event: dated later, from the articles
            event = question[match.start(1) : match.end(1)].strip()
            return TimeScope(recency=recency, phrase=match[0].strip(), anchor=event)
    if match is not None and window is not None:
        phrase = match[0]
    if window is None:
        return TimeScope(recency=recency)
    if window[0] > as_of:
        if _PLANNED.search(text):  # "plan to merge in 2024": the plan is today's news
            return TimeScope(recency=recency)
        return TimeScope(recency=recency, phrase=phrase, future=True)
    # reports trail events: keep articles up to a week after the window closes
    end = min(window[1] + timedelta(days=7), as_of + timedelta(days=1))
    return TimeScope(window[0], end, recency, phrase)


_NOW_WORDS = re.compile(
    r"\b(?:[Rr]ecently|[Rr]ecent|[Nn]ewly|[Ll]atest|[Cc]urrently|now|just|upcoming|"
    r"this weekend|(?:is|are) set to|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday))\b"
)
# "new" but not "New York": lower case, or capitalised before a lower-case word at the start
_NEW = re.compile(r"\bnew\b|^New (?=[a-z])")
_PRESENT_AUX = frozenset({"is", "are", "'s", "'re", "am"})


def speaks_of_now(text: str, doc: Any = None) -> str | None:
    """The words that put ``text`` in the present of its as-of day ("recently", "is
    building"), or None. With ``doc`` (its spaCy parse), a verb in the present progressive
    counts too; a plan ("will send") does not: an old article can report it."""
    if match := _NOW_WORDS.search(text) or _NEW.search(text):
        return match[0].strip()
    if doc is None:
        return None
    # read from the tags: the small parser often makes an inverted "is" the root and the
    # verb a clause of the subject ("is [North Korea deploying]")
    tokens = list(doc)
    for i, token in enumerate(tokens):
        if token.tag_ != "VBG" or i == 0 or token.lower_ == "according":
            continue
        if tokens[i - 1].tag_ in ("IN", "TO"):
            continue  # "after breaking away": no tense of its own
        for before in reversed(tokens[:i]):
            if before.lower_ in _PRESENT_AUX:
                return f"{before.text} {token.text}"
            if before.pos_ in ("VERB", "AUX") or before.tag_ in ("WDT", "WP", "IN"):
                break  # another verb or clause lies between
    return None


def asks_ahead(question: str) -> bool:
    """Whether ``question`` asks when something will happen ("When will the summit take
    place?", "How soon could the launch occur?")."""
    return bool(_AHEAD.search(question))


def date_ahead(
    phrase: str, sentence: str, published: str | None
) -> ResolvedDate | Literal[False] | None:
    """For a question that :func:`asks_ahead`: the date ``phrase`` of ``sentence`` gives,
    read forward when the sentence speaks of a plan ("the summit is set for June 19": the
    next June 19); False when that date was over when the article was written (the
    sentence dates something already done: "the treaty signed on June 19 last year", or
    speaks of no plan on the article's own day); None when it is no date."""
    planned = bool(_PLANNED.search(sentence.lower()))
    resolved = resolve_date(phrase, published, ahead=planned)
    if resolved is None or not published:
        return resolved
    day, start = date.fromisoformat(published), resolved.start
    over = {  # a report of the day itself ("on Thursday, North Korea marked…") is done too
        "day": start < day or (start == day and not planned),
        "month": (start.year, start.month) < (day.year, day.month),
        "year": start.year < day.year,
    }[resolved.precision]
    return False if over else resolved
