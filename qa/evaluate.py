"""Scoring Dateline on a question file: retrieval, answers, abstention and citation exactness."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .answer import Answer, Answerer

__all__ = ["EvalReport", "evaluate", "exact_match", "normalize_answer", "token_f1"]


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower-case, drop punctuation and articles, squeeze spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation) | {"“", "”", "’", "‘"})
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    return float(any(normalize_answer(prediction) == normalize_answer(a) for a in answers))


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
            "false_abstention": ratio(self.abstained - self.abstained_correctly,
                                      self.answerable),
            "citations_exact": ratio(self.citations_exact, self.citations),
            "retrieval_questions": self.retrieval_questions,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
        }


def _prediction(answer: Answer) -> str:
    if answer.abstained:
        return ""
    return answer.short or (answer.citations[0].quote if answer.citations else "")


def evaluate(answerer: Answerer, questions: Iterable[dict[str, Any]], *,
             use_question_date: bool = True,
             on_question: Callable[[], object] | None = None) -> EvalReport:
    """Run ``answerer`` over question records (``id, question, answers, gold_article_ids,
    answerable``, optionally ``question_date``) and score it. With ``use_question_date``,
    each question is asked as of its ``question_date`` when it has one."""
    report = EvalReport()
    store = answerer.searcher.store
    for record in questions:
        report.questions += 1
        question = record["question"]
        as_of = record.get("question_date") if use_question_date else None
        gold = set(record.get("gold_article_ids") or [])
        # one search serves both: the answer reads the best of these 50 passages
        retrieval = answerer.retrieve(question, as_of=as_of, k=max(50, answerer.k))
        if gold:
            report.retrieval_questions += 1
            ranked: list[str] = []
            for hit in retrieval.hits:
                if hit.article.id not in ranked:
                    ranked.append(hit.article.id)
            ranked = ranked[:10]
            rank = next((i for i, a in enumerate(ranked, 1) if a in gold), None)
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
        report.rows.append({"id": record.get("id"), "answerable": answerable,
                            "confidence": answer.confidence, "abstained": answer.abstained,
                            "prediction": _prediction(answer)})
        if on_question is not None:
            on_question()
    return report
