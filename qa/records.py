"""What answering produces: a conversation's turns, what retrieval found, and the Answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..index import Hit
from .citations import Citation

__all__ = ["Answer", "Retrieval", "Turn"]


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """An answer whose every ``[n]`` is a :class:`Citation` with an exact quote.

    When ``abstained`` is true, ``text`` says the articles don't answer the question,
    ``citations`` is empty and ``related`` lists the closest passages.
    """

    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    abstained: bool
    related: tuple[Hit, ...] = ()
    short: str = ""
    query: str = ""
    confidence: float = 0.0
    notes: tuple[str, ...] = field(default=())
    reading: str = ""  # how the question's time words were read ("“this week”: ...")
    reader: str = "rules"  # who read the answer: "rules", a local model's name, or "llm"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``dateline ask --json``."""
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "related": [h.to_dict() for h in self.related],
            "time_words": self.reading,
            "reader": self.reader,
        }


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What :meth:`Answerer.retrieve` found: the query it searched (a follow-up rewritten),
    the hits, best first, the as-of day, and the time phrase of a question about after it."""

    question: str
    query: str
    hits: tuple[Hit, ...]
    as_of: date | None = None
    future: str | None = None
    window: tuple[date, date] | None = None  # named by the question's time words
    reading: str = ""  # how those time words were read, shown with the answer
    # the window opens at an event dated from the articles ("since the invasion"): how well
    # it is dated is unsure, so it orders the answers and never refuses one
    anchored: bool = False
