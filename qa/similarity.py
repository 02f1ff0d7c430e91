"""Which words count as the same: the embedder's cosine between single words (their vectors kept
for reuse), and the same lemma or stem.

The answerer compares the question's predicate and counted noun with the words of the
candidate sentences ("killed" ~ "death toll", "troops" ~ "soldiers"). The same words come back
question after question, so each embedder keeps a bounded table of the vectors it made.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from ..index import Embedder

__all__ = ["same_word", "similarity", "singular"]

MAX_WORDS = 100_000  # per embedder: ~150 MB of float32 vectors at most

_TABLES: weakref.WeakKeyDictionary[Embedder, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def similarity(embedder: Embedder, word: str, others: Sequence[str]) -> list[float]:
    """The cosine of ``word`` with each of ``others`` (no model call when all are known)."""
    if not others:
        return []
    table = _TABLES.setdefault(embedder, {})
    missing = list(dict.fromkeys(w for w in (word, *others) if w not in table))
    if missing:
        if len(table) + len(missing) > MAX_WORDS:
            table.clear()
        table.update(zip(missing, embedder.embed(missing), strict=True))
    return [float(table[w] @ table[word]) for w in others]


def singular(word: str) -> str:
    """``word`` without a plural s ("troops" -> "troop"; "press" stays)."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def same_word(word: str, lemma: str) -> bool:
    """The same lemma, or the same stem with a different ending ("deploy" ~ "deployment")."""
    if word == lemma:
        return True
    shared = next(
        (i for i, (a, b) in enumerate(zip(word, lemma, strict=False)) if a != b),
        min(len(word), len(lemma)),
    )
    return shared >= 4 and shared >= min(len(word), len(lemma)) - 2
