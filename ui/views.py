"""Shapes shared by the CLI and the app: index stats as markdown."""

from __future__ import annotations

from typing import Any

__all__ = ["stats_markdown"]


def stats_markdown(stats: dict[str, Any]) -> str:
    dates = stats["dates"]
    return (f"**{stats['counts']['articles']} articles**, {stats['counts']['chunks']} chunks · "
            f"dates {dates['first'] or '–'} to {dates['last'] or '–'} · model "
            f"`{stats['model'].split('/')[-1]}` ({stats['backend']})")
