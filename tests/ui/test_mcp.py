"""`dateline chat --mcp`: Gradio's MCP server lists the tools ask_news and search_news."""

from __future__ import annotations

import json
import urllib.request
from datetime import date

import pytest

from dateline.qa import Answerer
from dateline.ui.app import build_app
from dateline.ui.service import ChatService
from tests.ui.test_browser import free_port

pytest.importorskip("mcp", reason="needs the MCP extra: pip install 'dateline[mcp]'")


def test_mcp_tools(seed_index, seed_answerer: Answerer) -> None:  # type: ignore[no-untyped-def]
    service = ChatService(seed_answerer.searcher, nlp=seed_answerer.nlp)
    app = build_app(service, today=date(2025, 6, 20))
    port = free_port()
    app.launch(
        server_name="127.0.0.1",
        server_port=port,
        prevent_thread_lock=True,
        quiet=True,
        mcp_server=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/gradio_api/mcp/schema"
        with urllib.request.urlopen(url, timeout=30) as response:
            schema = json.load(response)
    finally:
        app.close()
    tools = schema if isinstance(schema, list) else schema.get("tools", [])
    assert sorted(t["name"] for t in tools) == ["ask_news", "search_news"]
