"""The places the package knows by name: the countries (``countries.txt``) and the names
each goes by (``aliases.txt``: "Britain", "British" and "the UK" for the United Kingdom)."""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = ["aliases", "bare", "countries", "is_country"]


def bare(name: str) -> str:
    """``name`` lower-cased, without a leading "the" ("The Netherlands" → "netherlands")."""
    return re.sub(r"^the ", "", name.lower().strip())


@functools.cache
def countries() -> frozenset[str]:
    """Country names, lower case (``countries.txt``)."""
    text = resources.files(__package__).joinpath("countries.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def is_country(name: str) -> bool:
    return bare(name) in countries()


@functools.cache
def aliases() -> dict[str, tuple[re.Pattern[str], ...]]:
    """For each name of a group in ``aliases.txt`` (lower case), a pattern per name of the
    group, each matched as whole words in lower-cased text."""
    text = resources.files(__package__).joinpath("aliases.txt").read_text(encoding="utf-8")
    table: dict[str, tuple[re.Pattern[str], ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        group = [name.strip().lower() for name in line.split(",")]
        patterns = tuple(re.compile(rf"(?<!\w){re.escape(name)}(?!\w)") for name in group)
        table.update(dict.fromkeys(group, patterns))
    return table
