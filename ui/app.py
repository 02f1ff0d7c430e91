"""The browser chat: ``build_app(service, ...) -> gr.Blocks``. Thin over the
:class:`~dateline.ui.service.ChatService`; nothing is loaded at import time."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..index import DatelineError, parse_published
from ..index.web import is_url
from ..qa import Turn
from . import api, conversations
from .export import answer_text
from .parts import downloads, listing, picked
from .render import (
    CSS,
    answer_markdown,
    copy_button,
    pending_markdown,
    sources_html,
    sources_panel,
    writing_markdown,
)
from .service import MAX_UPLOAD_MB, ChatService
from .views import upload_status

__all__ = ["CSS", "SEED_EXAMPLES", "build_app", "normalise_history", "sample_note"]

LOCAL = "Local model (span-checked)"
MODES = {"Extractive (no LLM)": "extractive", LOCAL: "local", "LLM": "llm"}
SEED_EXAMPLES = (
    "How many troops were deployed?",
    "When was the treaty signed?",
    "How many sappers will be sent?",
    "When did Kim meet Shoigu?",
)

UPLOAD_TYPES = [
    ".txt",
    ".md",
    ".jsonl",
    ".ndjson",
    ".json",
    ".html",
    ".htm",
    ".xml",
    ".rss",
    ".atom",
    ".pdf",
    ".docx",
]


def normalise_history(history: Sequence[Any] | None) -> list[Turn]:
    """Earlier turns from Gradio's history (openai-style dicts, or old [user, bot] pairs)."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
            if isinstance(content, list):  # Gradio 6 may send content parts
                content = " ".join(
                    str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content
                )
            if role == "user" and isinstance(content, str) and content.strip():
                turns.append(Turn(content))
        elif isinstance(item, list | tuple) and item and isinstance(item[0], str):
            turns.append(Turn(item[0]))
    return turns


class _GradioBar:
    """ingest's progress bar protocol on top of gr.Progress."""

    def __init__(self, progress: Any, total: int) -> None:
        self.progress, self.total, self.done = progress, max(total, 1), 0
        progress(0, desc=f"Embedding {total} chunks")

    def update(self, n: int = 1) -> None:
        self.done += n
        self.progress(self.done / self.total, desc=f"Embedding {self.done}/{self.total} chunks")

    def close(self) -> None:
        return None


def _date(value: str | None, label: str) -> date | None:
    if value is None or not value.strip():
        return None
    parsed = parse_published(value)
    if parsed is None:
        raise DatelineError(f"{label} {value!r} is not a date; write it like 2025-06-19")
    return date.fromisoformat(parsed)


def sample_note(index_dir: Path) -> str:
    """What the chat says when it started on the bundled sample article alone."""
    return (
        f"**Only the bundled sample article is indexed** (in `{index_dir}`, which was empty). "
        "Add your own in the **Your articles** tab, or run "
        f"`dateline index PATH --index {index_dir}` on a folder of articles."
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

    def respond(
        message: str,
        history: list[dict[str, Any]],
        groups: list[dict[str, Any]],
        k: int,
        since: str,
        until: str,
        as_of: str,
        mode: str,
    ) -> Iterator[tuple[Any, ...]]:
        if not message or not message.strip():
            raise mistake("Type a question first, e.g. “How many troops were deployed?”")
        turns = normalise_history(history)
        reading_mode = MODES.get(mode, "extractive")
        turn = 1 + sum(
            1 for m in history or [] if isinstance(m, dict) and m.get("role") == "assistant"
        )
        groups = [g for g in groups or [] if g["turn"] < turn]  # none from a cleared one
        shown = [
            *history,
            {"role": "user", "content": message},
            {
                "role": "assistant",
                "content": pending_markdown(service.waits_for_model(reading_mode)),
            },
        ]
        later = (gr.skip(), gr.skip(), gr.skip())  # saved state and exports: with the answer
        yield shown, sources_panel(groups), "", groups, *later
        answer = None
        try:
            for item in service.ask_streaming(
                message,
                turns,
                k=int(k),
                since=_date(since, "From"),
                until=_date(until, "Until"),
                as_of=_date(as_of, "As of"),
                mode=reading_mode,
            ):
                if isinstance(item, str):  # a model's words as it writes them, not yet checked
                    shown[-1] = {"role": "assistant", "content": writing_markdown(item)}
                    yield shown, sources_panel(groups), "", groups, *later
                else:
                    answer = item
        except (DatelineError, ValueError) as exc:
            raise mistake(str(exc)) from exc
        except Exception as exc:  # the UI shows a message, never a traceback
            raise gr.Error(
                f"Something went wrong while answering ({type(exc).__name__}). "
                "Try again, or rephrase the question."
            ) from exc
        assert answer is not None
        streamed = ""
        for line in answer_markdown(answer, turn).split("\n\n"):
            streamed = f"{streamed}\n\n{line}" if streamed else line
            shown[-1] = {"role": "assistant", "content": streamed}
            yield shown, sources_panel(groups), "", groups, *later
        data = answer.to_dict()
        panel = sources_html(answer, service.article, turn)
        if not answer.abstained:  # an abstention cites nothing: nothing worth copying
            panel += copy_button(answer_text(data))
        group = {"turn": turn, "question": message, "html": panel, "answer": data}
        groups = [*groups, group]
        # saved in the same update as the answer: a reload right after it keeps it
        saved = {"history": shown, "groups": groups}
        yield shown, sources_panel(groups), "", groups, saved, *downloads(gr, groups)

    def index(sources: list[str], progress: Any) -> tuple[str, str, list[list[Any]]]:
        try:
            report = service.index_files(sources, progress=lambda n: _GradioBar(progress, n))
        except DatelineError as exc:
            raise mistake(str(exc)) from exc
        names = [s if is_url(s) else Path(s).name for s in sources]
        return upload_status(names, report), service.stats(), listing(service, "")

    def upload(
        files: list[Any] | None,
        progress: Any = gr.Progress(),  # noqa: B008 - Gradio's idiom
    ) -> tuple[str, str, list[list[Any]]]:
        if not files:
            raise mistake("Choose one or more files to index first.")
        return index([str(getattr(f, "name", f)) for f in files], progress)

    def add_url(
        url: str,
        progress: Any = gr.Progress(),  # noqa: B008 - Gradio's idiom
    ) -> tuple[str, str, list[list[Any]]]:
        if not is_url((url or "").strip()):
            raise mistake("Give the page's full address, starting with http:// or https://")
        return index([url.strip()], progress)

    def remove(article_id: str, query: str) -> tuple[str, str, list[list[Any]], str]:
        if not article_id or not article_id.strip():
            raise mistake("Click an article's row, or paste its id, to remove it.")
        try:
            service.remove(article_id.strip())
        except DatelineError as exc:
            raise mistake(str(exc)) from exc
        done = f"Removed `{article_id.strip()}`."
        return done, service.stats(), listing(service, query), ""

    with gr.Blocks(title=title) as app:
        as_of_note = f" Answers are as of **{today}** (change it in Settings)." if today else ""
        gr.Markdown(
            f"# {title}\nAnswers from your news articles. Every claim cites the exact "
            "sentence it comes from; when the articles don't say, Dateline says so." + as_of_note
        )
        if sample:
            gr.Markdown(sample_note(service.index_dir), elem_id="sample-note")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        show_label=False,  # Gradio floats it over the chat's first line
                        height=460,
                        elem_id="chat",
                        buttons=["copy"],
                        sanitize_html=True,
                    )
                    question = gr.Textbox(
                        label="Your question",
                        elem_id="question",
                        placeholder="How many troops were deployed?",
                        submit_btn="Ask",
                        lines=1,
                    )
                    tried = None
                    if examples:
                        tried = gr.Examples(
                            examples=[[e] for e in examples], inputs=[question], label="Try"
                        )
                    past = gr.Dropdown(
                        label="Past conversations", choices=[], elem_id="past", interactive=False
                    )
                    with gr.Row():
                        clear = gr.Button("New conversation", size="sm")
                        stop = gr.Button("Stop", size="sm", elem_id="stop")
                        export_md = gr.DownloadButton(
                            "Export Markdown", size="sm", elem_id="export-md", interactive=False
                        )
                        export_json = gr.DownloadButton(
                            "Export JSON", size="sm", elem_id="export-json", interactive=False
                        )
                with gr.Column(scale=2):
                    sources = gr.HTML(sources_html(None), elem_id="sources", label="Sources")
            with gr.Accordion("Settings", open=False), gr.Row():
                k = gr.Slider(1, 20, value=service.answerer.k, step=1, label="Passages to read")
                since = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="any date")
                until = gr.Textbox(label="Until (YYYY-MM-DD)", placeholder="any date")
                as_of = gr.Textbox(
                    label="As of (YYYY-MM-DD)",
                    value=today.isoformat() if today else "",
                    placeholder="no as-of date",
                    elem_id="as-of",
                    info="Later articles are left out; recent ones count more",
                )
                modes = ["Extractive (no LLM)"]
                modes += [LOCAL] if service.reader else []
                modes += ["LLM"] if service.llm else []
                mode = gr.Radio(modes, value=modes[1 if service.reader else 0], label="Answer mode")
        with gr.Tab("Your articles"):
            gr.Markdown(
                "Upload text, JSONL, HTML, RSS/Atom, PDF or Word (DOCX) files (up to "
                f"{MAX_UPLOAD_MB} MB each). They are indexed in the background; the "
                "chat keeps working."
            )
            with gr.Row():
                url = gr.Textbox(
                    label="Or add a web page, feed or PDF by URL",
                    placeholder="https://…",
                    elem_id="add-url",
                    scale=3,
                )
                url_button = gr.Button("Add", scale=1, elem_id="add-url-button")
            files = gr.File(
                file_count="multiple", file_types=UPLOAD_TYPES, label="Articles", elem_id="upload"
            )
            index_button = gr.Button("Index these files", variant="primary", elem_id="index-button")
            status = gr.Markdown(elem_id="index-status")
            stats = gr.Markdown(service.stats(), elem_id="stats")
            article_filter = gr.Textbox(
                label="Indexed articles",
                placeholder="filter by title, source, date or id",
                elem_id="article-filter",
            )
            table = gr.Dataframe(
                listing(service),
                headers=["Title", "Date", "Source", "Chunks", "Id"],
                datatype=["str", "str", "str", "number", "str"],
                interactive=False,
                wrap=True,
                column_widths=["46%", "12%", "16%", "8%", "18%"],
                max_height=420,
                elem_id="articles",
            )
            with gr.Row():
                remove_id = gr.Textbox(
                    label="Remove an article (click its row, or paste its id)",
                    elem_id="remove-id",
                    scale=3,
                )
                remove_button = gr.Button("Remove", scale=1, elem_id="remove-button")
        groups = gr.State([])  # each answer: turn, question, sources html, Answer.to_dict()
        # the conversation survives a reload: kept in this browser's storage (encrypted)
        saved = gr.BrowserState(conversations.EMPTY, storage_key="dateline-chat")
        inputs = [question, chatbot, groups, k, since, until, as_of, mode]
        exports = [export_md, export_json]
        outputs = [chatbot, sources, question, groups, saved, *exports]

        def restore(state: dict[str, Any] | None) -> tuple[Any, ...]:
            history = (state or {}).get("history") or []
            kept = (state or {}).get("groups") or []
            return history, sources_panel(kept), kept, *downloads(gr, kept)

        asked: list[Any] = [question.submit(respond, inputs, outputs, api_visibility="private")]
        if tried is not None:  # a "Try" example is asked at once, not just typed in
            asked.append(
                tried.load_input_event.then(respond, inputs, outputs, api_visibility="private")
            )
        stop.click(None, None, None, cancels=asked, api_visibility="private")
        shown = [chatbot, sources, groups, *exports]
        conversations.wire(
            gr, app, menu_box=past, new_button=clear, saved=saved, shown=shown, downloads=downloads
        )
        app.load(restore, [saved], [chatbot, sources, groups, *exports], api_visibility="private")
        listed = [stats, table]
        index_button.click(
            upload, [files], [status, *listed], concurrency_limit=1, api_visibility="private"
        )
        url_button.click(
            add_url, [url], [status, *listed], concurrency_limit=1, api_visibility="private"
        )
        remove_button.click(
            remove,
            [remove_id, article_filter],
            [status, *listed, remove_id],
            api_visibility="private",
        )
        article_filter.change(
            lambda q: listing(service, q), [article_filter], [table], api_visibility="private"
        )
        picked.__annotations__["event"] = gr.SelectData  # how Gradio knows to pass the click
        table.select(picked, None, [remove_id], api_visibility="private")
        # a page opened after other writers changed the index shows today's figures
        app.load(
            lambda q: (service.stats(), listing(service, q)),
            [article_filter],
            listed,
            api_visibility="private",
        )
        api.register(gr, service, today=today, mistake=mistake, day=_date)
    return app
