"""The answer kinds the rules know, one record each, registered in :data:`KINDS`.

A kind says how a question asks for it, which spans answer it and how they are checked and
weighed. The other modules ask the record (``KINDS[question.kind].dated``), never the kind's
name, so a new kind is one more record here. A question's kind is the first in the table
whose question pattern matches; ``other`` matches none and comes last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .spans import Candidate, Span, closeness, quotations
from .words import names_a_given, own_words

if TYPE_CHECKING:
    from .questions import Question

__all__ = ["AGE", "COUNTED", "DATED", "DATE_WORD", "HOW_LONG", "KINDS", "QUOTATION", "REASON"]
__all__ += ["SAYING", "TIME_UNITS", "Kind"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One answer kind: how a question asks for it and what answers it."""

    name: str
    asked: re.Pattern[str] | None = None  # the question wording that asks for it
    labels: frozenset[str] = frozenset()  # the entity labels a span of it may have
    nouns: frozenset[str] = frozenset()  # the classes "which X" asks it for ("which senator")
    marker: re.Pattern[str] | None = None  # one in a sentence, cheaply; None: a capitalised phrase
    # its own span finder (question, sentence, its parse, the asked predicate's tokens), used
    # instead of the entities of ``labels``
    finder: Callable[[Question, Candidate, Any, set[int]], list[Span]] | None = None
    money: re.Pattern[str] | None = None  # a figure asked in money: only an amount answers it
    typed: bool = False  # a sentence without a span of it is no answer: the rules don't guess
    numeric: bool = False  # a figure: another article's different figure is cited beside it
    counts: bool = False  # counts a unit: the unit and the asked predicate must be stated
    dated: bool = False  # a date: it must read as one, of the asked event, and is resolved
    named: bool = False  # a name: words without a letter ("2") name nothing
    clause: bool = False  # a clause: may run long, and a sentence giving one comes first
    open: bool = False  # no type of its own: the class after "which" decides what answers
    favoured: frozenset[str] = frozenset()  # the labels that win a little over its others


_START = r"(?:^|[.?!:]\s+)\W*"  # a question may follow a sentence of context

# reason: "why"; a reason clause runs from its marker to the next comma, semicolon or full stop
_WHY = re.compile(_START + r"why\b|\bfor what reason\b|\bwhat (?:was|is) the reason\b", re.I)
REASON = re.compile(
    r"\b(?:because(?: of)?|due to|owing to|thanks to|as a result of|for fear of|"
    r"out of (?:concern|fear|respect|worry|anger|frustration)\b|"
    r"in (?:order|an effort|a bid|an attempt) to|so as to|so that|"
    r"in (?:response|retaliation|reaction) to|amid)\b[^,.;]*",
    re.I,
)


def _reasons(question: Question, candidate: Candidate, doc: Any, asked_at: set[int]) -> list[Span]:
    """Each reason clause and purpose clause in ``candidate``, nearest the asked predicate
    best."""
    text, base = candidate.text, candidate.start
    said = [(m.start(), m.end(), 1.0) for m in REASON.finditer(text)] + _purposes(doc)
    return [
        Span(base + a, base + b, "REASON", score + closeness(asked_at, doc, a))
        for a, b, score in said
    ]


def _purposes(doc: Any) -> list[tuple[int, int, float]]:
    """Purpose clauses, "to" + verb, as reasons ("decided on the deployment *to gain more
    rewards*"), but not a verb's own complement ("decided to send" says what, not why)."""
    found = []
    for verb in doc:
        to = next((c for c in verb.children if c.dep_ == "aux" and c.lower_ == "to"), None)
        if to is None or verb.pos_ != "VERB" or verb.dep_ not in ("advcl", "xcomp"):
            continue
        if verb.dep_ == "xcomp" and to.i - verb.head.i <= 2:
            continue
        last = max(t.i for t in verb.subtree)
        found.append((to.idx, doc[last].idx + len(doc[last]), 0.8))
    return found


# age: "how old"
_HOW_OLD = re.compile(r"\bhow old\b|\bwhat age\b|\bat what age\b", re.I)
AGE = re.compile(r"\b(\d{1,3})(?:-| )years?(?:-| )old\b|\baged? (\d{1,3})\b|, (\d{1,3}),")


def _ages(question: Question, candidate: Candidate, doc: Any, asked_at: set[int]) -> list[Span]:
    """The number of each age in ``candidate``: "a 42-year-old", "aged 42", "Ortiz, 42,"."""
    spans = []
    for match in AGE.finditer(candidate.text):
        group = next(i for i in (1, 2, 3) if match[i])
        start, end = candidate.start + match.start(group), candidate.start + match.end(group)
        spans.append(Span(start, end, "AGE", 1.0))
    return spans


# quantity: "how many", "what percentage", "what was its revenue"
_HOW_MANY = re.compile(
    r"\bhow (?:many|much|long|far|big|large|tall|high|often)\b|"
    r"\bwhat (?:percentage|percent|share|number|amount|proportion|"
    r"fraction|price|cost|sum|total)\b|\bby how much\b|\bwhat(?:'s|’s|\s+(?:is|was|"
    r"are|were))\s+(?:the\s+)?(?:[\w.&-]+['’]s?\s+)?(?:\w+\s+)?(?:population|number|price|cost|"
    r"total|toll|amount|value|rate|budget|salary|magnitude|temperature|revenue|profit|"
    r"loss|sales|income|earnings|worth)\b",
    re.I,
)
# a figure asked in money ("what was Tesla's revenue"): its answer is an amount of money
_MONEY = re.compile(r"\b(?:revenue|profit|income|earnings|price|cost|budget|salary|worth)\b", re.I)
_COUNT_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    "hundred|dozen|half"
)
_NUMBER = re.compile(rf"\d|\b(?:{_COUNT_WORDS}|thousand|million|billion|trillion)\b", re.I)
# as the question's unit is stemmed ("minutes" -> "minut") and as spoken
TIME_UNITS = frozenset(
    "second minute minut hour day week month year decade centuri centurie century".split()
)
HOW_LONG = re.compile(r"\bhow long\b", re.I)
COUNTED = re.compile(rf"\d|\b(?:{_COUNT_WORDS})\b", re.I)  # a count, not a magnitude word

# date: "when", "in what year"
_WHEN = re.compile(
    _START + r"when\b|\bsince\W*$|\bwhat (?:year|date|day|month|time)\b|\bon what (?:date|day)"
    r"\b|\bin what (?:year|month)\b|\bwhen (?:did|was|were|will|is|does)\b|\bwhat(?:'s|"
    r"’s|\s+(?:is|was|are|were))\s+the\s+(?:\w+\s+)?date\b",
    re.I,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+\d{{1,2}}|(?:19|20)\d\d|(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|yesterday|today|tomorrow|last (?:week|month|year)|"
    r"(?:this|next) (?:week|month|year))\b",
    re.I,
)
DATE_WORD = re.compile(r"\d|day|month|year|week", re.I)
# a day a reader can put on a calendar: "Tuesday", "June 17", "2024"; not "earlier this week"
DATED = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun|yester|to)day\b|\btomorrow\b",
    re.I,
)

# said: "what did X say / call Y", "how did X describe Y": the quote or clause said
_SAY = re.compile(
    _START + r"(?:what|how) (?:did|does|do|has|have|had)\b[^?]*?\b(?:say|tell|call|"
    r"describe|dub|label|term|characteri[sz]e|portray)\b",
    re.I,
)
QUOTATION = re.compile(r"[“\"]([^”\"]{2,400})[”\"]")  # what someone said, word for word
# verbs that say what someone said, called or described something as
SAYING = frozenset(
    "say tell call describe dub label term brand characterize characterise portray tout praise "
    "hail declare state add write".split()
)


def _sayings(question: Question, candidate: Candidate, doc: Any, asked_at: set[int]) -> list[Span]:
    """What was said, for "what did X say / call Y" and "how did X describe Y": each quotation
    in the sentence (nearest the asked verb first); without one, what a verb of saying takes:
    its clause ("it said *the two countries have ...*") or its "as" ("touted the treaty as
    *opening a new chapter*")."""
    spans, base = [], candidate.start
    for start, _, said in quotations(QUOTATION, doc.text):
        if said and not own_words(question, said) and not names_a_given(said, question.names):
            where = base + start, base + start + len(said)
            spans.append(Span(*where, "QUOTE", 1.5 + closeness(asked_at, doc, start)))
    if spans:
        return sorted(spans, key=lambda s: -s.score)
    for verb in doc:
        if verb.lemma_.lower() not in SAYING and verb.i not in asked_at:
            continue
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ == "as":
                words = [t for t in child.subtree if t.i > child.i]
            elif child.dep_ in ("ccomp", "oprd"):
                words = [
                    t for t in child.subtree if not (t.i == child.left_edge.i and t.dep_ == "mark")
                ]
            else:
                continue
            while words and words[-1].is_punct:
                words.pop()
            if words:
                where = base + words[0].idx, base + words[-1].idx + len(words[-1])
                spans.append(Span(*where, "SAID", 1.0 + closeness(asked_at, doc, words[0].idx)))
    spans.sort(key=lambda s: -s.score)
    return spans


# person: "who", "which senator"
_WHO = re.compile(
    _START + r"who(?:m|se)?\b|\bwho(?:m)?\W*$|\bwhat (?:is|was) (?:his|her|their) "
    r"name\b|\bwhich (?:person|man|woman|player|actor|"
    r"actress|singer|leader|president|official|politician|senator|"
    r"governor|ceo|star|athlete|author)\b",
    re.I,
)
_PEOPLE = frozenset(
    "official minister president leader secretary spokesperson spokesman spokeswoman chief "
    "general commander envoy ambassador diplomat person man woman politician lawmaker senator "
    "judge executive ceo chairman director player coach actor singer author king queen prince "
    "premier chancellor governor mayor candidate head actress star athlete rapper musician host "
    "comedian journalist individual celebrity legend billionaire founder quarterback pitcher "
    "golfer nominee astronaut scientist artist designer activist writer".split()
)

# place: "where", "which country"
_WHERE = re.compile(
    _START + r"where\b|\b(?:which|what) (?:country|city|state|region|nation|"
    r"town|province|continent|island|county|place)\b",
    re.I,
)
_PLACES = frozenset("country city state region nation town province capital".split())

# org: "which company"
_WHICH_ORG = re.compile(
    r"\b(?:which|what) (?:company|organi[sz]ation|group|team|party|agency|"
    r"firm|network|airline|brand|club|university|newspaper)\b",
    re.I,
)
_ORGS = frozenset(
    "newspaper agency company organization organisation group party firm network broadcaster "
    "channel daily outlet bank ministry department council committee team club university "
    "airline brand union court government".split()
)

# other: any name
_NAMES = frozenset("PERSON ORG GPE LOC NORP EVENT WORK_OF_ART PRODUCT FAC LAW".split())


def _table(*kinds: Kind) -> dict[str, Kind]:
    return {kind.name: kind for kind in kinds}


KINDS = _table(
    Kind("reason", _WHY, marker=REASON, finder=_reasons, clause=True),
    Kind("age", _HOW_OLD, marker=AGE, finder=_ages, typed=True, numeric=True),
    Kind(
        "quantity",
        _HOW_MANY,
        frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
        marker=_NUMBER,
        money=_MONEY,
        typed=True,
        numeric=True,
        counts=True,
    ),
    Kind("date", _WHEN, frozenset({"DATE"}), marker=_DATE, typed=True, dated=True),
    Kind("said", _SAY, marker=QUOTATION, finder=_sayings),
    Kind("person", _WHO, frozenset({"PERSON"}), _PEOPLE, typed=True, named=True),
    Kind(
        "place",
        _WHERE,
        frozenset({"GPE", "LOC", "FAC"}),
        _PLACES,
        typed=True,
        named=True,
        favoured=frozenset({"GPE"}),
    ),
    Kind("org", _WHICH_ORG, frozenset({"ORG"}), _ORGS, typed=True, named=True),
    Kind("other", labels=_NAMES, open=True),
)
