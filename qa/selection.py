"""Which sentences the reader looks at: a fitted ranker over the sentences of many hits.

The sentence that answers is usually retrieved but rarely ranked first by its cosine alone:
articles with several on-topic chunks outrank the one sentence that states the figure. So every
sentence of the best ``DEPTH`` hits is scored in two stages, each a logistic model over
features a sentence that answers has (:data:`FEATURES`):

1. cheap features for all of them (term coverage weighted by IDF over the candidates, the
   question's names, a thing of the asked type and how close it sits to the question's words,
   the asked predicate, the hit's rank and score, the article's rank, lead position, whether
   it is itself a question, how much it says beyond the question's words);
2. the same plus, for the best ``SHORTLIST`` of stage 1, the embedder's cosine and how good
   a thing of the asked type the rules find in the sentence's parse (``span``: a person for
   "who", a number counting the asked unit, a name of the asked class).

The weights are fitted by distant supervision (a sentence is positive when it holds an
accepted answer) on RealTimeQA's answerable questions with cross-validation by
``bench/sentences.py``, which writes ``selection.json`` beside this module.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np

from ..index import Embedder, Hit
from .extractive import Candidate, candidates_from_hits, find_spans
from .kinds import KINDS
from .questions import Question, content_terms, stem

__all__ = ["DEPTH", "FEATURES", "SHORTLIST", "SentenceRanker", "features", "span_feature"]

DEPTH = 30  # hits whose sentences are candidates
# stage-1 best whose cosine and span are computed (each is embedded and parsed at question
# time: most of ask's cost); more ranks no better (bench/sentences.py, docs/benchmarks.md)
SHORTLIST = 12
FEATURES = (
    "bias",
    "overlap",
    "idf_cover",
    "names",
    "typed",
    "near",
    "predicate",
    "hit_rank",
    "hit_score",
    "article_rank",
    "lead",
    "length",
    "asks",
    "novel",
    "context",
    "cosine",
    "span",
)
COSINE = FEATURES.index("cosine")
SPAN = FEATURES.index("span")
STAGE_2 = (COSINE, SPAN)  # computed for the shortlist only: stage 1 ignores them

_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z\-]+(?:\s+[A-Z][a-zA-Z\-]+)*")


@dataclass(frozen=True, slots=True)
class SentenceRanker:
    """Two logistic models over :data:`FEATURES` (stage 1 ignores the cosine and span)."""

    first: tuple[float, ...]
    second: tuple[float, ...]

    @classmethod
    def fitted(cls) -> SentenceRanker:
        """The weights ``bench/sentences.py --write`` fitted (``selection.json``), read once
        per process: an Answerer is built per chat request with other options."""
        return _fitted()

    def select(
        self,
        question: Question,
        hits: Sequence[Hit],
        embedder: Embedder,
        parse: Callable[[list[str]], list[Any]],
        query_vector: np.ndarray | None = None,
    ) -> list[Candidate]:
        """The sentences of ``hits``, best first: the ``SHORTLIST`` best with a score (the
        stage-2 probability that the sentence answers), then nothing else. ``parse`` gives
        the spaCy docs of texts (the caller keeps them for reading)."""
        candidates = candidates_from_hits(hits)
        if not candidates:
            return []
        matrix = features(question, candidates, hits)
        first = _logistic(matrix, self.first)
        order = np.argsort(-first, kind="stable")[:SHORTLIST]
        short = [candidates[i] for i in order]
        query = query_vector if query_vector is not None else embedder.embed_query(question.text)
        matrix = matrix[order]
        texts = [c.text for c in short]
        # spaCy parses while ONNX embeds: both let go of the GIL
        with ThreadPoolExecutor(1) as pool:
            docs = pool.submit(parse, texts)
            matrix[:, COSINE] = embedder.embed(texts) @ query
            for row, candidate, doc in zip(matrix, short, docs.result(), strict=True):
                row[SPAN] = span_feature(question, candidate, doc)
        second = _logistic(matrix, self.second)
        ranked = sorted(zip(second.tolist(), short, strict=True), key=lambda p: -p[0])
        return [replace(c, score=s) for s, c in ranked]


@functools.cache
def _fitted() -> SentenceRanker:
    data = json.loads(resources.files(__package__).joinpath("selection.json").read_text())
    if tuple(data["features"]) != FEATURES:
        raise ValueError("selection.json was fitted on other features; re-run the bench")
    return SentenceRanker(tuple(data["first"]), tuple(data["second"]))


def _logistic(matrix: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(matrix @ np.asarray(weights, dtype=np.float64))))


def features(
    question: Question, candidates: Sequence[Candidate], hits: Sequence[Hit]
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate (the stage-2 columns left 0)."""
    terms = set(question.terms)
    words = [set(content_terms(c.text)) for c in candidates]
    df = Counter(t for w in words for t in w & terms)
    n = len(candidates)
    idf = {t: math.log(1.0 + (n + 1) / (df.get(t, 0) + 0.5)) for t in terms}
    idf_total = sum(idf.values()) or 1.0
    names = [name for name in question.names if len(name) > 1]
    top_score = max((h.score for h in hits), default=1.0) or 1.0
    score_of = {h.rank: h.score for h in hits}
    article_rank: dict[str, int] = {}
    for h in hits:
        article_rank.setdefault(h.article.id, len(article_rank))
    pattern = KINDS[question.kind].marker
    predicate = stem(question.predicate) if question.predicate else None
    rows = np.zeros((n, len(FEATURES)), dtype=np.float64)
    for i, (candidate, found) in enumerate(zip(candidates, words, strict=True)):
        text = candidate.text
        lower = text.lower()
        covered = terms & found
        typed = _typed_at(question, text, pattern)
        rows[i] = (
            1.0,
            len(covered) / len(terms) if terms else 0.0,
            sum(idf[t] for t in covered) / idf_total,
            sum(1 for name in names if name in lower) / len(names) if names else 0.0,
            1.0 if typed else 0.0,
            _near(typed, text, covered),
            1.0 if predicate and predicate in found else 0.0,
            1.0 / candidate.hit_rank,
            score_of.get(candidate.hit_rank, 0.0) / top_score,
            1.0 / (1 + article_rank.get(candidate.article.id, len(article_rank))),
            1.0 if candidate.start < 300 else 0.0,
            math.log(max(len(text), 1)) / 6.0,
            1.0 if text.rstrip("\"'”’) ").endswith("?") else 0.0,  # a quiz repeating the question
            len(found - terms) / len(found) if found else 0.0,  # what it says beyond the question
            0.0,  # context, below
            0.0,  # cosine
            0.0,  # span
        )
    _context(rows, candidates)
    return rows


def _context(rows: np.ndarray, candidates: Sequence[Candidate]) -> None:
    """The ``context`` column: the best IDF-weighted coverage of the question's terms by the
    sentence just before or after each one (an answer often follows the sentence that names
    its subject: "The ministry gave a new figure. 14,000 were deployed.")."""
    cover, context = rows[:, FEATURES.index("idf_cover")], rows[:, FEATURES.index("context")]
    by_article: dict[str, list[int]] = {}
    for i, candidate in enumerate(candidates):
        by_article.setdefault(candidate.article.id, []).append(i)
    for members in by_article.values():
        members.sort(key=lambda i: candidates[i].start)
        for a, b in itertools.pairwise(members):
            first, second = candidates[a], candidates[b]
            if not first.article.text[first.end : second.start].strip():  # adjacent
                context[a] = max(context[a], cover[b])
                context[b] = max(context[b], cover[a])


def span_feature(question: Question, candidate: Candidate, doc: Any) -> float:
    """How good the best thing of the asked type in ``candidate`` is, from its parse ``doc``
    (the rules' span score, capped at 5, over 5; 0: none)."""
    spans = find_spans(question, candidate, doc)
    return min(max((s.score for s in spans), default=0.0), 5.0) / 5.0


def _typed_at(question: Question, text: str, pattern: Any) -> list[int]:
    """Offsets in ``text`` of things of the asked type (a number, a date, a reason clause,
    or for names: a capitalised phrase the question does not itself give)."""
    if pattern is not None:
        return [m.start() for m in pattern.finditer(text)]
    asked = set(question.terms) | set(question.names)
    return [
        m.start()
        for m in _CAPITAL.finditer(text)
        if not {stem(w.lower()) for w in m[0].split()} <= asked
        and not {w.lower() for w in m[0].split()} <= asked
    ]


def _near(typed: list[int], text: str, covered: set[str]) -> float:
    """How close the nearest typed thing is to a question term in the sentence (1: adjacent)."""
    if not typed or not covered:
        return 0.0
    lower = text.lower()
    at = [m.start() for t in covered for m in re.finditer(re.escape(t), lower)]
    if not at:
        return 0.0
    distance = min(abs(a - b) for a in at for b in typed)
    return math.exp(-distance / 60.0)
