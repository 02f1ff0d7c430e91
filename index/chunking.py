"""Pure chunking: Article -> Chunks with exact ``[start, end)`` offsets.

Chunks are packed from whole sentences up to ``max_tokens`` tokens of the embedder's own
tokenizer, and each chunk repeats the last sentences of the previous one (up to
``overlap_tokens``). A sentence longer than ``max_tokens`` is cut at token boundaries.
Invariants (property-tested): ``article.text[c.start:c.end] == c.text`` and every
non-space character of the article lies in some chunk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .records import Article, Chunk, chunk_id

__all__ = ["Chunker", "ChunkSettings", "TokenSpans", "sentence_spans"]

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen sen rep gov lt col sgt capt cmdr adm maj prof jr sr inc corp co ltd "
    "jan feb mar apr jun jul aug sep sept oct nov dec no vs etc approx dept est fig u.s u.k u.n "
    "e.g i.e a.m p.m".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")


class TokenSpans(Protocol):
    """What the chunker needs from a tokenizer: each text's token ``(start, end)`` offsets."""

    def token_spans(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One int array of shape (n_tokens, 2) per text, in text order."""
        ...


@dataclass(frozen=True, slots=True)
class ChunkSettings:
    """Chunk size and overlap, in the embedder's tokens."""

    max_tokens: int = 200
    overlap_tokens: int = 40

    def __post_init__(self) -> None:
        if self.max_tokens < 8:
            raise ValueError(f"max_tokens must be at least 8, got {self.max_tokens}")
        if not 0 <= self.overlap_tokens < self.max_tokens:
            raise ValueError(
                f"overlap_tokens must be in [0, max_tokens), got {self.overlap_tokens}"
            )


def _is_abbreviation(text: str, end: int) -> bool:
    """True when the period at ``text[end - 1]`` closes an abbreviation or an initial."""
    start = end - 1
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start : end - 1].lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence ``(start, end)`` offsets, trimmed of surrounding whitespace.

    Lines are always boundaries; inside a line a sentence ends at ``.``/``!``/``?`` (plus
    closing quotes) followed by a capital or a digit, unless the period closes a known
    abbreviation or an initial.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for end_match in _SENTENCE_END.finditer(text, line.start(), line.end()):
            end = end_match.end()
            if (
                text[end_match.start()] == "."
                and end_match.end() - end_match.start() == 1
                and _is_abbreviation(text, end_match.start() + 1)
            ):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, line.end()))
    trimmed = []
    for start, end in spans:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            trimmed.append((start + lead, start + lead + len(stripped)))
    return trimmed


class Chunker:
    """Splits articles into sentence-aware, token-sized, overlapping chunks."""

    def __init__(self, tokenizer: TokenSpans, settings: ChunkSettings | None = None) -> None:
        self.tokenizer = tokenizer
        self.settings = settings or ChunkSettings()

    def chunk(self, article: Article) -> list[Chunk]:
        """The chunks of one article."""
        return self.chunk_many([article])[0]

    def chunk_many(self, articles: Sequence[Article]) -> list[list[Chunk]]:
        """The chunks of each article, tokenizing them in one batch."""
        spans = self.tokenizer.token_spans([a.text for a in articles])
        return [self._chunk(a, s) for a, s in zip(articles, spans, strict=True)]

    def _units(self, text: str, tokens: np.ndarray) -> list[tuple[int, int, int]]:
        """Sentences as ``(start, end, n_tokens)``; long ones cut into token windows."""
        starts = tokens[:, 0] if len(tokens) else np.zeros(0, dtype=np.int64)
        limit = self.settings.max_tokens
        units = []
        for start, end in sentence_spans(text):
            first, last = np.searchsorted(starts, [start, end])
            count = int(last - first)
            if count <= limit:
                units.append((start, end, count))
                continue
            for window in range(int(first), int(last), limit):
                stop = min(window + limit, int(last))
                w_start = start if window == first else int(starts[window])
                w_end = end if stop == last else int(starts[stop])
                piece = text[w_start:w_end].rstrip()
                units.append((w_start, w_start + len(piece), stop - window))
        return units

    def _chunk(self, article: Article, tokens: np.ndarray) -> list[Chunk]:
        text = article.text
        units = self._units(text, tokens)
        limit, overlap = self.settings.max_tokens, self.settings.overlap_tokens
        chunks: list[Chunk] = []
        first = 0
        while first < len(units):
            last, total = first, units[first][2]
            while last + 1 < len(units) and total + units[last + 1][2] <= limit:
                last += 1
                total += units[last][2]
            start, end = units[first][0], units[last][1]
            chunks.append(
                Chunk(chunk_id(article.id, start, end), article.id, start, end, text[start:end])
            )
            if last + 1 >= len(units):
                break
            nxt, carried = last + 1, 0
            while nxt - 1 > first and carried + units[nxt - 1][2] <= overlap:
                nxt -= 1
                carried += units[nxt][2]
            first = nxt
        return chunks
