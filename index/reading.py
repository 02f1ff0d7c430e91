"""Read the articles under paths: walk folders, pick each file's parser, report the rest.

This is Dateline's only input I/O. Nothing here raises on a bad file: every file or line
that cannot be read becomes a :class:`Skipped` with a reason, every kept article changed on
the way gets a :class:`Note`, and every good article is still returned. Special files (FIFOs,
devices, sockets) and symlink loops are reported, never opened or followed.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .documents import is_docx, is_pdf, read_docx, read_pdf
from .errors import BadArticle
from .records import Article
from .sources import (
    Note,
    ReadReport,
    Skipped,
    looks_like_feed,
    parse_text_article,
    read_feed,
    read_html,
    read_json,
    read_jsonl,
)
from .web import is_url, read_url

__all__ = [
    "MAX_ARTICLE_MB",
    "MAX_FILE_BYTES",
    "FileReader",
    "load_file",
    "read_file",
    "read_here",
    "read_paths",
]

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
MAX_FILE_BYTES = 200 * 1024 * 1024  # a whole file (a JSONL of many articles); a hard cap
MAX_ARTICLE_MB = 20.0  # one article's text, in millions of characters: the chat's upload cap
_Source = Path | str  # a file, or an http(s) URL
_Item = Article | Note | Skipped


FileReader = Callable[[Sequence[_Source], float], Iterable[list[_Item]]]


def read_paths(
    paths: Iterable[str | Path],
    *,
    max_article_mb: float = MAX_ARTICLE_MB,
    read_files: FileReader | None = None,
) -> ReadReport:
    """Read every article under ``paths``: files, folders (walked recursively), and http(s)
    URLs given as strings (a page, a feed or a PDF, fetched once).

    An article whose text is over ``max_article_mb`` million characters is skipped (one such
    text takes minutes to chunk and embed, and is rarely one article: a dump to split).
    ``read_files(files, max_article_mb)`` reads the files (default: one after another, here)
    and returns each file's items in the order of ``files`` (a cluster reads them in
    parallel).
    """
    if max_article_mb <= 0:
        raise ValueError(f"the article size limit must be positive, got {max_article_mb}")
    report = ReadReport()
    files: list[_Source] = []
    for given in paths:
        if isinstance(given, str) and is_url(given):
            files.append(given)
            continue
        path = Path(given)
        if not path.exists():
            report.skipped.append(Skipped(str(path), "no such file or folder"))
            continue
        for found in _walk(path, set()):
            if isinstance(found, Skipped):
                report.skipped.append(found)
            else:
                files.append(found)
    read = read_files or read_here
    first_seen: dict[str, str] = {}  # article id -> the file it was first read from
    for file, items in zip(files, read(files, max_article_mb), strict=True):
        for item in items:
            if isinstance(item, Note):
                report.notes.append(item)
            elif isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                if item.id in first_seen:
                    report.notes.append(
                        Note(
                            first_seen[item.id],
                            f"id {item.id!r} again in {file}; the later copy is indexed",
                        )
                    )
                first_seen[item.id] = str(file)
                report.articles.append(item)
    return report


def read_here(files: Sequence[_Source], max_article_mb: float) -> Iterator[list[_Item]]:
    """Each file's items, read in this process one after another."""
    return (read_file(file, max_article_mb=max_article_mb) for file in files)


def load_file(path: Path) -> bytes:
    """The bytes of the file at ``path``; :class:`BadArticle` when it is over
    :data:`MAX_FILE_BYTES` or cannot be read."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BadArticle(
                where,
                f"file is {size // 2**20} MB, over the "
                f"{MAX_FILE_BYTES // 2**20} MB limit; split it",
            )
        return path.read_bytes()
    except OSError as exc:
        raise BadArticle(where, f"cannot read file ({exc.strerror or exc})") from exc


def read_file(
    file: Path | str, *, max_article_mb: float = MAX_ARTICLE_MB, data: bytes | None = None
) -> list[_Item]:
    """The articles, notes and skip reasons of one file or URL (``data``: the file's bytes,
    already loaded); never raises on bad input."""
    limit = int(max_article_mb * 1_000_000)
    items: list[_Item] = []
    try:
        if isinstance(file, str):
            found: Iterable[Article | Note | Skipped] = read_url(file)
        else:
            found = _read_file(file, load_file(file) if data is None else data)
        for item in found:
            if isinstance(item, Article) and len(item.text) > limit:
                item = Skipped(
                    f"{file} (article {item.id})",
                    f"its text is {len(item.text) / 1e6:.1f} million characters, "
                    f"over the {max_article_mb:g} million limit for one article; "
                    "split it, or raise the limit (--max-article-mb)",
                )
            items.append(item)
    except BadArticle as exc:
        items.append(Skipped(exc.where, exc.reason))
    return items


def _walk(path: Path, seen: set[Path]) -> Iterator[Path | Skipped]:
    """Regular files under ``path``; FIFOs, devices, sockets, symlink loops and unreadable
    folders are reported, not followed (a FIFO would block the run forever)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            real = path.resolve(strict=True)
            if real in seen:
                yield Skipped(str(path), "a link back to a folder already read (a loop)")
                return
            seen.add(real)
            if (path / "manifest.json").is_file() and any(path.glob("gen-*")):
                yield Skipped(str(path), "a Dateline index folder, not articles")
                return
            children = sorted(path.iterdir())
        elif not stat.S_ISREG(mode):
            yield Skipped(str(path), "not a regular file (a FIFO, device or socket)")
            return
        else:
            yield path
            return
    except (OSError, RuntimeError) as exc:  # ELOOP, EACCES, a link to nowhere
        yield Skipped(str(path), f"cannot open ({getattr(exc, 'strerror', None) or exc})")
        return
    for child in children:
        if child.name.startswith((".", "__")):
            continue  # hidden files and folders (.git, an index folder) and Python's
            # __init__.py / __pycache__ (the bundled seeds/ folder is a package)
        yield from _walk(child, seen)


def _read_file(path: Path, data: bytes) -> Iterator[Article | Skipped]:
    where = str(path)
    if not data.strip():
        raise BadArticle(where, "empty file")
    suffix = path.suffix.lower()
    if is_pdf(data):
        yield read_pdf(where, data)
        return
    if is_docx(data):
        yield read_docx(where, data)
        return
    if suffix in (".pdf", ".docx"):
        kind = "a PDF" if suffix == ".pdf" else "a Word document"
        raise BadArticle(where, f"named {suffix} but not {kind} (it starts {data[:12]!r})")
    if b"\x00" in data[:8192]:
        raise BadArticle(
            where,
            "binary file, not an article (expected text, JSONL, HTML, an RSS/Atom feed, PDF "
            "or DOCX)",
        )
    kind = _kind(path, data)
    if kind == "html":
        yield read_html(where, data)
    elif kind == "feed":
        yield from read_feed(where, data)
    else:
        text = _decode(where, data)
        if kind == "jsonl":
            yield from read_jsonl(where, text)
        elif kind == "json":
            yield from read_json(where, text)
        else:
            yield parse_text_article(text, where=where)


def _kind(path: Path, data: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".json":
        return "json"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return "text"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"{"):
        return "jsonl"
    if looks_like_feed(data):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _decode(where: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadArticle(
            where,
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8",
        ) from exc
