"""The words of questions and sentences: stopwords, crude stems, content terms, and whether a
text is only the question's own words or names."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .questions import Question

__all__ = ["STOPWORDS", "WORD", "content_terms", "names_a_given", "own_words", "stem"]

STOPWORDS = frozenset(
    """a an the of to in on at for from by with about as into and or but if
is are was were be been being will would shall should can could may might must do does did has
have had having this that these those it its it's there their they them he she his her him we
our you your i me my what which who whom whose when where why how many much what's who's did
not no so than then too very just also any all some more most other such only own same s t
new said says say according year years""".split()
)

WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words, stopwords removed, in order."""
    return [
        stem(w.lower().strip("'’"))
        for w in WORD.findall(text)
        if w.lower() not in STOPWORDS and len(w) > 1
    ]


# words inside names that name nobody on their own
_PARTICLES = frozenset("al el de da di du la le van von der den bin ibn abu ben of the and".split())


def names_a_given(entity: str, names: frozenset[str]) -> bool:
    """Whether ``entity`` shares a name with the question ("Kim Jong-un" with "Kim"; "Russia"
    with "Russian"): the question's own subject is not its answer."""
    for token in re.findall(r"[a-z0-9]+", entity.lower()):
        if token in _PARTICLES:
            continue  # "al Qaeda" does not give "Ayman al-Zawahiri"
        for name in names:
            if (
                token == name
                or (len(token) >= 4 and name.startswith(token))
                or (len(name) >= 4 and token.startswith(name))
            ):
                return True
    return False


def own_words(question: Question, text: str) -> bool:
    """Whether ``text`` is made only of ``question``'s own words ("the band", "controversial"
    for "which controversial platform"): never its answer, whoever reads."""
    terms = set(content_terms(text))
    return bool(terms) and terms <= set(question.terms)
