"""Answering questions from the index with verifiable citations."""

from __future__ import annotations

from .answer import DEFAULT_THRESHOLD, Answerer
from .citations import Citation, claim_is_supported, make_citation, parse_markers
from .evaluate import (
    EvalReport,
    evaluate,
    evaluate_questions,
    exact_match,
    gold_rank,
    normalize_answer,
    question_date,
    read_questions,
    token_f1,
)
from .followups import rewrite_follow_up
from .questions import Question, analyse, names_a_given
from .records import Answer, Retrieval, Turn
from .splits import SPLITS, select_split, split_of

__all__ = [
    "DEFAULT_THRESHOLD",
    "SPLITS",
    "Answer",
    "Answerer",
    "Citation",
    "EvalReport",
    "Retrieval",
    "Question",
    "Turn",
    "analyse",
    "claim_is_supported",
    "evaluate",
    "evaluate_questions",
    "exact_match",
    "gold_rank",
    "make_citation",
    "names_a_given",
    "normalize_answer",
    "parse_markers",
    "question_date",
    "read_questions",
    "rewrite_follow_up",
    "select_split",
    "split_of",
    "token_f1",
]
