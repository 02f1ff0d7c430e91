"""Parse articles out of text, JSONL/JSON, HTML pages and RSS/Atom feeds (``reading.py``
walks folders and picks the parser).

Nothing here raises past its caller on a bad record: every record that cannot be read
becomes a :class:`Skipped` with a reason (or, when it is kept with a change, a :class:`Note`),
and every good article is still returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

from .chunking import sentence_spans
from .dates import parse_published
from .errors import BadArticle
from .records import Article, content_id

__all__ = [
    "Note",
    "ReadReport",
    "Skipped",
    "article_from_record",
    "looks_like_feed",
    "make_article",
    "parse_text_article",
    "read_feed",
    "read_html",
    "read_json",
    "read_jsonl",
]


_HEADER = re.compile(r"[ \t]*(date|published|title|source|url)\b[ \t]*:?[ \t]*", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]*)?")
_CREDIT = re.compile(r"\(([A-Z][A-Za-z.&' -]{1,40})\)\s*$")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves of a UTF-16 pair: no UTF-8 for them
_TITLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that was not indexed: ``where`` is a path (and ``:line``)."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Note(Skipped):
    """An input indexed with a change the user should know of (a date that is not one)."""


@dataclass(slots=True)
class ReadReport:
    """The articles read, the inputs skipped and the notes on kept ones, in input order."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def _first_sentence(text: str) -> str:
    spans = sentence_spans(text)
    if not spans:
        return ""
    start, end = spans[0]
    title = text[start:end]
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1].rstrip() + "…"


def make_article(
    where: str,
    *,
    text: str,
    title: str | None = None,
    published: object = None,
    source: str | None = None,
    url: str | None = None,
    id: str | None = None,
    notes: list[Note] | None = None,
) -> Article:
    if not text.strip():
        raise BadArticle(where, "no article text")
    for name, value in (("text", text), ("title", title), ("source", source), ("url", url)):
        bad = _SURROGATE.search(value or "")
        if bad:
            raise BadArticle(
                where,
                f"its {name} holds an invalid character (a lone surrogate, "
                f"U+{ord(bad[0]):04X}, at character {bad.start()}); fix the text's encoding",
            )
    if source is None:
        credit = _CREDIT.search(text[-80:])
        source = credit[1] if credit else None
    title = (title or "").strip() or _first_sentence(text)
    return Article(
        id=id or content_id(url or text),
        title=title,
        text=text,
        published=_published(where, published, notes),
        source=(source or "").strip() or None,
        url=(url or "").strip() or None,
    )


def _published(where: str, value: object, notes: list[Note] | None) -> str | None:
    """``value`` as an ISO date; None, with a note, when it is not a date or is after
    tomorrow (a date no reader's as-of day would ever reach)."""
    day = parse_published(value)
    reason = None
    if day is None and value not in (None, ""):
        reason = f"published {str(value)[:40]!r} is not a date; indexed undated"
    elif day is not None and day > (date.today() + timedelta(days=1)).isoformat():
        reason, day = f"published {day} is in the future; indexed undated", None
    if reason and notes is not None:
        notes.append(Note(where, reason))
    return day


def parse_text_article(text: str, *, where: str = "<text>") -> Article:
    """Parse a seed-style text article: optional header lines, then the body.

    Header lines (``date 2025-06-19``, ``title: ...``, ``source: ...``, ``url: ...``) come
    first; a ``date`` header may be followed by the body on the same line. The body is kept
    verbatim from its first character.
    """
    fields: dict[str, str] = {}
    pos = len(text) - len(text.lstrip())
    while True:
        header = _HEADER.match(text, pos)
        if not header:
            break
        key = header[1].lower()
        key = "date" if key == "published" else key
        value_start = header.end()
        line_end = text.find("\n", value_start)
        line_end = len(text) if line_end < 0 else line_end
        if key == "date":
            token = _ISO_DATE.match(text, value_start)
            value_end = token.end() if token else line_end
            if parse_published(text[value_start:value_end]) is None:
                break
        elif key == "url":
            if not text.startswith(("http://", "https://"), value_start):
                break
            value_end = line_end
        else:
            value_end = line_end
        if key in fields:
            break
        fields[key] = text[value_start:value_end].strip()
        rest = value_end
        while rest < len(text) and text[rest] in " \t\r\n":
            rest += 1
        pos = rest
    return make_article(
        where,
        text=text[pos:].rstrip(),
        title=fields.get("title"),
        published=fields.get("date"),
        source=fields.get("source"),
        url=fields.get("url"),
    )


def article_from_record(
    record: Any, where: str = "<record>", notes: list[Note] | None = None
) -> Article:
    """An Article from a JSON object with ``id, title, source, published, url, text``
    (``notes`` collects what was changed on the way, e.g. a date that is not one)."""
    if not isinstance(record, dict):
        raise BadArticle(where, f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise BadArticle(where, f"'text' is {_json_kind(text)}, not a string")
    if not isinstance(text, str) or not text.strip():
        raise BadArticle(
            where, "no 'text' field (each line needs id, title, published, source, url and text)"
        )
    given_id = record.get("id")
    return make_article(
        where,
        text=text,
        title=_str_or_none(record.get("title")),
        published=record.get("published") or record.get("date"),
        source=_str_or_none(record.get("source")),
        url=_str_or_none(record.get("url")),
        id=str(given_id) if given_id not in (None, "") else None,
        notes=notes,
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def read_jsonl(where: str, text: str) -> Iterator[Article | Skipped]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        here = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(here, f"broken JSON ({_json_error(exc)} at column {exc.colno})")
            continue
        yield from _record(record, here)


def _record(record: Any, here: str) -> Iterator[Article | Skipped]:
    """The article of one JSON record, then its notes; or why it was skipped."""
    notes: list[Note] = []
    try:
        yield article_from_record(record, here, notes)
    except BadArticle as exc:
        yield Skipped(exc.where, exc.reason)
    yield from notes


def read_json(where: str, text: str) -> Iterator[Article | Skipped]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl(where, text)  # JSON Lines saved as .json
            return
        raise BadArticle(where, f"broken JSON ({exc.msg} at line {exc.lineno})") from exc
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records):
        yield from _record(record, f"{where}[{number}]" if isinstance(data, list) else where)


def read_html(where: str, data: bytes) -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=False
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise BadArticle(where, "no article text found in this HTML page")
    return make_article(
        where,
        text=text,
        title=getattr(doc, "title", None),
        published=getattr(doc, "date", None),
        source=getattr(doc, "sitename", None) or getattr(doc, "hostname", None),
        url=getattr(doc, "url", None),
    )


def looks_like_feed(data: bytes) -> bool:
    """Whether ``data`` starts like an RSS, RSS 1.0 (RDF) or Atom feed."""
    head = data[:1024].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def read_feed(where: str, data: bytes) -> Iterator[Article | Skipped]:
    import feedparser

    data, bad_refs = _CHAR_REF.subn(_no_surrogate, data)
    feed = feedparser.parse(data)
    if not feed.entries:
        problem = getattr(feed, "bozo_exception", None)
        detail = f" ({problem})" if problem else ""
        raise BadArticle(where, f"not an RSS/Atom feed with entries{detail}")
    source = feed.feed.get("title")
    for number, entry in enumerate(feed.entries, 1):
        here = f"{where}#entry{number}"
        content = entry.get("content") or []
        body = content[0].get("value", "") if content else entry.get("summary", "")
        text = html_to_text(body)
        link = entry.get("link")
        try:
            if bad_refs and "\ufffd" in text + entry.get("title", ""):
                raise BadArticle(
                    here,
                    "holds a character reference to a lone surrogate (e.g. &#xD800;), which no "
                    "text can hold; fix the feed",
                )
            yield make_article(
                here,
                text=text,
                title=entry.get("title"),
                published=entry.get("published_parsed")
                or entry.get("updated_parsed")
                or entry.get("published"),
                source=source,
                url=link,
                id=content_id(link or entry.get("id") or text),
            )
        except BadArticle as exc:
            yield Skipped(exc.where, exc.reason)


_CHAR_REF = re.compile(rb"&#(x[0-9a-fA-F]+|[0-9]+);")


def _no_surrogate(match: re.Match[bytes]) -> bytes:
    """A character reference to a UTF-16 surrogate (feedparser crashes on those) becomes
    U+FFFD; any other is kept."""
    ref = match[1]
    code = int(ref[1:], 16) if ref[:1] == b"x" else int(ref)
    return b"&#xFFFD;" if 0xD800 <= code <= 0xDFFF else match[0]


class _TextCollector(HTMLParser):
    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "tr",
            "section",
            "article",
        }
    )
    _SKIP = frozenset({"script", "style", "noscript", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry): paragraphs kept, markup dropped."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    paragraphs = (" ".join(p.split()) for p in "".join(collector.parts).split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _json_kind(value: object) -> str:
    """A JSON value's kind as a writer of JSON calls it ("a number", not "a int")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _json_error(exc: json.JSONDecodeError) -> str:
    """json's message in lower case, without its dangling "at" ("Unterminated string
    starting at" is followed by the position we give)."""
    message = exc.msg.removesuffix(" at")
    return message[:1].lower() + message[1:]
