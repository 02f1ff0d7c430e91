"""`dateline chat --mcp`: Gradio's MCP server lists the tools ask_news and search_news, and a
real MCP client calling them gets JSON back."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from dateline.qa import Answerer
from dateline.ui.app import build_app
from dateline.ui.service import ChatService
from tests.conftest import free_port

pytest.importorskip("mcp", reason="needs the MCP extra: pip install 'dateline[mcp]'")


@pytest.fixture(scope="module")
def server(seed_index, seed_answerer: Answerer) -> Iterator[str]:  # type: ignore[no-untyped-def]
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
    yield f"http://127.0.0.1:{port}"
    app.close()


def test_mcp_tools_are_listed(server: str) -> None:
    with urllib.request.urlopen(f"{server}/gradio_api/mcp/schema", timeout=30) as response:
        schema = json.load(response)
    tools = schema if isinstance(schema, list) else schema.get("tools", [])
    assert sorted(t["name"] for t in tools) == ["ask_news", "search_news"]


def _call(server: str, tool: str, arguments: dict[str, Any]) -> str:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def call() -> str:
        async with (
            streamablehttp_client(f"{server}/gradio_api/mcp/") as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            result = await session.call_tool(tool, arguments)
            assert not result.isError, result.content
            return str(result.content[0].text)  # type: ignore[union-attr]

    return asyncio.run(call())


def test_mcp_tools_return_json(server: str, seed_answerer: Answerer) -> None:
    text = _call(server, "ask_news", {"question": "How many troops were deployed?"})
    answer = json.loads(text)  # JSON, not a Python repr
    assert "14,000" in answer["answer"] and not answer["abstained"]
    store = seed_answerer.searcher.store
    for c in answer["citations"]:
        assert store.article(c["article_id"]).text[c["start"] : c["end"]] == c["quote"]
    hits = json.loads(_call(server, "search_news", {"query": "sappers", "k": 2}))
    assert len(hits) == 2 and {"article_id", "start", "end", "text"} <= set(hits[0])
