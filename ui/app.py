"""The browser chat: ``build_app(service, ...) -> gr.Blocks``. Thin over the
:class:`~dateline.ui.service.ChatService`; nothing is loaded at import time.

The page is laid out in ``layout``; its handlers live beside what they serve: ``chat``
(questions and answers), ``uploads`` (the Your articles tab), ``conversations`` (past
conversations) and ``api`` (the endpoints for programs)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from . import api, chat, conversations, uploads
from .chat import normalise_history
from .layout import build_layout, sample_note
from .parts import downloads
from .render import CSS
from .service import ChatService

__all__ = ["CSS", "SEED_EXAMPLES", "build_app", "normalise_history", "sample_note"]

SEED_EXAMPLES = (
    "How many troops were deployed?",
    "When was the treaty signed?",
    "How many sappers will be sent?",
    "When did Kim meet Shoigu?",
)


def build_app(
    service: ChatService,
    *,
    examples: Sequence[str] = (),
    title: str = "Dateline",
    today: date | None = None,
    sample: bool = False,
) -> Any:
    """The Gradio Blocks app over ``service``; ``today`` is the default as-of date shown in
    the settings (the CLI passes the real date; tests pass a fixed one). ``sample``: the index
    was just made from the bundled sample article, which the chat says."""
    import gradio as gr

    mistake = functools.partial(gr.Error, print_exception=False)  # a user's slip: no traceback
    with gr.Blocks(title=title) as app:
        layout = build_layout(
            gr, service, examples=examples, title=title, today=today, sample=sample
        )
        groups = gr.State([])  # each answer: turn, question, sources html, Answer.to_dict()
        # the conversation survives a reload: kept in this browser's storage (encrypted)
        saved = gr.BrowserState(conversations.EMPTY, storage_key="dateline-chat")
        chat.wire(gr, app, service, layout, groups=groups, saved=saved, mistake=mistake)
        conversations.wire(
            gr,
            app,
            menu_box=layout.past,
            new_button=layout.clear,
            saved=saved,
            shown=[layout.chatbot, layout.sources, groups, *layout.exports],
            downloads=downloads,
        )
        uploads.wire(gr, app, service, layout, mistake=mistake)
        api.register(gr, service, today=today, mistake=mistake, day=chat.day)
    return app
