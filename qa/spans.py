"""A candidate sentence and an answer span in it, and what span finders share: how near a
span sits to the words that say what was asked, and the quotations in a text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..index import Article

__all__ = ["Candidate", "Span", "closeness", "quotations"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence of a retrieved chunk, with absolute offsets into its article."""

    article: Article
    start: int
    end: int
    hit_rank: int
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.article.text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Span:
    """An answer span inside a candidate sentence (absolute article offsets)."""

    start: int
    end: int
    label: str
    score: float
    fits: bool = False  # names a thing of the class the question asks for ("which newspaper")
    unit: str | None = None  # what a quantity counts ("troops" in "14,000 troops")


def closeness(at: set[int], doc: Any, char: int) -> float:
    """A bonus for a span at ``char`` close to the tokens ``at`` that say the question's
    predicate ("signed" ... "on June 19 last year"): the date or name attached to what was
    asked about."""
    if not at:
        return 0.0
    span_token = next((t.i for t in doc if t.idx >= char), len(doc))
    distance = min(abs(i - span_token) for i in at)
    return 1.5 if distance <= 8 else 0.7 if distance <= 14 else 0.2


def quotations(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, str, str]]:
    """Each quotation ``pattern`` finds in ``text``: where it starts, what the quotes hold,
    and the words of it, less the sentence's own punctuation (American style puts the
    sentence's comma inside the quotes)."""
    for match in pattern.finditer(text):
        yield match.start(1), match[1], match[1].rstrip(",.;:!? ")
