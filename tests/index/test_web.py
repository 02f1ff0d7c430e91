"""Articles by URL, from a real HTTP server on 127.0.0.1 (no outside traffic)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline.index import read_paths
from dateline.index.documents import page_of
from tests.documents import make_pdf

PAGE = """<!doctype html><html><head><title>Dam opens in Laos</title>
<meta property="article:published_time" content="2025-05-02"></head><body><article>
<h1>Dam opens in Laos</h1><p>A new hydropower dam on the Mekong opened on Friday, able to
supply 1,200 megawatts to the grid, the energy ministry said.</p><p>Fishermen downstream
fear lower catches, according to a survey of 300 villages.</p></article></body></html>"""

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Rain in Lima</title><link>https://example.org/rain</link>
<pubDate>Mon, 05 May 2025 10:00:00 GMT</pubDate><description>Rain fell on Lima for the
first time in May.</description></item>
<item><title>Snow in Oslo</title><link>https://example.org/snow</link>
<pubDate>Tue, 06 May 2025 10:00:00 GMT</pubDate><description>Snow closed Oslo's
airport.</description></item></channel></rss>"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "dam.html").write_text(PAGE)
    (tmp_path / "feed.xml").write_text(FEED)
    pages = [["Annual report."], ["Revenue rose 12% to $3.4bn in 2024."]]
    (tmp_path / "report.pdf").write_bytes(make_pdf(pages, title="Annual report 2024"))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pages_feeds_and_pdfs_by_url_and_failures_named(site: str) -> None:
    gone = "http://127.0.0.1:9/nothing-listens-here"
    report = read_paths(
        [f"{site}/dam.html", f"{site}/feed.xml", f"{site}/report.pdf", f"{site}/missing", gone]
    )
    by_title = {a.title: a for a in report.articles}
    assert set(by_title) == {
        "Dam opens in Laos",
        "Rain in Lima",
        "Snow in Oslo",
        "Annual report 2024",
    }
    dam = by_title["Dam opens in Laos"]
    assert "1,200 megawatts" in dam.text and dam.published == "2025-05-02"
    assert dam.url == f"{site}/dam.html"
    report_pdf = by_title["Annual report 2024"]
    assert report_pdf.url == f"{site}/report.pdf"
    assert page_of(report_pdf.text, report_pdf.text.index("Revenue")) == 2
    assert by_title["Rain in Lima"].url == "https://example.org/rain"
    reasons = {s.where: s.reason for s in report.skipped}
    assert reasons[f"{site}/missing"].startswith("the server answered HTTP 404")
    assert reasons[gone].startswith("could not fetch it")
    again = read_paths([f"{site}/dam.html"]).articles[0]
    assert again.id == dam.id  # the same page fetched later keeps its id (it would replace)


def test_dateline_index_takes_a_url(
    site: str, tmp_path: Path, model_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dateline.index import Store
    from dateline.ui.cli import main
    from dateline.ui.settings import Settings

    settings = Settings(index_dir=tmp_path / "ix", cache_dir=model_cache)
    code = main(["index", f"{site}/dam.html", f"{site}/missing", "-q"], settings)
    out, err = capsys.readouterr()
    assert code == 1 and out.startswith("1 added, 0 unchanged, 0 replaced, 1 skipped")
    assert f"Skipped {site}/missing: the server answered HTTP 404" in err
    (article_id,) = Store.open(settings.index_dir).article_ids()
    assert Store.open(settings.index_dir).article(article_id).url == f"{site}/dam.html"


def test_watch_adds_only_new_feed_items(
    tmp_path: Path, model_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dateline.index import Store
    from dateline.ui.cli import main
    from dateline.ui.settings import Settings

    first, *rest = FEED.split("<item>")
    feeds = [first + "<item>" + rest[0] + "</channel></rss>", FEED]  # one item, then both
    fetched: list[int] = []

    class Feed(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = feeds[min(len(fetched), 1)].encode()
            fetched.append(1)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        settings = Settings(index_dir=tmp_path / "ix", cache_dir=model_cache)
        argv = ["index", url, "-q", "--watch", "0.001", "--runs", "3"]
        assert main(argv, settings) == 0
    finally:
        server.shutdown()
        server.server_close()
    out, err = capsys.readouterr()
    assert len(fetched) == 3 and err.count("Watching: next check at") == 2
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "1 added, 0 unchanged, 0 replaced, 0 skipped",
        "1 added, 1 unchanged, 0 replaced, 0 skipped",
        "0 added, 2 unchanged, 0 replaced, 0 skipped",
    ]
    titles = {
        Store.open(settings.index_dir).article(a).title
        for a in Store.open(settings.index_dir).article_ids()
    }
    assert titles == {"Rain in Lima", "Snow in Oslo"}
