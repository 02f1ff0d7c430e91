"""The local model reads: it is shown the ranker's best sentences, unfiltered, and decides
itself whether they answer. Its answer is kept when its words are found in a shown sentence
(exact offsets) and are of the asked kind; its doubt (the probability it puts on "no
sentence answers") weighed with the ranker's support is what abstains, not the rules'
vetoes or confidence gate."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .classes import CLASS_LABELS
from .compose import Option
from .extractive import Candidate
from .kinds import KINDS
from .questions import Question, own_words
from .readers import CURRENCY, DATE_LIKE, Reader, Streamed, echoes_source, locate
from .timewords import date_ahead

__all__ = [
    "ANSWERABLE",
    "CUT",
    "MODEL_READ",
    "MODEL_SUPPORT",
    "ModelOutcome",
    "Verdict",
    "answerable",
    "logit",
    "model_option",
    "of_kind",
    "over",
]

# How likely the shown sentences answer: a logistic of the ranker's support (its best
# sentence's probability) and the model's doubt, fitted on RealTimeQA's fit split
# (bench/answerable.py, docs/benchmarks.md); the reader declines under CUT
ANSWERABLE = (1.324, -1.034, -1.327)  # weights of logit(support), logit(doubt); the bias
CUT = 0.5


def answerable(support: float, doubt: float) -> float:
    """The probability that sentences whose best has ``support`` answer, when the model puts
    ``doubt`` on "no sentence answers"."""
    a, b, bias = ANSWERABLE
    return 1.0 / (1.0 + math.exp(-(a * logit(support) + b * logit(doubt) + bias)))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


MODEL_READ = 3  # sentences a reader model is shown, as the ranker orders them (docs/benchmarks.md)
# a reader that cannot say how sure it is (no doubt) does not answer under this support, the
# ranker's probability for the best sentence shown (the local model weighs both itself)
MODEL_SUPPORT = 0.2
READ_WORDS = 12  # a longer reading is a sentence copied whole, no short answer


class Verdict(Enum):
    """What came of asking the model."""

    ANSWERED = "answered"  # its span is in a shown sentence and of the asked kind
    DECLINED = "declined"  # it says (or doubts enough) that no shown sentence answers
    UNVERIFIED = "unverified"  # its words are in no shown sentence, or not of the asked kind


@dataclass(frozen=True, slots=True)
class ModelOutcome:
    """The model's verdict, and its answer as an option when it ``ANSWERED`` (else None)."""

    verdict: Verdict
    option: Option | None = None


DECLINED = ModelOutcome(Verdict.DECLINED)
UNVERIFIED = ModelOutcome(Verdict.UNVERIFIED)


def model_option(
    reader: Reader,
    question: Question,
    ranked: Sequence[Candidate],
    day: date | None,
    on_text: Streamed | None,
) -> ModelOutcome:
    """The model's answer from the best ``MODEL_READ`` sentences, unfiltered: ``ANSWERED``
    with an option when its span is found in a shown sentence and is of the asked kind;
    ``DECLINED`` when it says (or doubts enough) that none answers; ``UNVERIFIED`` when its
    words are in no shown sentence or not of the asked kind (the rules then answer)."""
    shown = list(ranked[:MODEL_READ])
    if not shown:
        return DECLINED
    reading = reader.read(question.text, shown, day, on_text)
    if reading.answer is None or (reading.doubt is None and shown[0].score < MODEL_SUPPORT):
        return DECLINED
    found = locate(reading, shown)
    if found is None or echoes_source(reading, found[0], len(shown)):
        return UNVERIFIED  # "2" under source 2: its number, not an answer
    i, span = found
    if not of_kind(question, shown[i], span.start, span.end):
        return UNVERIFIED
    sure = 1.0 - (reading.doubt or 0.0)
    return ModelOutcome(Verdict.ANSWERED, Option(sure, shown[i], span, sure))


def of_kind(question: Question, source: Candidate, start: int, end: int) -> bool:
    """Whether a model's words at ``start:end`` of ``source``'s article are a short answer of
    the kind asked: a date for "when", money for a price, a name for "who", not a sentence
    copied whole nor the question's own words."""
    text = source.article.text
    said, kind = text[start:end], KINDS[question.kind]
    if len(said.split()) > READ_WORDS and not kind.clause:
        return False
    if kind.dated and not DATE_LIKE.search(said):
        return False  # "19" of "June 19 last year" is no date
    if question.money and not CURRENCY.search(text[max(start - 1, 0) : start] + said):
        return False  # "184,877 vehicles" is no revenue ("$" may stand just before the span)
    if question.ahead and over(source, start, end):
        return False  # a date already past when the article was written
    if own_words(question, said):  # "Controversial" for "which controversial platform"
        return False
    named = kind.named or question.asked_class in CLASS_LABELS
    return not (named and not any(ch.isalpha() for ch in said))  # "2" names no place


def over(candidate: Candidate, start: int, end: int) -> bool:
    """For a "when will" question: whether the date at ``start:end`` of ``candidate``'s
    article was over when the article was written (:func:`date_ahead`)."""
    article = candidate.article
    return date_ahead(article.text[start:end], candidate.text, article.published) is False
