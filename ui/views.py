"""Shapes shared by the CLI and the app: search hits as JSON, index stats as markdown."""

from __future__ import annotations

from typing import Any

from index import Hit

__all__ = ["hit_to_dict", "stats_markdown"]


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    """The JSON shape of a search result (``dateline search --json``, the ``search`` API)."""
    return {"chunk_id": hit.chunk.id, "article_id": hit.article.id, "title": hit.article.title,
            "published": hit.article.published, "source": hit.article.source,
            "url": hit.article.url, "start": hit.chunk.start, "end": hit.chunk.end,
            "text": hit.chunk.text, "score": round(hit.score, 6)}


def stats_markdown(stats: dict[str, Any]) -> str:
    dates = stats["dates"]
    return (f"**{stats['counts']['articles']} articles**, {stats['counts']['chunks']} chunks · "
            f"dates {dates['first'] or '–'} to {dates['last'] or '–'} · model "
            f"`{stats['model'].split('/')[-1]}` ({stats['backend']})")
