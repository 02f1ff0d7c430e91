"""Date phrases inside articles ("June 19 last year", "on Tuesday") resolved against the
article's publication date: an article dated 2025-06-19 saying "June 19 last year" means
2024-06-19."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["ResolvedDate", "date_phrases", "resolve_date"]

_MONTHS = {
    m.lower(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        1,
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_REF = r"(?:\s*,?\s*(?P<year>\d{4})|\s+(?P<rel>last|this|next)\s+year)?"
_MONTH_DAY = re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE}\b{_YEAR_REF}", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}{_YEAR_REF}", re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b{_MONTH_RE}{_YEAR_REF}\b", re.IGNORECASE)
_WEEKDAY = re.compile(
    r"\b(?P<last>last\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)\b",
    re.IGNORECASE,
)
_SIMPLE = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A date expression resolved against an article's publication date.

    ``precision`` is ``day``, ``month`` or ``year``; ``text()`` renders it for an answer
    ("June 19, 2024", "October 2024", "2024").
    """

    start: date
    precision: str

    def text(self) -> str:
        if self.precision == "day":
            return f"{self.start:%B} {self.start.day}, {self.start.year}"
        if self.precision == "month":
            return f"{self.start:%B %Y}"
        return str(self.start.year)

    def iso(self) -> str:
        return {
            "day": self.start.isoformat(),
            "month": f"{self.start:%Y-%m}",
            "year": f"{self.start.year}",
        }[self.precision]


def _year(
    match: re.Match[str], anchor: date, month: int, day: int | None, ahead: bool = False
) -> int:
    if match["year"]:
        return int(match["year"])
    shift = {"last": -1, "this": 0, "next": 1}.get((match["rel"] or "").lower())
    if shift is not None:
        return anchor.year + shift
    said, today = (month, day or 1), (anchor.month, anchor.day)
    if ahead:  # "the summit is set for June 19": the first such date from the article's on
        return anchor.year if said >= (today if day else (anchor.month, 1)) else anchor.year + 1
    # a bare "June 19" in news means the latest such date not after the article
    return anchor.year if said <= today else anchor.year - 1


def resolve_date(
    phrase: str, published: str | date | None, *, ahead: bool = False
) -> ResolvedDate | None:
    """Resolve a date phrase ("June 19 last year", "on Tuesday", "October last year",
    "yesterday", "March 3, 2022") against the article's date; None when it is not a date
    or needs an anchor that is missing. A bare day, month or weekday is the latest such
    before the article, or with ``ahead`` (the question asks when something will happen)
    the first from it on."""
    anchor = date.fromisoformat(published) if isinstance(published, str) else published
    text = phrase.strip()
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        match = pattern.search(text)
        if match:
            month, day = _MONTHS[match["month"].lower().rstrip(".")], int(match["day"])
            if anchor is None and not match["year"]:
                return None
            year = _year(match, anchor or date.min, month, day, ahead)
            try:
                return ResolvedDate(date(year, month, day), "day")
            except ValueError:
                return None
    lowered = text.lower()
    if anchor is not None:
        for word, shift in _SIMPLE.items():
            if re.search(rf"\b{word}\b", lowered):
                return ResolvedDate(anchor + timedelta(days=shift), "day")
        weekday = _WEEKDAY.search(text)
        if weekday:
            named = _WEEKDAYS[weekday["weekday"].lower()]
            if ahead and not weekday["last"]:  # "talks will open on Tuesday": the next one
                return ResolvedDate(anchor + timedelta(days=(named - anchor.weekday()) % 7), "day")
            back = (anchor.weekday() - named) % 7
            if weekday["last"] and back == 0:
                back = 7
            return ResolvedDate(anchor - timedelta(days=back), "day")
    match = _MONTH_ONLY.search(text)
    if match and match["month"] == "may":  # the verb, not the month
        match = None
    if match and (anchor is not None or match["year"]):
        month = _MONTHS[match["month"].lower().rstrip(".")]
        year = _year(match, anchor or date.min, month, None, ahead)
        return ResolvedDate(date(year, month, 1), "month")
    year_only = re.search(r"\b(19|20)\d{2}\b", text)
    if year_only:
        return ResolvedDate(date(int(year_only[0]), 1, 1), "year")
    if anchor is not None:
        relative = re.search(r"\b(last|this|next)\s+year\b", lowered)
        if relative:
            shift = {"last": -1, "this": 0, "next": 1}[relative[1]]
            return ResolvedDate(date(anchor.year + shift, 1, 1), "year")
    return None


DATE_PHRASE = re.compile(
    r"\b(?:(?:last|this|next)\s+(?:year|week|month)|yesterday|today|"
    r"(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|"
    r"(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?"
    r"(?:\s+(?:last|this)\s+year)?)\b"
)


def date_phrases(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each date phrase in ``text`` ("June 19 last year", "on Tuesday")."""
    return [m.span() for m in DATE_PHRASE.finditer(text)]
