"""The chat page's layout: every component, where it sits, and its first value. No handler
is attached here (see ``chat``, ``uploads`` and ``conversations``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .parts import listing
from .render import sources_html
from .service import MAX_UPLOAD_MB, ChatService

__all__ = ["LOCAL", "MODES", "UPLOAD_TYPES", "Layout", "build_layout", "sample_note"]

LOCAL = "Local model (span-checked)"
MODES = {"Extractive (no LLM)": "extractive", LOCAL: "local", "LLM": "llm"}

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


@dataclass(frozen=True, slots=True)
class Layout:
    """The components the handlers read and write."""

    # Chat tab
    chatbot: Any
    question: Any
    tried: Any  # the "Try" examples, or None
    past: Any
    clear: Any
    stop: Any
    export_md: Any
    export_json: Any
    sources: Any
    # Settings
    k: Any
    since: Any
    until: Any
    as_of: Any
    mode: Any
    # Your articles tab
    url: Any
    url_button: Any
    files: Any
    index_button: Any
    status: Any
    stats: Any
    article_filter: Any
    table: Any
    remove_id: Any
    remove_button: Any

    @property
    def exports(self) -> list[Any]:
        return [self.export_md, self.export_json]


def sample_note(index_dir: Path) -> str:
    """What the chat says when it started on the bundled sample article alone."""
    return (
        f"**Only the bundled sample article is indexed** (in `{index_dir}`, which was empty). "
        "Add your own in the **Your articles** tab, or run "
        f"`dateline index PATH --index {index_dir}` on a folder of articles."
    )


def build_layout(
    gr: Any,
    service: ChatService,
    *,
    examples: Sequence[str],
    title: str,
    today: date | None,
    sample: bool,
) -> Layout:
    """Lay out the page (call inside ``with gr.Blocks()``)."""
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
    return Layout(
        chatbot, question, tried, past, clear, stop, export_md, export_json, sources,
        k, since, until, as_of, mode,
        url, url_button, files, index_button, status, stats, article_filter, table,
        remove_id, remove_button,
    )  # fmt: skip
