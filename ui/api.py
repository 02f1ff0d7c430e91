"""The chat's endpoints for programs: ``/ask`` and ``/search`` over HTTP (gradio_client),
and with ``--mcp`` the same functions as the MCP tools ``ask_news`` and ``search_news``.

Both return JSON text (the shapes of ``dateline ask --json`` and ``dateline search --json``):
Gradio's MCP server sends a tool's result as ``str(result)``, which for a dict is a Python
repr, not JSON; one format for both keeps HTTP and MCP clients alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from ..index import DatelineError
from .service import ChatService

__all__ = ["register"]


def register(
    gr: Any,
    service: ChatService,
    *,
    today: date | None,
    mistake: Callable[[str], Exception],
    day: Callable[[str, str], date | None],
) -> None:
    """Add the endpoints to the Blocks being built (call inside ``with gr.Blocks()``)."""

    def ask_news(question: str, as_of: str = "") -> str:
        """Answer a question from the indexed news articles, with exact citations. Returns
        JSON: answer, short answer, citations (article_id, title, published, url, start,
        end, quote: the article's text at those offsets), abstained, related passages.

        Args:
            question: the question, e.g. "How many troops were deployed?"
            as_of: the reader's day as YYYY-MM-DD (empty: today)
        """
        try:
            answer = service.ask(question, as_of=day(as_of, "as_of") or today)
        except (DatelineError, ValueError) as exc:
            raise mistake(str(exc)) from exc
        return json.dumps(answer.to_dict(), ensure_ascii=False)

    def search_news(query: str, k: int = 5, as_of: str = "") -> str:
        """Search the indexed news articles. Returns a JSON list of passages: chunk_id,
        article_id, title, published, source, url, start, end, text, score.

        Args:
            query: what to look for
            k: how many passages to return
            as_of: the reader's day as YYYY-MM-DD (empty: today); later articles are left out
        """
        try:
            hits = service.search(query, int(k), as_of=day(as_of, "as_of") or today)
        except (DatelineError, ValueError) as exc:
            raise mistake(str(exc)) from exc
        return json.dumps(hits, ensure_ascii=False)

    # Gradio names the MCP tools after the functions
    gr.api(ask_news, api_name="ask")
    gr.api(search_news, api_name="search")
