"""Follow-up questions: which lean on the conversation, and how one is made to stand alone."""

from __future__ import annotations

import re
from typing import Any

from .words import STOPWORDS, WORD, content_terms, stem

__all__ = ["needs_context", "rewrite_follow_up"]

_FOLLOW_UP = re.compile(r"^\W*(?:and|but|also|what about|how about|so)\b\s*", re.I)


def needs_context(doc: Any) -> bool:
    """Whether a parsed question leans on the conversation: it has no verb of its own ("how
    many sappers?"), or its subject is a pronoun ("when was that?"). A "be" that heads the
    question is its verb ("How long will the cycle lane be?" stands alone)."""
    verbs = [t for t in doc if t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ == "ROOT")]
    pronoun = any(t.pos_ == "PRON" and t.dep_.startswith("nsubj") for t in doc) or any(
        t.lower_ in ("that", "it", "this", "they", "them") and t.dep_.startswith("nsubj")
        for t in doc
    )
    nouns = [t for t in doc if t.pos_ in ("NOUN", "PROPN")]
    return not verbs or pronoun or not nouns


def rewrite_follow_up(question: str, previous: str | None, doc: Any = None) -> str:
    """Make a follow-up ("and how many sappers?") stand alone using the previous question.

    Only elliptical questions are follow-ups: those opening with "and", "what about" and the
    like, and, given the question's parse ``doc``, those without a verb or with a pronoun
    subject (:func:`needs_context`); a question that names its own subject and predicate
    ("When was the treaty signed?") stands alone. The follow-up's own words lead; the
    previous question's content words it lacks are appended, so retrieval sees the topic and
    the answer type comes from the follow-up.
    """
    if not previous:
        return question
    stripped = _FOLLOW_UP.sub("", question)
    elliptical = needs_context(doc) if doc is not None else len(content_terms(question)) <= 2
    is_follow_up = stripped != question or elliptical
    if not is_follow_up:
        return question
    own = set(content_terms(stripped))
    extra = [
        w
        for w in WORD.findall(previous)
        if w.lower() not in STOPWORDS and stem(w.lower()) not in own
    ]
    stripped = stripped[:1].upper() + stripped[1:]
    if not extra:
        return stripped
    return f"{stripped.rstrip('?').rstrip()} ({' '.join(extra)})?"
