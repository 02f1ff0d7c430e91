"""Whether an article mentions what a question names: a sentence from an article that never
names "Luton Town" does not say whom Luton Town beat.

    Named.of(doc)           the names a parsed question gives, each a set of its words
    Named.missing(article)  the first of them the article does not mention (None: all are)
    Named.missing_in(articles)  the same for each distinct article, by id

Only names that a reporter would repeat are required: people, organisations, places,
buildings, events, works, products and laws. A nationality ("European", "Japanese") is not
required, as the article may name the country instead; nor is an acronym ("DOJ", "MLB"),
which an article may spell out. A country counts as mentioned by any name of its group in
``aliases.txt`` ("Britain" or "British" for the United Kingdom).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..index import Article
from .gazetteer import aliases, bare

__all__ = ["Named"]

REQUIRED = frozenset(
    ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW")
)


@dataclass(frozen=True, slots=True)
class Named:
    """The names a question gives (``names``: each name's text and the patterns of its
    words, any one of which counts as a mention: "Kim" for "Kim Jong-un")."""

    names: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = ()

    @classmethod
    def of(cls, doc: Any) -> Named:
        """The names in ``doc``, a question's spaCy parse (its entities)."""
        names = []
        for entity in doc.ents:
            if entity.label_ not in REQUIRED:
                continue
            words = [
                t.lower_
                for t in entity
                if t.is_alpha and not t.is_stop and len(t) > 2 and not t.is_upper
            ]
            if words:  # an acronym alone stays unrequired: "US" gains no aliases
                alias = aliases().get(bare(entity.text), ())
                names.append((entity.text, (*map(_pattern, words), *alias)))
        return cls(tuple(names))

    def missing(self, article: Article) -> str | None:
        """The first name none of whose words the article's title or text mentions."""
        if not self.names:
            return None
        text = f"{article.title}\n{article.text}".lower()
        for name, patterns in self.names:
            if not any(p.search(text) for p in patterns):
                return name
        return None

    def missing_in(self, articles: Iterable[Article]) -> dict[str, str | None]:
        """:meth:`missing` for each distinct article of ``articles``, by id (sentences of one
        article share it: its text is searched once)."""
        return {a.id: self.missing(a) for a in {a.id: a for a in articles}.values()}


def _pattern(word: str) -> re.Pattern[str]:
    """A word's stem at a word's start: "Deutschland" is found in "Deutschlands", "Russia"
    in "Russian" (the last two letters may differ, down to four)."""
    return re.compile(r"\b" + re.escape(word[: max(4, len(word) - 2)]))
