"""Articles from the web: a page, a feed or a PDF at an http(s) URL, fetched once.

Only what the user names is fetched (no crawling, no redirects to other schemes); a failed
fetch is a skip with its reason, like an unreadable file.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace

from .documents import is_pdf, read_pdf
from .errors import BadArticle
from .records import Article, content_id
from .sources import Skipped, looks_like_feed, read_feed, read_html

__all__ = ["is_url", "read_url"]

MAX_FETCH_BYTES = 20 * 1024 * 1024  # the upload cap
TIMEOUT_S = 30.0
_AGENT = "Dateline/0.2 (+https://pypi.org/project/dateline)"


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def read_url(url: str, *, timeout: float = TIMEOUT_S) -> Iterator[Article | Skipped]:
    """The article(s) at ``url``: a feed's entries, a PDF, or an HTML page's article."""
    request = urllib.request.Request(url, headers={"User-Agent": _AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if not is_url(response.geturl()):
                raise BadArticle(url, f"redirected to {response.geturl()!r}, not a web page")
            kind = response.headers.get_content_type()
            data = response.read(MAX_FETCH_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise BadArticle(url, f"the server answered HTTP {exc.code} ({exc.reason})") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise BadArticle(url, f"could not fetch it ({reason})") from exc
    if len(data) > MAX_FETCH_BYTES:
        raise BadArticle(url, f"over {MAX_FETCH_BYTES // 2**20} MB; download and split it")
    if is_pdf(data):
        yield _located(read_pdf(url, data), url)
    elif "xml" in kind or "rss" in kind or looks_like_feed(data):
        yield from read_feed(url, data)
    else:
        yield _located(read_html(url, data), url)


def _located(article: Article, url: str) -> Article:
    """``article`` with the URL it was fetched from (and its id made from that URL, so a
    fetch of the same page later replaces it), unless the page named its own URL."""
    return article if article.url else replace(article, url=url, id=content_id(url))
