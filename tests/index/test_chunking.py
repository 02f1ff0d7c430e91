from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.index import Article, Chunker, ChunkSettings, HashingEmbedder, sentence_spans


def spans_text(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentences_keep_abbreviations_and_initials_together() -> None:
    text = "Mr. Kim met U.S. officials. J. Smith said no! Then? Yes.\nA new line"
    assert spans_text(text) == [
        "Mr. Kim met U.S. officials.",
        "J. Smith said no!",
        "Then?",
        "Yes.",
        "A new line",
    ]


def test_sentences_end_after_closing_quote() -> None:
    text = 'He said "it is over." The end.'
    assert spans_text(text) == ['He said "it is over."', "The end."]


def test_chunks_respect_token_budget_and_overlap() -> None:
    sentences = [f"Sentence number {i} has five words." for i in range(40)]
    article = Article(id="a", title="t", text=" ".join(sentences))
    chunker = Chunker(HashingEmbedder(), ChunkSettings(max_tokens=30, overlap_tokens=10))
    chunks = chunker.chunk(article)
    counts = [len(HashingEmbedder().token_spans([c.text])[0]) for c in chunks]
    assert len(chunks) > 5
    assert max(counts) <= 30
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end, "consecutive chunks should overlap"
        assert after.start > before.start


def test_a_sentence_longer_than_the_budget_is_cut_at_tokens() -> None:
    article = Article(id="a", title="t", text=" ".join(f"w{i}" for i in range(100)) + ".")
    chunker = Chunker(HashingEmbedder(), ChunkSettings(max_tokens=16, overlap_tokens=0))
    chunks = chunker.chunk(article)
    assert len(chunks) == 7
    assert all(len(c.text.split()) <= 16 for c in chunks)
    assert " ".join(c.text for c in chunks) == article.text


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="overlap_tokens"):
        ChunkSettings(max_tokens=20, overlap_tokens=20)
    with pytest.raises(ValueError, match="max_tokens"):
        ChunkSettings(max_tokens=2, overlap_tokens=0)


_WORDS = st.sampled_from(
    [
        "Kim",
        "met",
        "U.S.",
        "troops",
        "14,000",
        "Mr.",
        "said",
        "é",
        "北",
        "“quoted.”",
        "end.",
        "Why?",
        "(AP)",
        "-",
        "3.5%",
        "\n",
        "\n\n",
        "  ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(_WORDS, max_size=300), max_tokens=st.integers(8, 40), overlap=st.integers(0, 7)
)
def test_chunks_slice_back_and_cover_the_article(
    words: list[str], max_tokens: int, overlap: int
) -> None:
    text = " ".join(words)
    article = Article(id="x", title="t", text=text)
    tokenizer = HashingEmbedder()
    chunks = Chunker(tokenizer, ChunkSettings(max_tokens, overlap)).chunk(article)
    covered = np.zeros(len(text), dtype=bool)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert chunk.text == chunk.text.strip() and chunk.text
        assert len(tokenizer.token_spans([chunk.text])[0]) <= max_tokens
        covered[chunk.start : chunk.end] = True
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
