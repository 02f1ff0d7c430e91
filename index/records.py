"""The records every layer shares: Article, Chunk, Hit. Stdlib only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "Article",
    "Chunk",
    "Hit",
    "chunk_id",
    "content_id",
    "published_in",
    "text_hash",
    "web_url",
]


def text_hash(text: str) -> str:
    """A stable fingerprint of a text (used for ids and the embedding cache)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def published_in(published: str | None, window: tuple[date, date] | None) -> bool:
    """Whether an ISO publication date falls in ``window`` (inclusive); never for undated."""
    return (
        window is not None
        and published is not None
        and window[0].isoformat() <= published <= window[1].isoformat()
    )


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address; None for anything else (``javascript:``,
    ``data:``, ``file:``), which API clients must not be handed as a link."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def chunk_id(article_id: str, start: int, end: int) -> str:
    """A chunk's id: its article and offsets (never stored: rebuilt from the row)."""
    return f"{article_id}:{start}-{end}"


def content_id(key: str) -> str:
    """An article id derived from a URL or the article's text."""
    return "a-" + text_hash(key)[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. ``text`` is kept verbatim: every offset indexes into it."""

    id: str
    title: str
    text: str
    published: str | None = None  # ISO date, YYYY-MM-DD
    source: str | None = None
    url: str | None = None

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything stored about the article changes."""
        return text_hash(
            "\x1f".join(
                [self.title, self.published or "", self.source or "", self.url or "", self.text]
            )
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """A span of an article: always ``article.text[start:end] == text``."""

    id: str
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A chunk found by a search, with its score and 1-based rank."""

    chunk: Chunk
    score: float
    rank: int
    article: Article

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a hit: ``dateline search --json``, the app's ``search`` API,
        related passages of an abstention, and (less ``text``) LangChain metadata."""
        return {
            "chunk_id": self.chunk.id,
            "article_id": self.article.id,
            "title": self.article.title,
            "published": self.article.published,
            "source": self.article.source,
            "url": web_url(self.article.url),
            "start": self.chunk.start,
            "end": self.chunk.end,
            "text": self.chunk.text,
            "score": round(self.score, 6),
        }
