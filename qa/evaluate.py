"""Scoring Dateline on a question file: retrieval, answers, abstention and citation exactness."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..index import Hit
from .answer import Answerer
from .records import Answer
from .splits import select_split

__all__ = [
    "EvalReport",
    "evaluate",
    "evaluate_questions",
    "exact_match",
    "gold_rank",
    "normalize_answer",
    "question_date",
    "read_questions",
    "strictly_right",
    "token_f1",
]


class ProgressBar(Protocol):
    """What an evaluation reports progress to (``tqdm`` fits)."""

    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


def read_questions(path: Path) -> list[dict[str, Any]]:
    """Question records from a JSONL file (``{"id", "question", ...}`` per line); ValueError
    naming the file and line when one is broken."""
    if not path.is_file():
        raise ValueError(f"no question file at {path}")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{path}:{number}: broken JSON ({exc.msg}); each line must be "
                f'{{"id": ..., "question": ...}}'
            ) from exc
        if not isinstance(record, dict) or not str(record.get("question", "")).strip():
            raise ValueError(f"{path}:{number}: no 'question' field")
        records.append(record)
    return records


def question_date(record: dict[str, Any]) -> date | None:
    """A question record's ``question_date`` (the day it was asked), when it has one."""
    value = record.get("question_date")
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(
            f"question {record.get('id')!r}: question_date {value!r} is not a date like 2022-06-16"
        ) from exc


def gold_rank(hits: Iterable[Hit], gold: set[str], depth: int = 10) -> int | None:
    """The 1-based rank of the first gold article among the distinct articles of ``hits``
    (within ``depth``), None when none is there: what MRR@10 and hit@k are made of."""
    ranked: list[str] = []
    for hit in hits:
        if hit.article.id not in ranked:
            ranked.append(hit.article.id)
            if hit.article.id in gold:
                return len(ranked)
            if len(ranked) == depth:
                break
    return None


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower-case, drop punctuation and articles, squeeze spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation) | {"“", "”", "’", "‘"})
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    return float(any(normalize_answer(prediction) == normalize_answer(a) for a in answers))


def strictly_right(prediction: str, answers: Sequence[str], *, slack: int = 3) -> bool:
    """Whether a short answer is right on its own: it holds every word of an accepted answer,
    in order, with at most ``slack`` words more ("about 300 residents" for "300"; not a
    sentence that happens to hold it). An empty prediction is never right."""
    said = normalize_answer(prediction).split()
    if not said:
        return False
    for answer in answers:
        gold = normalize_answer(answer).split()
        if not gold or len(said) > len(gold) + slack:
            continue
        if any(said[i : i + len(gold)] == gold for i in range(len(said) - len(gold) + 1)):
            return True
    return False


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    best = 0.0
    predicted = normalize_answer(prediction).split()
    for answer in answers:
        gold = normalize_answer(answer).split()
        common = sum((Counter(predicted) & Counter(gold)).values())
        if not predicted or not gold or not common:
            continue
        precision, recall = common / len(predicted), common / len(gold)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


@dataclass(slots=True)
class EvalReport:
    """Sums over the questions; :meth:`metrics` turns them into the reported figures."""

    questions: int = 0
    retrieval_questions: int = 0
    reciprocal_rank: float = 0.0
    hit1: int = 0
    hit10: int = 0
    answerable: int = 0
    em: float = 0.0
    f1: float = 0.0
    unanswerable: int = 0
    abstained: int = 0
    abstained_correctly: int = 0
    citations: int = 0
    citations_exact: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int]:
        def ratio(a: float, b: float) -> float:
            return round(a / b, 4) if b else 0.0

        return {
            "questions": self.questions,
            "mrr@10": ratio(self.reciprocal_rank, self.retrieval_questions),
            "hit@1": ratio(self.hit1, self.retrieval_questions),
            "hit@10": ratio(self.hit10, self.retrieval_questions),
            "em": ratio(self.em, self.answerable),
            "f1": ratio(self.f1, self.answerable),
            "abstain_precision": ratio(self.abstained_correctly, self.abstained),
            "abstain_recall": ratio(self.abstained_correctly, self.unanswerable),
            "false_abstention": ratio(self.abstained - self.abstained_correctly, self.answerable),
            "citations_exact": ratio(self.citations_exact, self.citations),
            "retrieval_questions": self.retrieval_questions,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
        }


def _prediction(answer: Answer) -> str:
    if answer.abstained:
        return ""
    return answer.short or (answer.citations[0].quote if answer.citations else "")


def evaluate(
    answerer: Answerer,
    questions: Iterable[dict[str, Any]],
    *,
    use_question_date: bool = True,
    on_question: Callable[[], object] | None = None,
) -> EvalReport:
    """Run ``answerer`` over question records (``id, question, answers, gold_article_ids,
    answerable``, optionally ``question_date``) and score it. With ``use_question_date``,
    each question is asked as of its ``question_date`` when it has one."""
    report = EvalReport()
    store = answerer.searcher.store
    for record in questions:
        report.questions += 1
        question = record["question"]
        as_of = question_date(record) if use_question_date else None
        gold = set(record.get("gold_article_ids") or [])
        # one search serves both: the answer reads the best of these 50 passages
        retrieval = answerer.retrieve(question, as_of=as_of, k=max(50, answerer.k))
        if gold:
            report.retrieval_questions += 1
            rank = gold_rank(retrieval.hits, gold)
            if rank is not None:
                report.reciprocal_rank += 1 / rank
                report.hit10 += 1
                report.hit1 += rank == 1
        answer = answerer.answer(retrieval)
        answerable = record.get("answerable", bool(record.get("answers")))
        if answerable and record.get("answers"):
            report.answerable += 1
            prediction = _prediction(answer)
            report.em += exact_match(prediction, record["answers"])
            report.f1 += token_f1(prediction, record["answers"])
        if not answerable:
            report.unanswerable += 1
        if answer.abstained:
            report.abstained += 1
            report.abstained_correctly += not answerable
        for citation in answer.citations:
            report.citations += 1
            try:
                text = store.article(citation.article_id).text
            except KeyError:
                continue
            report.citations_exact += text[citation.start : citation.end] == citation.quote
        report.rows.append(
            {
                "id": record.get("id"),
                "answerable": answerable,
                "confidence": answer.confidence,
                "abstained": answer.abstained,
                "prediction": _prediction(answer),
            }
        )
        if on_question is not None:
            on_question()
    return report


def evaluate_questions(
    answerer: Answerer,
    records: Sequence[dict[str, Any]],
    *,
    split: str = "test",
    limit: int | None = None,
    progress: Callable[[int, str], ProgressBar] | None = None,
) -> dict[str, Any]:
    """The figures of ``dateline eval --json`` on one split of ``records`` (``test`` by
    default: see :mod:`.splits`; ``fit`` or ``all``), the first ``limit`` of them. When the
    questions carry ``question_date``, each is asked as of that day, and the run is repeated
    without an as-of date (under ``without_as_of``) to show what the dates are worth.
    ``progress(total, label)`` makes a progress bar per run."""
    total = len(records)
    records = select_split(records, split)[:limit]
    dated = any(r.get("question_date") for r in records)
    results = {}
    for use_dates in [True, False] if dated else [False]:
        label = "as of question dates" if use_dates else "no as-of date"
        bar = progress(len(records), label) if progress is not None else None
        try:
            results[use_dates] = evaluate(
                answerer,
                records,
                use_question_date=use_dates,
                on_question=bar.update if bar else None,
            ).metrics()
        finally:
            if bar is not None:
                bar.close()
    metrics: dict[str, Any] = {"split": split, "of_questions": total, **results[dated]}
    if dated:
        metrics["as_of"] = "question_date"
        metrics["without_as_of"] = results[False]
    return metrics
