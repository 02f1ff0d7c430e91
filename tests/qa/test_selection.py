"""The sentence ranker: its features, and its fitted weights on real sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dateline.index import Article, Chunk, Hit, MiniLMEmbedder
from dateline.qa import Answerer
from dateline.qa.questions import analyse
from dateline.qa.selection import FEATURES, SHORTLIST, SentenceRanker, features

TEXT = (
    "How many troops were deployed to Kursk? "
    "The ministry said troops were deployed to the region last year. "
    "Around 14,000 troops were deployed to Kursk, officials said. "
    "The weather in the region was cold."
)


def hits(*texts: str) -> list[Hit]:
    out = []
    for rank, text in enumerate(texts, 1):
        article = Article(f"a{rank}", f"Title {rank}", text, "2025-06-19")
        out.append(
            Hit(Chunk(f"c{rank}", article.id, 0, len(text), text), 1.0 / rank, rank, article)
        )
    return out


def recording(answerer: Answerer) -> tuple[Callable[[list[str]], list[Any]], list[str]]:
    """A parser for the ranker that notes every text it is given."""
    parsed: list[str] = []

    def parse(texts: list[str]) -> list[Any]:
        parsed.extend(texts)
        return list(answerer.nlp.pipe(texts))

    return parse, parsed


def column(matrix, name: str) -> list[float]:  # type: ignore[no-untyped-def]
    return matrix[:, FEATURES.index(name)].tolist()


def test_features_mark_what_an_answering_sentence_has() -> None:
    from dateline.qa.extractive import candidates_from_hits

    found = hits(TEXT)
    candidates = candidates_from_hits(found)
    question = analyse("How many troops were deployed to Kursk?")
    matrix = features(question, candidates, found)
    assert matrix.shape == (4, len(FEATURES))
    assert column(matrix, "asks") == [1.0, 0.0, 0.0, 0.0]  # the quiz line repeats the question
    assert column(matrix, "typed") == [0.0, 0.0, 1.0, 0.0]  # only one states a number
    near = column(matrix, "near")
    assert near[2] > 0.5 and near[1] == 0.0
    coverage = column(matrix, "idf_cover")
    assert coverage[0] == pytest.approx(1.0) and coverage[3] < coverage[2]
    assert column(matrix, "cosine") == [0.0] * 4  # filled in by the second stage only


def test_context_is_the_coverage_of_the_sentence_beside_it() -> None:
    from dateline.qa.extractive import candidates_from_hits

    found = hits(
        "Kursk troop deployment figures were released on Monday. It was 14,000 in all.",
        "Nothing more was said about the figures. It was 14,000 in all.",
    )
    candidates = candidates_from_hits(found)
    question = analyse("How many troops were deployed to Kursk?")
    matrix = features(question, candidates, found)
    cover, context = column(matrix, "idf_cover"), column(matrix, "context")
    assert cover[1] == 0.0 and cover[3] == 0.0  # "It was 14,000 in all." says nothing asked
    assert cover[0] > 0.0 and context[1] == pytest.approx(cover[0])  # but follows one that does
    assert cover[2] == 0.0 and context[3] == 0.0  # the other article's doesn't
    assert context[0] == pytest.approx(cover[1])  # and each sees the one after it


def test_names_and_hit_features(seed_answerer: Answerer) -> None:
    from dateline.qa.extractive import candidates_from_hits

    found = hits("Sergei Shoigu met Kim Jong-un in Pyongyang.", "Officials met in Seoul on Monday.")
    text = "Who met Kim in Pyongyang?"
    question = analyse(text, seed_answerer.nlp(text))  # names come from the parse
    matrix = features(question, candidates_from_hits(found), found)
    assert column(matrix, "names")[0] > column(matrix, "names")[1]
    assert column(matrix, "hit_rank") == [1.0, 0.5]
    assert column(matrix, "article_rank") == [1.0, 0.5]


def test_the_fitted_ranker_puts_the_answer_first(
    real_embedder: MiniLMEmbedder, seed_answerer: Answerer
) -> None:
    ranker = SentenceRanker.fitted()
    assert len(ranker.first) == len(ranker.second) == len(FEATURES)
    question = analyse("How many troops were deployed to Kursk?")
    parse, parsed = recording(seed_answerer)
    ranked = ranker.select(question, hits(TEXT), real_embedder, parse)
    assert sorted(parsed) == sorted(c.text for c in ranked)  # the shortlist, parsed once
    assert "14,000" in ranked[0].text
    assert ranked[-1].text == "The weather in the region was cold."  # off the topic: last
    assert all(0.0 < c.score < 1.0 for c in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_only_a_shortlist_is_embedded_and_parsed(
    real_embedder: MiniLMEmbedder, seed_answerer: Answerer
) -> None:
    many = [f"Sentence number {i} talks about troops in Kursk at length here." for i in range(40)]
    parse, parsed = recording(seed_answerer)
    ranked = SentenceRanker.fitted().select(
        analyse("How many troops?"), hits(" ".join(many)), real_embedder, parse
    )
    assert len(ranked) == len(parsed) == SHORTLIST


def test_a_sentence_with_a_thing_of_the_asked_type_scores_it(seed_answerer: Answerer) -> None:
    from dateline.qa.extractive import candidates_from_hits
    from dateline.qa.selection import span_feature

    text = "How many troops were deployed to Kursk?"
    question = analyse(text, seed_answerer.nlp(text))
    found = candidates_from_hits(hits(TEXT))
    scores = [span_feature(question, c, seed_answerer.nlp(c.text)) for c in found]
    assert scores[2] == max(scores) > 0.0  # "Around 14,000 troops"
    assert scores[3] == 0.0  # the weather: no number at all


def test_answerer_reads_sentences_beyond_the_shown_hits(seed_answerer: Answerer) -> None:
    retrieval = seed_answerer.retrieve("How many troops were deployed?")
    assert len(retrieval.hits) <= 30
    answer = seed_answerer.answer(retrieval)
    assert len(answer.hits) <= seed_answerer.k
