"""The Chat tab's handlers: a question is answered (streamed, then cited), a reload brings the
conversation back, Stop cancels an answer being written."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from ..index import DatelineError, parse_published
from ..qa import Turn
from .export import answer_text
from .layout import MODES, Layout
from .parts import downloads
from .render import (
    answer_markdown,
    copy_button,
    pending_markdown,
    sources_html,
    sources_panel,
    writing_markdown,
)
from .service import ChatService

__all__ = ["day", "normalise_history", "wire"]


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


def day(value: str | None, label: str) -> date | None:
    """A date typed in a settings box (``label`` names it in the error), or None if empty."""
    if value is None or not value.strip():
        return None
    parsed = parse_published(value)
    if parsed is None:
        raise DatelineError(f"{label} {value!r} is not a date; write it like 2025-06-19")
    return date.fromisoformat(parsed)


def wire(
    gr: Any,
    app: Any,
    service: ChatService,
    layout: Layout,
    *,
    groups: Any,
    saved: Any,
    mistake: Callable[[str], Exception],
) -> None:
    """Attach the chat's handlers. ``groups`` is the State of each answer's sources group,
    ``saved`` the BrowserState of the current conversation."""

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
                since=day(since, "From"),
                until=day(until, "Until"),
                as_of=day(as_of, "As of"),
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

    def restore(state: dict[str, Any] | None) -> tuple[Any, ...]:
        history = (state or {}).get("history") or []
        kept = (state or {}).get("groups") or []
        return history, sources_panel(kept), kept, *downloads(gr, kept)

    ui = layout
    inputs = [ui.question, ui.chatbot, groups, ui.k, ui.since, ui.until, ui.as_of, ui.mode]
    outputs = [ui.chatbot, ui.sources, ui.question, groups, saved, *ui.exports]
    private = {"api_visibility": "private"}
    asked: list[Any] = [ui.question.submit(respond, inputs, outputs, **private)]
    if ui.tried is not None:  # a "Try" example is asked at once, not just typed in
        asked.append(ui.tried.load_input_event.then(respond, inputs, outputs, **private))
    ui.stop.click(None, None, None, cancels=asked, **private)
    app.load(restore, [saved], [ui.chatbot, ui.sources, groups, *ui.exports], **private)
