"""What a question asks for: its answer type, its content terms, and the unit it counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["KINDS", "Question", "analyse", "content_terms", "rewrite_follow_up", "stem"]

KINDS = ("quantity", "age", "date", "person", "org", "place", "other")

STOPWORDS = frozenset(
    """a an the of to in on at for from by with about as into and or but if
is are was were be been being will would shall should can could may might must do does did has
have had having this that these those it its it's there their they them he she his her him we
our you your i me my what which who whom whose when where why how many much what's who's did
not no so than then too very just also any all some more most other such only own same s t
new said says say according year years""".split()
)

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_AUX = r"(?:is|are|was|were|will|would|did|do|does|have|has|had|can|could|should|be|been)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("age", re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I)),
    (
        "quantity",
        re.compile(
            r"\bhow (?:many|much|long|far|big|large|tall|high|often)\b|"
            r"\bwhat (?:percentage|percent|share|number|amount|proportion|"
            r"fraction|price|cost|sum|total)\b|\bby how much\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"^\W*when\b|\bwhat (?:year|date|day|month|time)\b|\bon what (?:date|day)"
            r"\b|\bin what (?:year|month)\b|\bwhen (?:did|was|were|will|is|does)\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"^\W*who(?:m|se)?\b|\bwhich (?:person|man|woman|player|actor|"
            r"actress|singer|leader|president|official|politician|senator|"
            r"governor|ceo|star|athlete|author)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"^\W*where\b|\b(?:which|what) (?:country|city|state|region|nation|"
            r"town|province|continent|island|county|place)\b",
            re.I,
        ),
    ),
    (
        "org",
        re.compile(
            r"\b(?:which|what) (?:company|organi[sz]ation|group|team|party|agency|"
            r"firm|network|airline|brand|club|university|newspaper)\b",
            re.I,
        ),
    ),
]
_UNIT = re.compile(rf"\bhow (?:many|much)\s+((?:(?!{_AUX}\b)[A-Za-z\-]+\s*){{1,3}})", re.I)
_FOLLOW_UP = re.compile(r"^\W*(?:and|but|also|what about|how about|so)\b\s*", re.I)


def stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words, stopwords removed, in order."""
    return [
        stem(w.lower().strip("'’"))
        for w in _WORD.findall(text)
        if w.lower() not in STOPWORDS and len(w) > 1
    ]


@dataclass(frozen=True, slots=True)
class Question:
    """A parsed question. ``unit`` is what a "how many X" question counts (stemmed X)."""

    text: str
    kind: str
    terms: tuple[str, ...]
    unit: str | None


def analyse(text: str) -> Question:
    """Classify ``text`` into one of :data:`KINDS` and pull out its terms and unit."""
    kind = next((name for name, pattern in _PATTERNS if pattern.search(text)), "other")
    unit = None
    match = _UNIT.search(text)
    if match:
        words = [w for w in match[1].split() if w.lower() not in STOPWORDS]
        unit = stem(words[-1].lower()) if words else None
    return Question(text, kind, tuple(content_terms(text)), unit)


def rewrite_follow_up(question: str, previous: str | None) -> str:
    """Make a follow-up ("and how many sappers?") stand alone using the previous question.

    The follow-up's own words lead; the previous question's content words it lacks are
    appended, so retrieval sees the topic and the answer type comes from the follow-up.
    """
    if not previous:
        return question
    stripped = _FOLLOW_UP.sub("", question)
    is_follow_up = stripped != question or len(content_terms(question)) <= 2
    if not is_follow_up:
        return question
    own = set(content_terms(stripped))
    extra = [
        w
        for w in _WORD.findall(previous)
        if w.lower() not in STOPWORDS and stem(w.lower()) not in own
    ]
    stripped = stripped[:1].upper() + stripped[1:]
    if not extra:
        return stripped
    return f"{stripped.rstrip('?').rstrip()} ({' '.join(extra)})?"
