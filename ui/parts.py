"""Small pieces the chat app wires together: the Articles table's rows, the row a click
picked, and the export buttons' files."""

from __future__ import annotations

from typing import Any

from .export import export_files
from .service import ChatService

__all__ = ["MAX_LISTED", "downloads", "listing", "picked"]

MAX_LISTED = 500  # rows in the Articles table; the filter finds the rest


def listing(service: ChatService, query: str = "") -> list[list[Any]]:
    """The Articles table's rows (at most ``MAX_LISTED``; a filter narrows them)."""
    rows = service.articles(query or "")[:MAX_LISTED]
    for row in rows:  # a cut first sentence can stand in for a title: keep the table legible
        row[0] = row[0] if len(row[0]) <= 90 else row[0][:89].rstrip() + "…"
    return rows


def picked(event: Any) -> str:
    """The id of the table row the user clicked (the last column); ``event`` is Gradio's
    SelectData (the annotation is set where gradio is imported, in ``app.build_app``)."""
    row = event.row_value or []
    return str(row[-1]) if row else ""


def downloads(gr: Any, groups: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The two export buttons, holding fresh files of the conversation (off when empty)."""
    markdown, data = export_files(groups)
    return (
        gr.DownloadButton(value=markdown, interactive=markdown is not None),
        gr.DownloadButton(value=data, interactive=data is not None),
    )
