"""Answers written by any LangChain chat model, held to the same citation rules.

The model sees the question and numbered source sentences (exact article spans). Its reply is
split into sentences; a sentence survives only if it cites sources ``[n]`` whose quotes carry
every number and name it states. Survivors are renumbered in order of first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..index import sentence_spans
from .citations import Citation, claim_is_supported, make_citation, parse_markers
from .extractive import Candidate
from .relative import date_phrases, resolve_date

__all__ = ["NOT_FOUND", "GeneratedAnswer", "build_messages", "generate"]

NOT_FOUND = "NOT IN SOURCES"
SYSTEM = (
    "You answer questions about news articles using only the numbered sources. Answer in one "
    "to three short sentences. End every sentence with the number of the source it comes from, "
    "like [1] or [2][3]. Copy numbers, names and dates exactly as the sources give them; when a "
    'source dates something relatively ("last year", "on Tuesday"), use its publication date '
    f"to say the calendar date. If the sources do not answer, reply exactly: {NOT_FOUND}"
)


@dataclass(frozen=True, slots=True)
class GeneratedAnswer:
    """The verified text, its citations, and how many sentences were dropped."""

    text: str
    citations: tuple[Citation, ...]
    dropped: int
    abstained: bool


def build_messages(question: str, sources: Sequence[Candidate]) -> list[tuple[str, str]]:
    """System and user messages with the sources numbered from 1."""
    lines = []
    for n, source in enumerate(sources, 1):
        date = source.article.published or "undated"
        lines.append(f"[{n}] ({source.article.title}, published {date}) {source.text}")
    user = "Sources:\n" + "\n".join(lines) + f"\n\nQuestion: {question}\nAnswer:"
    return [("system", SYSTEM), ("user", user)]


def _derived_dates(quote: str, published: str | None) -> str:
    """Calendar dates the quote's relative date phrases stand for ("June 19, 2024")."""
    resolved = (resolve_date(quote[a:b], published) for a, b in date_phrases(quote))
    return " ".join(r.text() for r in resolved if r is not None)


def generate(
    llm: Any,
    question: str,
    sources: Sequence[Candidate],
    on_text: Callable[[str], object] | None = None,
) -> GeneratedAnswer:
    """Ask ``llm`` (a LangChain chat model), then keep only verifiable, cited sentences;
    ``on_text`` is told the reply as it streams in, before any check."""
    messages = build_messages(question, sources)
    if on_text is None:
        reply = llm.invoke(messages)
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
    else:
        text = ""
        for chunk in llm.stream(messages):
            piece = chunk.content if isinstance(chunk.content, str) else str(chunk.content)
            text += piece
            if piece and text.strip():
                on_text(text)
    if NOT_FOUND.lower() in text.lower() or not text.strip():
        return GeneratedAnswer("", (), 0, True)
    kept: list[tuple[str, list[int]]] = []
    dropped = 0
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        cited = [n for n in parse_markers(sentence) if 1 <= n <= len(sources)]
        if not cited:
            dropped += 1
            continue
        if not re.sub(r"\[\d{1,3}\]", "", sentence).strip(" .,;:"):
            # a reply of markers alone ("[1]") points at sentences: quote them, so an
            # answer is never only a citation marker
            sentence = " ".join(f"“{sources[n - 1].text.strip()}” [{n}]" for n in cited)
        quotes = " ".join(sources[n - 1].text for n in cited)
        derived = " ".join(
            _derived_dates(sources[n - 1].text, sources[n - 1].article.published) for n in cited
        )
        if claim_is_supported(sentence, quotes, derived=derived):
            kept.append((sentence, cited))
        else:
            dropped += 1
    if not kept:
        return GeneratedAnswer("", (), dropped, True)
    order: list[int] = []
    for _, cited in kept:
        order.extend(n for n in cited if n not in order)
    renumber = {old: new for new, old in enumerate(order, 1)}
    sentences = [
        re.sub(
            r"\[(\d{1,3})\]",
            lambda m: f"[{renumber[int(m[1])]}]" if int(m[1]) in renumber else "",
            sentence,
        )
        for sentence, _ in kept
    ]
    citations = tuple(
        make_citation(
            renumber[old], sources[old - 1].article, sources[old - 1].start, sources[old - 1].end
        )
        for old in order
    )
    return GeneratedAnswer(" ".join(sentences), citations, dropped, False)
