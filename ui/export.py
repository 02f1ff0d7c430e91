"""A conversation written out for keeping: Markdown for people, JSON for programs. Every
citation carries its article id, title, date, URL, offsets (and page) and the exact quote."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["answer_text", "conversation_json", "conversation_markdown", "export_files"]


def _turns(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each answered turn's ``Answer.to_dict()``, oldest first."""
    return [g["answer"] for g in sorted(groups, key=lambda g: g["turn"])]


def conversation_json(groups: list[dict[str, Any]], *, now: datetime | None = None) -> str:
    """The conversation as JSON: ``{"exported", "turns": [Answer.to_dict(), ...]}``."""
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return json.dumps({"exported": stamp, "turns": _turns(groups)}, ensure_ascii=False, indent=2)


def conversation_markdown(groups: list[dict[str, Any]], *, now: datetime | None = None) -> str:
    """The conversation as Markdown: each question, its answer with ``[n]`` markers, then
    each citation written out (title, date, URL, article id, offsets, page, quote)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Dateline conversation (exported {stamp})"]
    for n, turn in enumerate(_turns(groups), 1):
        lines += ["", f"## {n}. {turn['question']}", "", turn["answer"], *_sources(turn, "`", "> ")]
    return "\n".join(lines) + "\n"


def answer_text(turn: dict[str, Any]) -> str:
    """One answer (an ``Answer.to_dict()``) as plain text for the clipboard: the question,
    the answer with its ``[n]`` markers, then each citation written out with its quote."""
    return "\n".join([f"Q: {turn['question']}", f"A: {turn['answer']}", *_sources(turn, "", "")])


def _sources(turn: dict[str, Any], code: str, quote: str) -> list[str]:
    """The citations written out (or, for an abstention, the related passages' titles)."""
    lines = []
    for c in turn["citations"]:
        where = ", ".join(x for x in (c["published"], c["url"]) if x) or "undated"
        page = f", page {c['page']}" if c.get("page") else ""
        lines += [
            "",
            f"[{c['n']}] {c['title']} ({where}); article {code}{c['article_id']}{code}{page}, "
            f"characters {c['start']}–{c['end']}:",
            f"{quote}{c['quote']}" if quote else f"“{c['quote']}”",
        ]
    if turn["abstained"] and turn["related"]:
        lines += ["", "Related passages (not citations):"]
        lines += [f"- {h['title']} ({h['published'] or 'undated'})" for h in turn["related"]]
    return lines


def export_files(groups: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """Paths of a fresh ``.md`` and ``.json`` of the conversation (None, None when empty)."""
    if not groups:
        return None, None
    folder = Path(tempfile.mkdtemp(prefix="dateline-export-"))
    markdown = folder / "dateline-conversation.md"
    markdown.write_text(conversation_markdown(groups), encoding="utf-8")
    data = folder / "dateline-conversation.json"
    data.write_text(conversation_json(groups), encoding="utf-8")
    return str(markdown), str(data)
