"""Past conversations: kept in the browser beside the current one, picked from a menu.

"New conversation" files the current conversation under its first question; picking a past
one swaps it with the current one (which is filed in its place), sources and exports
included. Both live in the browser's storage (Gradio's ``BrowserState``), so they survive a
reload and stay with that browser.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .render import sources_html, sources_panel

__all__ = ["EMPTY", "MAX_PAST", "file_away", "menu", "wire"]

EMPTY: dict[str, list[Any]] = {"history": [], "groups": []}
MAX_PAST = 20  # conversations kept per browser, newest first (browser storage is small)


def _title(conversation: dict[str, Any]) -> str:
    first: Any = next(
        (m["content"] for m in conversation["history"] if m.get("role") == "user"), "(untitled)"
    )
    if isinstance(first, list):  # Gradio 6 sends a message as content parts
        first = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in first)
    first = " ".join(str(first).split())
    return first if len(first) <= 60 else first[:59] + "…"


def file_away(
    past: list[dict[str, Any]], current: dict[str, Any] | None, now: datetime
) -> list[dict[str, Any]]:
    """``past`` with ``current`` filed first (when it has any question), at most MAX_PAST."""
    if not current or not current.get("history"):
        return list(past or [])
    entry = {
        "title": _title(current),
        "when": now.strftime("%Y-%m-%d %H:%M"),
        "history": current["history"],
        "groups": current.get("groups") or [],
    }
    return [entry, *(past or [])][:MAX_PAST]


def menu(gr: Any, past: list[dict[str, Any]]) -> Any:
    """The "Past conversations" menu for ``past``: newest first, nothing picked."""
    choices = [(f"{c['title']} · {c['when']}", str(i)) for i, c in enumerate(past or [])]
    return gr.Dropdown(choices=choices, value=None, interactive=bool(choices))


def wire(
    gr: Any,
    app: Any,
    *,
    menu_box: Any,
    new_button: Any,
    saved: Any,
    shown: list[Any],
    downloads: Callable[[Any, list[dict[str, Any]]], tuple[Any, ...]],
    now: Callable[[], datetime] = datetime.now,
) -> None:
    """Attach the archive to the chat. ``shown`` is the chat's [chatbot, sources panel,
    answer groups, *export buttons], ``saved`` its BrowserState of the current conversation."""
    past = gr.BrowserState([], storage_key="dateline-past")
    outputs = [*shown[:3], saved, past, menu_box, *shown[3:]]

    def start_new(archive: list[dict[str, Any]], current: dict[str, Any]) -> tuple[Any, ...]:
        archive = file_away(archive, current, now())
        return [], sources_html(None), [], EMPTY, archive, menu(gr, archive), *downloads(gr, [])

    def pick(choice: str | None, archive: list[dict[str, Any]], current: dict[str, Any]) -> Any:
        if choice is None or not choice.isdigit() or int(choice) >= len(archive or []):
            return tuple(gr.skip() for _ in outputs)
        chosen = archive[int(choice)]
        rest = file_away(archive[: int(choice)] + archive[int(choice) + 1 :], current, now())
        groups = chosen["groups"]
        restored = {"history": chosen["history"], "groups": groups}
        return (
            chosen["history"], sources_panel(groups), groups, restored, rest, menu(gr, rest),
            *downloads(gr, groups),
        )  # fmt: skip

    private = {"api_visibility": "private"}
    new_button.click(start_new, [past, saved], outputs, **private)
    menu_box.input(pick, [menu_box, past, saved], outputs, **private)
    app.load(lambda archive: menu(gr, archive), [past], [menu_box], **private)
