"""The real app in headless Chromium (Debian's /usr/bin/chromium) and through gradio_client."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dateline.index import MiniLMEmbedder, Searcher
from dateline.qa import Answerer
from dateline.ui.app import CSS, SEED_EXAMPLES, build_app
from dateline.ui.service import ChatService
from tests.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"
)


@pytest.fixture(scope="module")
def app_service(
    seed_index: Path,
    seed_answerer: Answerer,
    real_embedder: MiniLMEmbedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> ChatService:
    folder = tmp_path_factory.mktemp("app") / "index"
    shutil.copytree(seed_index, folder)
    return ChatService(Searcher.open(folder, real_embedder), nlp=seed_answerer.nlp)


def serve(service: ChatService) -> tuple[Any, str]:
    app = build_app(service, examples=SEED_EXAMPLES, today=date(2025, 6, 20))
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        css=CSS,
        quiet=True,
        max_file_size="20mb",
    )
    return app, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def server(app_service: ChatService) -> Iterator[str]:
    """The app over the seed index, shared by the tests that only read it."""
    app, url = serve(app_service)
    yield url
    app.close()


@pytest.fixture
def fresh_service(
    seed_index: Path,
    seed_answerer: Answerer,
    real_embedder: MiniLMEmbedder,
    tmp_path: Path,
) -> ChatService:
    """A copy of the seed index of the test's own, for a test that changes it."""
    folder = tmp_path / "index"
    shutil.copytree(seed_index, folder)
    return ChatService(Searcher.open(folder, real_embedder), nlp=seed_answerer.nlp)


@pytest.fixture
def fresh_server(fresh_service: ChatService) -> Iterator[str]:
    """The app over the test's own index: uploads and removals stay in their test."""
    app, url = serve(fresh_service)
    yield url
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def open_page(browser: Any, url: str) -> Any:
    """A page in a context of its own: its own browser storage (the saved conversation and
    past ones), upload box and dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    dialogs: list[str] = []
    page.dialogs = dialogs

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(url)
    return page


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """Each test's own page on the shared app."""
    page = open_page(browser, server)
    yield page
    page.context.close()


@pytest.fixture
def fresh_page(browser: Any, fresh_server: str) -> Iterator[Any]:
    """Each test's own page on an app over its own index."""
    page = open_page(browser, fresh_server)
    yield page
    page.context.close()


def ask(page, question: str, *, follow_up: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Chat").click()
    if not follow_up:  # each test starts its own conversation: no test reads another's turns
        page.get_by_role("button", name="New conversation").click()
        page.wait_for_function(
            "() => !document.querySelector('#chat').innerText.includes('?')", timeout=30_000
        )
    answered = page.locator("#sources details.dl-answer").count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "q => document.querySelector('#chat').innerText.includes(q)", arg=question, timeout=60_000
    )
    # each answer adds its own group of sources to the panel, once it is complete
    page.wait_for_function(
        "n => document.querySelectorAll('#sources details.dl-answer').length > n",
        arg=answered,
        timeout=60_000,
    )
    page.wait_for_function(
        "() => !/Searching the articles|Waiting for the local model/"
        ".test(document.querySelector('#chat').innerText)",
        timeout=60_000,
    )


def articles_indexed(page) -> int:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Your articles").click()
    found = re.search(r"([\d,]+) articles?\b", page.locator("#stats").inner_text())
    assert found is not None
    return int(found[1].replace(",", ""))


def upload(page, path: Path) -> str:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Your articles").click()
    page.locator("#upload input[type=file]").set_input_files(str(path))
    try:
        # the box lists the file once it is uploaded (a busy 2-core machine can take a while).
        # Its whole text with spaces dropped: the name may be split into a stem and an
        # extension ("harbour" ".txt"), and neither an exact-text match nor innerText found it
        # though the screenshot showed it listed
        page.wait_for_function(
            "name => (document.querySelector('#upload')?.textContent || '')"
            ".replace(/\\s+/g, '').includes(name)",
            arg=path.name,
            timeout=180_000,
        )
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "upload-failed.png"), full_page=True)
        html = page.locator("#upload").first.evaluate("e => e.outerHTML")
        (ARTIFACTS / "upload-failed.html").write_text(html, encoding="utf-8")
        raise
    page.locator("#index-button").click()
    # this upload's status names its file: an earlier upload's status can't satisfy the wait
    page.wait_for_function(
        "name => document.querySelector('#index-status').innerText.includes(name)",
        arg=path.name,
        timeout=120_000,
    )
    return str(page.locator("#index-status").inner_text())


def test_ask_shows_the_answer_with_a_cited_highlighted_source(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed?")
    chat = page.locator("#chat").inner_text()
    assert "14,000" in chat
    assert "Answered by the rules reader" in chat  # which reader answered, under the answer
    link = page.locator("#chat a[href='#source-1-1']").first
    assert link.inner_text() == "[1]"
    mark = page.locator("#source-1-1 mark")
    assert "14,000 troops" in mark.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-answer.png"), full_page=True)


def test_each_answer_keeps_its_own_sources(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed?")
    ask(page, "How many sappers will be sent?", follow_up=True)
    page.locator("#source-2-1").wait_for(timeout=60_000)
    first, second = page.locator("#source-1-1 mark"), page.locator("#source-2-1 mark")
    assert "14,000 troops" in (first.text_content() or "")
    assert "1,000 sappers" in (second.text_content() or "")
    assert not first.is_visible()  # the earlier answer's sources are folded away
    page.locator("#chat a[href='#source-1-1']").first.click()  # [1] of the earlier answer
    assert page.evaluate("location.hash") == "#source-1-1"
    outline = page.locator("#source-1-1").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"  # the clicked source is outlined, the other is not
    assert page.locator("#source-2-1").evaluate("e => getComputedStyle(e).outlineStyle") == "none"
    assert page.locator("#source-1-1").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-per-answer-sources.png"), full_page=True)


def test_answer_says_how_time_words_were_read(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed this week?")
    page.get_by_text("Time words").wait_for(timeout=60_000)
    chat = page.locator("#chat").inner_text()
    assert "14,000" in chat  # today is 2025-06-20 in this app: the article is from this week
    assert "“this week”: favouring articles from 2025-06-14 to 2025-06-21" in chat
    page.screenshot(path=str(ARTIFACTS / "chat-time-words.png"), full_page=True)


def test_example_after_an_answer_stands_alone_and_and_follows_up(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed?")
    ask(page, "and how many sappers?", follow_up=True)
    assert "1,000 sappers" in page.locator("#chat").inner_text()
    ask(page, "When was the treaty signed?", follow_up=True)  # the app's own example
    answers = page.locator("#chat").inner_text()
    assert "June 19, 2024" in answers and "October 2024" not in answers


def test_abstention_shows_related_passages(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How old is Kim Jong-un?")
    assert "don't answer" in page.locator("#chat").inner_text()
    assert "Related passages" in page.locator("#sources").inner_text()
    # an abstention has no citations to copy
    assert page.locator("#sources .dl-copy").count() == 0


def test_an_upload_whose_every_line_is_bad_says_nothing_was_added(
    fresh_page: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "allbad.jsonl"
    bad.write_text('not json\n{"title": "no text here"}\n', encoding="utf-8")
    before = articles_indexed(fresh_page)
    status = upload(fresh_page, bad)
    assert "Indexed" not in status
    assert "Nothing was added from allbad.jsonl" in status
    assert "allbad.jsonl:1: broken JSON" in status and "allbad.jsonl:2: no 'text' field" in status
    assert articles_indexed(fresh_page) == before


def test_the_chat_label_does_not_cover_the_conversation(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed?")
    ask(page, "How many sappers will be sent?", follow_up=True)
    ask(page, "When was the treaty signed?", follow_up=True)
    # the chat scrolled to its last answer: its first visible line is not under a label
    page.wait_for_function(
        "() => { const s = [...document.querySelectorAll('#chat *')]"
        ".find(e => e.scrollHeight > e.clientHeight + 20"
        " && getComputedStyle(e).overflowY !== 'visible'); return s && s.scrollTop > 0; }",
        timeout=30_000,
    )
    assert not page.locator("#chat").get_by_text("Conversation", exact=True).is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#chat").screenshot(path=str(ARTIFACTS / "chat-scrolled.png"))


def test_upload_then_ask_about_it(fresh_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "volcano.txt"
    article.write_text(
        "date 2025-06-18\ntitle: Volcanoes erupt in Iceland\n\nThree volcanoes "
        "erupted in southern Iceland on Monday, forcing 4,000 residents to leave "
        "their homes. (Example Wire)"
    )
    before = articles_indexed(fresh_page)
    assert "1 added" in upload(fresh_page, article)
    assert articles_indexed(fresh_page) == before + 1
    ask(fresh_page, "How many residents had to leave their homes?")
    assert "4,000 residents" in fresh_page.locator("#chat").inner_text()
    assert "Volcanoes erupt in Iceland" in fresh_page.locator("#sources").inner_text()


def test_script_laden_article_renders_as_text(fresh_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "evil.txt"
    article.write_text(
        "date 2025-06-15\n"
        "title: <script>alert(1)</script> Parade <img src=x onerror=alert(1)>\n\n"
        "The parade drew 25,000 spectators <img src=x onerror=alert(1)> to the "
        "harbour <script>alert(1)</script> on Sunday."
    )
    assert "1 added" in upload(fresh_page, article)
    ask(fresh_page, "How many spectators did the parade draw?")
    sources = fresh_page.locator("#sources").inner_text()
    assert "<script>alert(1)</script>" in sources
    assert "<img src=x onerror=alert(1)>" in sources
    assert fresh_page.locator("#sources script, #sources img, #chat img[src=x]").count() == 0
    # two painted frames after the answer: a handler in inserted markup would have run by now
    fresh_page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    assert fresh_page.dialogs == []
    fresh_page.screenshot(path=str(ARTIFACTS / "chat-escaped.png"), full_page=True)


def test_api_endpoints_with_gradio_client(server: str, app_service: ChatService) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    answer = json.loads(client.predict("How many troops were deployed?", api_name="/ask"))
    assert "14,000" in answer["answer"] and not answer["abstained"]
    early = json.loads(
        client.predict("How many troops were deployed?", "2025-01-01", api_name="/ask")
    )
    assert early["abstained"] and early["citations"] == []
    hits = json.loads(client.predict("sappers", 2, api_name="/search"))
    assert len(hits) == 2 and set(hits[0]) >= {"chunk_id", "article_id", "start", "end", "text"}
    early_hits = json.loads(client.predict("sappers", 5, "2025-01-01", api_name="/search"))
    # the seed (2025-06-19) is not yet published; undated uploads can't be ruled out
    assert all(h["published"] is None for h in early_hits)
    assert answer["citations"]
    for citation in answer["citations"]:  # what the API returns slices back to the article
        article = app_service.article(citation["article_id"])
        assert article.text[citation["start"] : citation["end"]] == citation["quote"]
    for hit in hits:
        article = app_service.article(hit["article_id"])
        assert article.text[hit["start"] : hit["end"]] == hit["text"]


def test_articles_table_lists_filters_and_removes(fresh_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "harbour.txt"
    article.write_text(
        "date 2025-06-17\ntitle: Harbour ferry strike ends\n\nFerry crews in Busan ended a "
        "three-day strike on Tuesday after a 4% pay rise. (Example Wire)"
    )
    status = upload(fresh_page, article)
    assert "0 added" not in status and "0 skipped" in status
    before = articles_indexed(fresh_page)
    table = fresh_page.locator("#articles")
    table.get_by_text("Harbour ferry strike ends").first.wait_for(timeout=30_000)
    assert "North Korea" in table.inner_text()  # the seed article is listed too
    fresh_page.screenshot(path=str(ARTIFACTS / "articles-tab.png"), full_page=True)
    fresh_page.locator("#article-filter textarea, #article-filter input").first.fill("ferry")
    fresh_page.wait_for_function(
        "() => !document.querySelector('#articles').innerText.includes('North Korea')",
        timeout=30_000,
    )
    assert "Harbour ferry strike ends" in table.inner_text()
    table.get_by_test_id("cell-0-0").click()  # the first row: picks its id
    picked = fresh_page.locator("#remove-id textarea, #remove-id input").first
    fresh_page.wait_for_function(
        "e => e.value.length > 0", arg=picked.element_handle(), timeout=30_000
    )
    fresh_page.locator("#remove-button").click()
    fresh_page.locator("#index-status").get_by_text("Removed").wait_for(timeout=60_000)
    fresh_page.wait_for_function(
        "() => !document.querySelector('#articles').innerText.includes('Harbour ferry')",
        timeout=30_000,
    )
    after = articles_indexed(fresh_page)
    if after != before - 1:
        fresh_page.screenshot(path=str(ARTIFACTS / "articles-failed.png"), full_page=True)
    assert after == before - 1


def test_pdf_upload_answers_with_a_page_aware_citation(fresh_page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.documents import make_pdf

    pdf = tmp_path / "typhoon.pdf"
    pages = [
        ["Typhoon report.", "Winds reached 140 km/h on Monday in the south."],
        ["The typhoon cut power to 12,000 homes in Busan on Monday night."],
    ]
    pdf.write_bytes(make_pdf(pages, title="Typhoon hits Busan"))
    status = upload(fresh_page, pdf)
    assert "0 added" not in status and "0 skipped" in status
    ask(fresh_page, "How many homes did the typhoon cut power to?")
    assert "12,000" in fresh_page.locator("#chat").inner_text()
    card = fresh_page.locator("#source-1-1")
    assert "Typhoon hits Busan" in card.inner_text() and "page 2 · characters" in card.inner_text()
    fresh_page.screenshot(path=str(ARTIFACTS / "chat-pdf-page.png"), full_page=True)


def test_reload_keeps_the_conversation_and_exports_match_the_articles(  # type: ignore[no-untyped-def]
    page, app_service: ChatService
) -> None:
    import json

    ask(page, "How many troops were deployed?")
    ask(page, "How many sappers will be sent?", follow_up=True)
    page.reload()
    try:
        page.wait_for_function(
            "() => (document.querySelector('#chat')?.innerText || '').includes('1,000 sappers')",
            timeout=60_000,
        )
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "reload-failed.png"), full_page=True)
        raise
    assert "14,000" in page.locator("#chat").inner_text()
    assert "1,000 sappers" in (page.locator("#source-2-1 mark").text_content() or "")
    files = {}
    for button in ("#export-json", "#export-md"):
        with page.expect_download(timeout=60_000) as download:
            page.locator(button).click()
        files[button] = Path(download.value.path()).read_text(encoding="utf-8")
    turns = json.loads(files["#export-json"])["turns"]
    assert [t["question"] for t in turns] == [
        "How many troops were deployed?",
        "How many sappers will be sent?",
    ]
    for turn in turns:
        for c in turn["citations"]:
            article = app_service.article(c["article_id"])
            assert article.text[c["start"] : c["end"]] == c["quote"]
            assert f"characters {c['start']}–{c['end']}" in files["#export-md"]
            assert f"> {c['quote']}" in files["#export-md"]
    assert "## 2. How many sappers will be sent?" in files["#export-md"]


def test_a_try_example_is_asked_when_clicked(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Chat").click()
    page.get_by_role("button", name="New conversation").click()
    page.get_by_role("button", name="How many sappers will be sent?").click()
    page.wait_for_function(
        "() => (document.querySelector('#chat')?.innerText || '').includes('1,000 sappers')",
        timeout=60_000,
    )
    assert page.locator("#stop").is_visible()


def test_user_mistakes_are_messages_not_tracebacks(
    server: str, capfd: pytest.CaptureFixture[str]
) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    client = Client(server, verbose=False)
    capfd.readouterr()
    for args, api, said in (
        (("",), "/ask", "question is empty"),
        (("troops", "tomorrow-ish"), "/ask", "is not a date"),
        (("", 5, ""), "/search", "query is empty"),
    ):
        with pytest.raises(AppError, match=said):
            client.predict(*args, api_name=api)
    assert "Traceback" not in capfd.readouterr().err


def test_past_conversations_are_filed_and_come_back(page) -> None:  # type: ignore[no-untyped-def]
    ask(page, "How many troops were deployed?")
    ask(page, "Which newspaper praised the alliance?")  # files the troops conversation away
    chat = page.locator("#chat")
    assert "troops were deployed" not in chat.inner_text()

    def pick(title: str) -> None:
        page.locator("#past input").click()
        page.get_by_role("option", name=re.compile(re.escape(title))).first.click()
        page.wait_for_function(
            "t => (document.querySelector('#chat')?.innerText || '').includes(t)", arg=title
        )

    pick("How many troops were deployed?")
    assert "Which newspaper" not in chat.inner_text()
    # its own sources came back with it: [1] opens this answer's source
    assert page.locator("#sources details.dl-answer").count() == 1
    assert "troops" in page.locator("#sources").inner_text()
    # the conversation it replaced is filed in its place, and both survive a reload
    page.reload()
    page.wait_for_function(
        "() => (document.querySelector('#chat')?.innerText || '').includes('How many troops')",
        timeout=30_000,
    )
    pick("Which newspaper praised the alliance?")
    assert "How many troops" not in chat.inner_text()


def test_copy_gives_clean_text_with_the_citations_written_out(  # type: ignore[no-untyped-def]
    page, app_service: ChatService
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ask(page, "How many troops were deployed?")
    button = page.locator("#sources details.dl-answer[open] .dl-copy")
    button.click()
    page.wait_for_function("() => document.querySelector('.dl-copy').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    first, answer = copied.splitlines()[:2]
    assert first == "Q: How many troops were deployed?"
    assert answer.startswith("A: ") and "[1]" in answer
    assert "\\" not in copied and "](#" not in copied  # no markdown escapes, no link syntax
    found = re.search(r"article (\S+), characters (\d+)–(\d+):\n“(.+)”", copied)
    assert found is not None, copied
    text = app_service.article(found[1]).text  # the quote is the article's text there
    assert text[int(found[2]) : int(found[3])] == found[4]
