"""From ranked candidate spans to the answer's text and citations: the short answer with its
quote, relative dates resolved, and conflicting figures across articles shown side by side
(the newest leads). Every claim is checked against its quote before it is kept."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..index import Hit
from ..index.records import published_in
from .citations import claim_is_supported, make_citation
from .extractive import Candidate, Span
from .kinds import KINDS
from .questions import Question, stem
from .records import Answer
from .relative import resolve_date
from .timewords import date_ahead

__all__ = ["STALE_DAYS", "Option", "compose", "confidence", "long_day"]

STALE_DAYS = 30  # older than this before the as-of date: say when it was reported
CLASS_EVIDENCE = 0.05


def confidence(score: float, support: float, *, fits: bool = False) -> float:
    """What abstention is decided on: the mean of a sentence's ``score`` (plus
    ``CLASS_EVIDENCE`` when its span ``fits`` the class asked for, "Rodong Sinmun
    newspaper") and ``support``, how well the best sentence read answers at all. An answer
    from the third sentence is surer when the first is strong; when no sentence is, the
    question is likely not covered (the mean abstains more than the score alone at the same
    false abstention: docs/benchmarks.md)."""
    return (score + (CLASS_EVIDENCE if fits else 0.0) + support) / 2


@dataclass(frozen=True, slots=True)
class Option:
    score: float
    candidate: Candidate
    span: Span | None
    support: float  # the ranker's probability for the best sentence of all those read

    @property
    def confidence(self) -> float:
        """:func:`confidence` of this option's sentence."""
        fits = self.span is not None and self.span.fits
        return confidence(self.candidate.score, self.support, fits=fits)

    def published_in(self, window: tuple[date, date] | None) -> bool:
        return published_in(self.candidate.article.published, window)

    def figure(self) -> tuple[str, str] | None:
        """(number, unit) of a quantity span: ("14000", "troop"), ("18.7", "%")."""
        if self.span is None:
            return None
        text = self.candidate.article.text[self.span.start : self.span.end]
        number = re.search(r"\d[\d,.]*", text)
        if number is None:
            return None
        value, after = number[0].replace(",", "").rstrip("."), text[number.end() :]
        if re.match(r"\s*(?:%|per ?cent\b)", after, re.I):
            return value, "%"  # 18.7% is no count of 150,000
        words = re.findall(r"[A-Za-z]+", after)
        return value, stem(words[-1].lower()) if words else ""


def _newer(a: Option, b: Option) -> bool:
    """True when ``a``'s article is dated and published after ``b``'s."""
    first, second = a.candidate.article.published, b.candidate.article.published
    return bool(first and second and first > second)


def _long_date(iso: str | None) -> str:
    return long_day(date.fromisoformat(iso)) if iso else "an unknown date"


def long_day(day: date) -> str:
    """A day as readers write it: "June 19, 2025"."""
    return f"{day:%B} {day.day}, {day.year}"


def _conflicting(question: Question, options: Sequence[Option], threshold: float) -> Option | None:
    """Another article's figure for the same thing, when it differs from the best one."""
    if not KINDS[question.kind].numeric:
        return None
    best = options[0]
    figure = best.figure()
    if figure is None:
        return None
    for option in options[1:]:
        other = option.figure()
        if (
            option.candidate.article.id != best.candidate.article.id
            and option.confidence >= threshold
            and other is not None
            and other[1] == figure[1]
            and other[0] != figure[0]
        ):
            return option
    return None


def _short_answer(question: Question, option: Option) -> tuple[str, str]:
    """The short answer and any text derived from the quote (a resolved date; for "when
    will", read forward when its sentence speaks of a plan)."""
    span, candidate = option.span, option.candidate
    if span is None:
        return "", ""
    phrase, published = candidate.article.text[span.start : span.end], candidate.article.published
    if KINDS[question.kind].dated:
        resolved = (
            date_ahead(phrase, candidate.text, published)
            if question.ahead
            else resolve_date(phrase, published)
        )
        if resolved:
            rendered = resolved.text()
            if rendered.lower() not in phrase.lower():
                return f"{rendered} (“{phrase}”)", rendered
            return rendered, rendered
    if span.label == "QUOTE":  # someone's words are given as they were said
        return f"“{phrase}”", ""
    return phrase[:1].upper() + phrase[1:], ""


def compose(
    question: str,
    query: str,
    parsed: Question,
    options: list[Option],
    hits: Sequence[Hit],
    as_of: date | None,
    window: tuple[date, date] | None = None,
    threshold: float = 0.0,
) -> Answer:
    """The answer from ranked ``options``: the best span as the short answer with its
    quote; a conflicting figure from another article cited beside it (the newest wins)."""
    best, rival = options[0], _conflicting(parsed, options, threshold)
    if rival is not None and _newer(rival, best) and (window is None or rival.published_in(window)):
        best, rival = rival, best  # the newest figure wins; the earlier one is mentioned
    article = best.candidate.article
    citation = make_citation(1, article, best.candidate.start, best.candidate.end)
    short, derived = _short_answer(parsed, best)
    lines = [f"{short} [1]"] if short else []
    lines.append(f"“{citation.quote}” [1]")
    if not claim_is_supported(lines[0], citation.quote, derived=derived):
        lines = [f"“{citation.quote}” [1]"]  # never emit a claim its quote doesn't carry
        short = ""
    if (
        short
        and as_of is not None
        and article.published
        and (as_of - date.fromisoformat(article.published)).days > STALE_DAYS
    ):
        lines[0] = f"{short} (as reported on {_long_date(article.published)}) [1]"
    citations = [citation]
    notes: list[str] = []
    if rival is not None and short:
        other = rival.candidate.article
        second = make_citation(2, other, rival.candidate.start, rival.candidate.end)
        figure, _ = _short_answer(parsed, rival)
        figure = figure[:1].lower() + figure[1:]
        newer = _newer(best, rival)
        if newer:
            claim = (
                f"Earlier, on {_long_date(other.published)}, another article reported {figure} [2]"
            )
        else:
            claim = (
                f"Another article ({other.published or 'undated'}) gives a "
                f"different figure: {figure} [2]"
            )
        if claim_is_supported(figure, second.quote):
            lines.append(claim)
            citations.append(second)
            notes.append("newer figure wins" if newer else "conflict")
    return Answer(
        question=question,
        text="\n".join(lines),
        citations=tuple(citations),
        hits=tuple(hits),
        abstained=False,
        short=short,
        query=query,
        confidence=best.confidence,
        notes=tuple(notes),
    )
