"""Citations: numbered pointers to exact article spans, and the checks that keep them honest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..index import Article
from ..index.documents import page_of
from ..index.records import web_url

__all__ = ["Citation", "claim_is_supported", "make_citation", "parse_markers"]

_MARKER = re.compile(r"\[(\d{1,3})\]")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]+(?:\s+[A-Z][a-zA-Z\-]+)*")


@dataclass(frozen=True, slots=True)
class Citation:
    """``[n]`` in an answer: ``quote == article.text[start:end]`` always."""

    n: int
    article_id: str
    title: str
    published: str | None
    url: str | None
    start: int
    end: int
    quote: str
    page: int | None = None  # for an article read from a PDF: the page the quote starts on

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "article_id": self.article_id,
            "title": self.title,
            "published": self.published,
            "url": web_url(self.url),
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "page": self.page,
        }


def make_citation(n: int, article: Article, start: int, end: int) -> Citation:
    """Cite ``article.text[start:end]``; offsets are validated against the article."""
    if not 0 <= start < end <= len(article.text):
        raise ValueError(
            f"span [{start}, {end}) is outside article {article.id} "
            f"({len(article.text)} characters)"
        )
    return Citation(
        n,
        article.id,
        article.title,
        article.published,
        article.url,
        start,
        end,
        article.text[start:end],
        page_of(article.text, start),
    )


def parse_markers(text: str) -> list[int]:
    """The citation numbers used in ``text``, in order of first use."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        n = int(match[1])
        if n not in seen:
            seen.append(n)
    return seen


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def claim_is_supported(claim: str, quote: str, *, derived: str = "") -> bool:
    """True when every number and capitalised name in ``claim`` appears in ``quote``.

    ``derived`` holds text the answer computed from the quote (a resolved date such as
    "June 19, 2024" from "June 19 last year"); its numbers and names are accepted too.
    """
    claim = _MARKER.sub("", claim)
    allowed_numbers = _numbers(quote) | _numbers(derived)
    if not _numbers(claim) <= allowed_numbers:
        return False
    haystack = (quote + " " + derived).lower()
    for name in _NAME.findall(claim):
        words = [w for w in name.split() if len(w) > 1]
        if words and not all(w.lower() in haystack for w in words):
            return False
    return True
