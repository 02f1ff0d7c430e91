from __future__ import annotations

import json
from pathlib import Path

from dateline.index import parse_text_article, read_paths
from tests.conftest import SEEDS

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title>
<item><title>Floods in Seoul</title><link>https://example.org/floods</link>
<pubDate>Tue, 01 Jul 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Heavy rain flooded &lt;b&gt;Seoul&lt;/b&gt;.&lt;/p&gt;
&lt;p&gt;Schools shut.&lt;/p&gt;</description>
</item>
<item><title>Empty</title><link>https://example.org/empty</link><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Chip exports rise</title><link href="https://example.org/chips"/>
<id>urn:chips</id><updated>2025-05-30T10:00:00Z</updated>
<content type="html">&lt;p&gt;Exports rose 12 percent.&lt;/p&gt;</content></entry></feed>"""

HTML = """<!doctype html><html><head><title>Troops deployed | Example News</title>
<meta property="article:published_time" content="2025-06-19T09:00:00Z"></head><body>
<article><h1>Troops deployed</h1>
<p>North Korea deployed around 14,000 troops to the Russian side in the war against Ukraine,
officials said on Thursday in a lengthy briefing to reporters in the capital.</p>
<p>Kim has reportedly decided to send 1,000 sappers to the Kursk region for mine removal.</p>
</article></body></html>"""


def test_seed_header_body_source_and_title() -> None:
    (article,) = read_paths([SEEDS]).articles
    raw = next(SEEDS.glob("*.txt")).read_text()
    assert article.published == "2025-06-19"
    assert article.source == "Yonhap"
    assert article.text.startswith("North Korea on Thursday underscored")
    assert article.text in raw
    assert article.title.startswith("North Korea on Thursday underscored")
    assert "14,000 troops" in article.text


def test_text_headers_with_colons() -> None:
    article = parse_text_article(
        "title: Big day\nsource: Wire\nurl: https://x.org/a\ndate: June 19, 2025\n\nBody text here."
    )
    assert (article.title, article.source, article.url, article.published) == (
        "Big day",
        "Wire",
        "https://x.org/a",
        "2025-06-19",
    )
    assert article.text == "Body text here."


def test_body_that_looks_like_a_header_is_kept() -> None:
    article = parse_text_article("Date palms grow in the desert. They need water.")
    assert article.text == "Date palms grow in the desert. They need water."
    assert article.published is None


def test_ids_are_stable_and_given_ids_win(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"id": "x1", "title": "T", "text": "Hello."})
        + "\n"
        + json.dumps({"title": "U", "text": "Other."})
        + "\n"
    )
    first = read_paths([tmp_path]).articles
    second = read_paths([tmp_path]).articles
    assert first[0].id == "x1"
    assert first[1].id == second[1].id and first[1].id.startswith("a-")


def test_jsonl_keeps_text_verbatim_and_normalises_dates(tmp_path: Path) -> None:
    text = "  Leading spaces kept.\n\nAnd “quotes” too.  "
    (tmp_path / "c.jsonl").write_text(
        json.dumps(
            {
                "id": "r1",
                "title": "T",
                "source": "S",
                "published": "2022-07-06T10:00:00",
                "url": "https://u",
                "text": text,
            }
        )
        + "\n"
    )
    (article,) = read_paths([tmp_path / "c.jsonl"]).articles
    assert article.text == text
    assert article.published == "2022-07-06"


def test_html_page(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML)
    report = read_paths([tmp_path])
    (article,) = report.articles
    assert article.title == "Troops deployed"
    assert article.published == "2025-06-19"
    assert "14,000 troops" in article.text


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(FEED)
    (tmp_path / "atom.xml").write_text(ATOM)
    report = read_paths([tmp_path])
    by_title = {a.title: a for a in report.articles}
    floods = by_title["Floods in Seoul"]
    assert floods.text == "Heavy rain flooded Seoul.\n\nSchools shut."
    assert floods.published == "2025-07-01" and floods.source == "Example Wire"
    assert floods.url == "https://example.org/floods"
    assert by_title["Chip exports rise"].published == "2025-05-30"
    assert [s.where for s in report.skipped] == [f"{tmp_path / 'wire.rss'}#entry2"]


def test_bad_files_are_skipped_with_reasons_and_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("date 2025-01-02 A good article. It has text.")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 opens in S\xe3o Paulo.".encode("latin-1"))
    (tmp_path / "mixed.jsonl").write_text(
        json.dumps({"id": "j1", "title": "One", "text": "First."})
        + "\n"
        + '{"id": "j2", "title": "Broken", "text": \n'
        + json.dumps({"id": "j3", "title": "Three", "text": "Third."})
        + "\n"
        + json.dumps({"id": "j4", "title": "No text"})
        + "\n"
    )
    report = read_paths([tmp_path, tmp_path / "missing"])
    assert sorted(a.title for a in report.articles) == ["A good article.", "One", "Three"]
    reasons = {s.where: s.reason for s in report.skipped}
    assert reasons[str(tmp_path / "empty.txt")] == "empty file"
    assert reasons[str(tmp_path / "photo.jpg")].startswith("binary file")
    assert "not UTF-8" in reasons[str(tmp_path / "latin1.txt")]
    assert "broken JSON" in reasons[f"{tmp_path / 'mixed.jsonl'}:2"]
    assert "no 'text' field" in reasons[f"{tmp_path / 'mixed.jsonl'}:4"]
    assert reasons[str(tmp_path / "missing")] == "no such file or folder"
    assert len(report.skipped) == 6


def test_hidden_folders_are_not_read(tmp_path: Path) -> None:
    (tmp_path / ".dateline").mkdir()
    (tmp_path / ".dateline" / "x.txt").write_text("Should not be read.")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "y.txt").write_text("Nor this.")
    (tmp_path / "__init__.py").write_text('"""Nor this."""')
    (tmp_path / "a.txt").write_text("Read me.")
    assert [a.text for a in read_paths([tmp_path]).articles] == ["Read me."]


def test_special_files_loops_and_bad_characters_are_skipped_not_fatal(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Title: Good\n\nA good article about the floods in Seoul.")
    good = {"id": "ok", "title": "Fine", "text": "Fine text about the election results."}
    bad = {"id": "bad", "title": "Bad", "text": "Text with a lone \ud800 surrogate."}
    (folder / "mixed.jsonl").write_text(
        json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8"
    )  # json.dumps writes the surrogate as the escape \\ud800, as real files carry it
    (folder / "feed.xml").write_text(FEED.replace("Schools shut.", "Schools &#xD800; shut."))
    os.mkfifo(folder / "pipe")  # would block a reader forever
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "dangling").symlink_to(tmp_path / "nowhere")
    (folder / "idx" / "gen-000001").mkdir(parents=True)  # an index kept beside its inputs
    (folder / "idx" / "manifest.json").write_text('{"format": 3}')
    report = read_paths([folder, "/dev/zero"])
    assert {a.id for a in report.articles} >= {"ok"} and len(report.articles) == 2
    assert "Good" in {a.title for a in report.articles}
    reasons = {s.where.rsplit("/", 1)[-1]: s.reason for s in report.skipped}
    assert "lone surrogate" in reasons["mixed.jsonl:2"] and "U+D800" in reasons["mixed.jsonl:2"]
    assert "FIFO" in reasons["pipe"] and "FIFO" in reasons["zero"]
    assert "loop" in reasons["loop"]
    assert "cannot open" in reasons["dangling"]
    assert reasons["idx"] == "a Dateline index folder, not articles"
    assert any("feed.xml" in s.where and "surrogate" in s.reason for s in report.skipped)


def test_dates_that_are_not_dates_and_repeated_ids_are_reported(tmp_path: Path) -> None:
    rows = [
        {"id": "g", "text": "A garbage date article.", "published": "soon-ish"},
        {"id": "f", "text": "A future article.", "published": "9999-12-31"},
        {"id": 123, "text": "First copy of 123."},
        {"id": "123", "text": "Second copy of 123."},
        {"id": "n", "text": 42},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = read_paths([path])
    by_id = {a.id: a for a in report.articles}
    assert by_id["g"].published is None and by_id["f"].published is None
    assert by_id["123"].text == "Second copy of 123." and len(report.articles) == 4
    notes = [str(n) for n in report.notes]
    assert any("in.jsonl:1" in n and "'soon-ish' is not a date" in n for n in notes)
    assert any("in.jsonl:2" in n and "9999-12-31 is in the future" in n for n in notes)
    assert any("id '123' again" in n for n in notes)
    assert [str(s) for s in report.skipped] == [f"{path}:5: 'text' is a number, not a string"]


def test_broken_json_is_named_in_plain_words(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": "a", "text": "A story that was cut\n{"id": "b", "text": [1]}\n')
    report = read_paths([path])
    assert [str(s) for s in report.skipped] == [
        f"{path}:1: broken JSON (unterminated string starting at column 21)",
        f"{path}:2: 'text' is a list, not a string",
    ]


def test_pdf_and_docx_are_read_with_pages_and_bad_ones_named(tmp_path: Path) -> None:
    from dateline.index.documents import page_of
    from tests.documents import make_pdf, write_docx

    pages = [
        ["Storm report.", "Winds reached 140 km/h on Monday."],
        ["The storm cut power to 12,000 homes in Busan."],
        ["Repairs will take a week, officials said."],
    ]
    (tmp_path / "storm.pdf").write_bytes(make_pdf(pages, title="Typhoon hits Busan"))
    write_docx(tmp_path / "memo.docx", ["Budget memo.", "The city will spend $4m."], "City memo")
    (tmp_path / "fake.pdf").write_text("%PDF-1.4 this is only text pretending to be a PDF")
    (tmp_path / "notes.docx").write_text("plain words, not a Word file")
    (tmp_path / "empty.pdf").write_bytes(make_pdf([[]]))
    report = read_paths([tmp_path])
    by_title = {a.title: a for a in report.articles}
    assert set(by_title) == {"Typhoon hits Busan", "City memo"}
    storm = by_title["Typhoon hits Busan"]
    assert storm.published == "2025-06-17" and storm.text.count("\f") == 2
    assert page_of(storm.text, storm.text.index("12,000")) == 2
    assert page_of(storm.text, storm.text.index("Repairs")) == 3
    assert page_of(by_title["City memo"].text, 0) is None  # no pages outside a PDF
    assert by_title["City memo"].text == "Budget memo.\nThe city will spend $4m."
    reasons = {Path(s.where).name: s.reason for s in report.skipped}
    assert set(reasons) == {"fake.pdf", "notes.docx", "empty.pdf"}
    assert reasons["fake.pdf"].startswith("not a readable PDF")
    assert reasons["notes.docx"].startswith("named .docx but not a Word document")
    assert "no text in this PDF (a scan?)" in reasons["empty.pdf"]
