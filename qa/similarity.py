"""The embedder's cosine between single words, with the words' vectors kept for reuse.

The answerer compares the question's predicate and counted noun with the words of the
candidate sentences ("killed" ~ "death toll", "troops" ~ "soldiers"). The same words come back
question after question, so each embedder keeps a bounded table of the vectors it made.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from ..index import Embedder

__all__ = ["similarity"]

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
