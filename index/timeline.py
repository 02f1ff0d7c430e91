"""When each article was published, for date windows and the as-of cut."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["published_between"]


def published_between(
    published: Mapping[str, str | None],
    since: str | None = None,
    until: str | None = None,
    *,
    keep_undated: bool = False,
) -> set[str] | None:
    """Ids of the articles of ``published`` (id -> ISO date or None) published in
    ``[since, until]`` (ISO dates), or None for all.

    Articles without a date are left out once a bound is set, unless ``keep_undated``.
    """
    if since is None and until is None:
        return None
    return {
        a
        for a, d in published.items()
        if (d is None and keep_undated)
        or (d is not None and (since is None or d >= since) and (until is None or d <= until))
    }
