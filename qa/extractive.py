"""Extractive answering without an LLM: rank the sentences of the retrieved chunks, then pull
the span the question asks for (a quantity with its unit, a date, a name) out of the best one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..index import Embedder, Hit, sentence_spans
from .classes import WORKS, fits_class, titled
from .kinds import COUNTED, DATE_WORD, DATED, HOW_LONG, KINDS, TIME_UNITS
from .questions import Question, content_terms, names_a_given, own_words, stem
from .spans import Candidate, Span, closeness, quotations

__all__ = ["Candidate", "Span", "find_spans", "rank_sentences"]

# a title in quotes ("Terrifier 2") names a work, whatever the tagger saw
_QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")


def candidates_from_hits(hits: Sequence[Hit]) -> list[Candidate]:
    """Each distinct sentence of the hits' chunks, in hit order."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for hit in hits:
        base = hit.chunk.start
        for start, end in sentence_spans(hit.chunk.text):
            key = (hit.article.id, base + start)
            if key not in seen and end - start > 15:
                seen.add(key)
                out.append(Candidate(hit.article, base + start, base + end, hit.rank))
    return out


def rank_sentences(
    question: Question,
    candidates: Sequence[Candidate],
    embedder: Embedder,
    query_vector: np.ndarray | None = None,
    cross_encoder: Any = None,
) -> list[Candidate]:
    """Candidates rescored by cosine to the question and term overlap, best first.

    With a sentence-transformers ``CrossEncoder`` (anything with ``predict(pairs)``), its
    relevance (squashed to 0..1) replaces the cosine.
    """
    if not candidates:
        return []
    if cross_encoder is not None:
        logits = np.asarray(
            cross_encoder.predict([(question.text, c.text) for c in candidates]), dtype=np.float64
        ).reshape(-1)
        cosine = 1.0 / (1.0 + np.exp(-logits))
    else:
        query = query_vector if query_vector is not None else embedder.embed_query(question.text)
        cosine = embedder.embed([c.text for c in candidates]) @ query
    terms = set(question.terms)
    scored = []
    for candidate, cos in zip(candidates, cosine.tolist(), strict=True):
        words = set(content_terms(candidate.text))
        overlap = len(terms & words) / len(terms) if terms else 0.0
        score = 0.6 * cos + 0.4 * overlap - 0.01 * candidate.hit_rank
        scored.append(
            Candidate(candidate.article, candidate.start, candidate.end, candidate.hit_rank, score)
        )
    scored.sort(key=lambda c: -c.score)
    return scored


def find_spans(
    question: Question,
    candidate: Candidate,
    doc: Any,
    near: frozenset[str] = frozenset(),
    kin: frozenset[str] = frozenset(),
) -> list[Span]:
    """Spans of the type ``question`` asks for in ``candidate`` (``doc`` is its spaCy parse),
    best first. Quantities keep their qualifier and unit ("around 14,000 troops"). A span
    close to the question's predicate, or to a word in ``near`` that counts as it, wins."""
    text, base = candidate.text, candidate.start
    asked = {t for t in question.terms}
    spans: list[Span] = []
    kind = KINDS[question.kind]
    asked_at = _predicate_at(question, doc, near)  # the words that say what was asked
    if kind.finder is not None:  # a kind that finds its own spans, not entities of its labels
        return kind.finder(question, candidate, doc, asked_at)
    # for "when", the words that say the predicate in its own word: the date they take wins
    verb_at = _predicate_at(question, doc, frozenset()) if kind.dated else set()
    labels = kind.labels
    durations = kind.counts and (
        question.unit in TIME_UNITS or bool(HOW_LONG.search(question.text))
    )
    if durations:  # "how many days in office": "45 days" is a DATE to the tagger
        labels = labels | {"DATE", "TIME"}
    elif question.money:  # "what was Tesla's revenue": not "184,877 vehicles", nor "4.20%"
        labels = frozenset({"MONEY"})
    for ent in doc.ents:
        of_class = fits_class(question, ent)
        if ent.label_ not in labels and not of_class:
            continue
        if durations and ent.label_ in ("DATE", "TIME") and not COUNTED.search(ent.text):
            continue  # "last year" is no number of years
        if ent.start_char < 3 and _DATELINE.match(doc.text[ent.start_char :]):
            continue  # "MADISON -" says where the report was written, not what happened
        if ent.label_ == "PERSON" and ent.start and doc[ent.start - 1].lower_ in ("a", "an"):
            continue  # "won an Oscar", "a Kennedy": an award or a family, not a person
        if own_words(question, ent.text) or names_a_given(ent.text, question.names):
            continue  # the question's own words and names are not its answer
        close = closeness(asked_at, doc, ent.start_char)
        if kind.dated and 0 < close < 0.5:
            continue  # the sentence dates another event than the one asked about
        start, end, score = ent.start_char, ent.end_char, 1.0 + 2.0 * of_class + close
        if ent.text[-2:] in ("'s", "’s"):  # "Ayman al-Zawahiri's": the name, not the possessive
            end -= 2
        if of_class and titled(ent, lambda t: t.lemma_.lower() == question.asked_class):
            score += 1.0  # "al Qaeda *leader* Ayman al-Zawahiri" for "which leader"
        unit = None
        if kind.counts:
            end, unit = _extend_unit(doc, ent)
            if question.unit and unit is not None:
                score += 2.0 if stem(unit.lower()) == question.unit else -0.5
        if kind.dated and not DATE_WORD.search(ent.text):
            score -= 0.5  # "recently", "now": not a date a reader can use
        if kind.dated and not DATED.search(ent.text):
            score -= 1.0  # "earlier this week" loses to the "Tuesday" of the same meeting
        if kind.dated and {ent.root.head.i, ent.root.head.head.i} & verb_at:
            score += 0.3  # "announced June 2008 and released *May 2012*": the asked verb's
        if ent.label_ in kind.favoured:
            score += 0.3  # for "where", a country or city beats a building or region
        # nearer to the question's words is better
        by = sum(
            1 for tok in doc if stem(tok.lower_) in asked and abs(tok.idx - ent.start_char) < 80
        )
        spans.append(Span(base + start, base + end, ent.label_, score + 0.1 * by, of_class, unit))
    for chunk in doc.noun_chunks:  # "which disease": "polio", a noun of the class asked
        if chunk.root.pos_ == "NOUN" and chunk.root.lemma_.lower() in kin:
            words = [t for t in chunk if t.dep_ not in ("det", "poss", "case") and not t.is_punct]
            if words:
                close = closeness(asked_at, doc, words[0].idx)
                where = base + words[0].idx, base + words[-1].idx + len(words[-1])
                spans.append(Span(*where, "KIN", 2.5 + close, True))
    if question.asked_class in WORKS:  # "which horror film": a title in quotes
        for start, title, name in quotations(_QUOTED, text):
            if (
                title[0].isupper()
                and len(title.split()) <= 8
                and not names_a_given(title, question.names)
            ):
                where = base + start, base + start + len(name)
                close = closeness(asked_at, doc, start)
                spans.append(Span(*where, "WORK_OF_ART", 3.0 + close, True))
    spans.sort(key=lambda s: -s.score)
    return spans


def _predicate_at(question: Question, doc: Any, near: frozenset[str]) -> set[int]:
    """The tokens of ``doc`` that say the question's predicate (or a word in ``near``)."""
    if question.predicate is None:
        return set()
    target = stem(question.predicate)
    return {
        t.i
        for t in doc
        if t.lemma_.lower() == question.predicate
        or stem(t.lower_) == target
        or t.lemma_.lower() in near
    }


_DATELINE = re.compile(r"[A-Z][A-Z .,]{3,}\s*[-—–]")
_HYPHENED = re.compile(r"-([a-z]+)$")


def _extend_unit(doc: Any, ent: Any) -> tuple[int, str | None]:
    """Extend a number entity over the noun it counts: "14,000" -> "14,000 troops"."""
    end, unit = ent.end_char, None
    if ent.label_ in ("MONEY", "PERCENT"):
        return end, None
    counted = _HYPHENED.search(ent.text)
    if counted:  # "a nine-year sentence" counts years, not sentences
        return end, counted[1]
    for token in doc[ent.end : ent.end + 4]:
        if token.pos_ in ("ADJ", "NOUN", "PROPN") and not token.is_punct:
            end = token.idx + len(token.text)
            if token.pos_ == "NOUN":
                unit = token.text
                nxt = token.i + 1
                if nxt < len(doc) and doc[nxt].pos_ == "NOUN":
                    continue
                break
        else:
            break
    if unit is None:
        end = ent.end_char
    return end, unit
