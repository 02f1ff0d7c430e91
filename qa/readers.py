"""Readers that pick the answer span from the top candidate sentences, held to one rule: the
answer must be words of a shown sentence (found after normalising case, spacing, quotes and
number formats, or, for a date, a phrase of the sentence that resolves to that date), and it
is mapped back to that sentence's exact offsets. Anything else is not an answer.

    Reader (protocol)  read(question, sources) -> Reading | None
    LocalReader        a small instruction model run in-process by llama-cpp-python
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .extractive import Candidate, Span
from .relative import date_phrases, resolve_date

__all__ = [
    "CURRENCY",
    "DATE_LIKE",
    "Reader",
    "Reading",
    "Streamed",
    "echoes_source",
    "locate",
    "partial_answer",
    "sources_prompt",
]

Streamed = Callable[[str], object]  # told the answer text so far, each time it grows

SYSTEM = (
    "You answer a question from numbered news sentences. Reply with JSON: "
    '{"answer": "<the shortest words copied exactly from one sentence>", "source": <its number>}'
    ', or {"answer": null} when no sentence answers the question. Answer only what is asked: '
    "a count for 'how many', a date for 'when', a name for 'who' or 'which'."
)
DATE_LIKE = re.compile(r"\d{4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I)
# an amount of money: a currency sign just before or in the span, or a currency's name
CURRENCY = re.compile(
    r"[$£€¥₹]|\b(?:dollars?|pounds?|euros?|yen|yuan|rupees?|francs?|pesos?|rubles?|roubles?)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reader proposed: the answer text and the 1-based source it named (None when it
    named none), and how likely the reader found "no sentence answers" (``doubt``, where the
    reader can tell: the local model's probability of writing null)."""

    answer: str | None
    source: int | None = None
    doubt: float | None = None


class Reader(Protocol):
    """Proposes an answer from numbered sentences; :func:`locate` checks it."""

    name: str

    def read(
        self,
        question: str,
        sources: Sequence[Candidate],
        as_of: date | None,
        on_text: Streamed | None = None,
    ) -> Reading:
        """The answer to ``question`` from ``sources`` (``Reading(None)``: they don't say);
        ``on_text`` is told the answer as it is written, before any check."""
        ...


def sources_prompt(
    question: str, sources: Sequence[Candidate], as_of: date | None, *, dated: bool = True
) -> str:
    """The user message: the sources numbered from 1, then the question (with the day and
    the sources' dates when ``dated``: "June 19 last year" needs its article's date;
    elsewhere the dates are tokens to read, and a count was once answered with one). The
    question comes last, next to the answer: asked first, the models answer more often with
    a bare source number ("2" under source 2)."""
    lines = []
    for n, source in enumerate(sources, 1):
        published = source.article.published if dated else None
        lines.append(f"[{n}] {source.text}" + (f" (published {published})" if published else ""))
    if as_of is not None and dated:
        lines.append(f"Today: {as_of.isoformat()}")
    lines.append(f"Question: {question}")
    return "\n".join(lines)


_PARTIAL = re.compile(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)')


def partial_answer(reply: str) -> str | None:
    """The answer string written so far in a JSON reply still being generated."""
    found = _PARTIAL.search(reply)
    if found is None:
        return None
    try:
        return str(json.loads(f'"{found[1].rstrip(chr(92))}"'))
    except json.JSONDecodeError:  # an escape cut in half
        return found[1]


def parse_reply(text: str) -> Reading:
    """A reader's JSON reply; anything unreadable, empty or "null" means no answer."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Reading(None)
    if not isinstance(data, dict):
        return Reading(None)
    answer, source = data.get("answer"), data.get("source")
    if not isinstance(answer, str) or answer.strip().lower() in ("", "null", "none", "n/a"):
        return Reading(None)
    return Reading(answer.strip(), source if isinstance(source, int) else None)


def _normalised(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with quotes, commas inside numbers and runs of spaces dropped, and
    for each kept character its offset in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in "\"“”‘’'`":
            continue
        if ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch.lower())
        where.append(i)
    return "".join(out), where


def _find(answer: str, candidate: Candidate) -> Span | None:
    needle, _ = _normalised(answer.strip(" .,;:!?\"“”'"))
    if not needle.strip():
        return None
    hay, where = _normalised(candidate.text)
    text = candidate.text
    at = hay.find(needle)
    while at >= 0:
        start, end = where[at], where[at + len(needle) - 1] + 1
        if _whole(text, start, end):
            return Span(candidate.start + start, candidate.start + end, "READ", 1.0)
        at = hay.find(needle, at + 1)
    return None


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words: "2" is not an answer found in "2.9 million"
    (its claim would fail the quote check, leaving no short answer at all)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    more = text[end + 1] if end + 1 < len(text) else " "
    inside_number = after in ".," and more.isdigit() and text[end - 1].isdigit()
    return not before.isalnum() and not after.isalnum() and not inside_number


def _find_date(answer: str, candidate: Candidate) -> Span | None:
    """A date the reader rewrote ("2024-06-19", "June 19, 2024"): the phrase of the sentence
    that resolves to the same day, month or year."""
    if not DATE_LIKE.search(answer):
        return None
    try:  # an ISO date first: resolve_date would read "2024-06-19" as the year 2024
        wanted_iso = date.fromisoformat(answer.strip()[:10]).isoformat()
    except ValueError:
        wanted = resolve_date(answer, None)
        if wanted is None:
            return None
        wanted_iso = wanted.iso()
    for start, end in date_phrases(candidate.text):
        resolved = resolve_date(candidate.text[start:end], candidate.article.published)
        if resolved is not None and resolved.iso() == wanted_iso:
            return Span(candidate.start + start, candidate.start + end, "DATE", 1.0)
    return None


def locate(reading: Reading, sources: Sequence[Candidate]) -> tuple[int, Span] | None:
    """The source index (0-based) and exact span of a reading: in the source it named first,
    then in any other shown sentence (readers name the wrong source for right spans); None
    when no shown sentence states it."""
    if reading.answer is None:
        return None
    order = list(range(len(sources)))
    if reading.source is not None and 1 <= reading.source <= len(sources):
        order.remove(reading.source - 1)
        order.insert(0, reading.source - 1)
    for finder in (_find, _find_date):
        for i in order:
            span = finder(reading.answer, sources[i])
            if span is not None:
                return i, span
    return None


def echoes_source(reading: Reading, found_in: int, shown: int) -> bool:
    """Whether a reading is a source's number rather than an answer: a bare number no
    greater than the count of sentences shown, not stated by the sentence it names (found
    only in another). The 1.5B answers "2" under source 2 when it is unsure (10 of the wire
    set's 45 questions)."""
    answer = (reading.answer or "").strip()
    return (
        answer.isdigit()
        and 1 <= int(answer) <= shown
        and reading.source is not None
        and found_in != reading.source - 1
    )
