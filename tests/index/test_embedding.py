"""The real packaged model, offline: backends agree, tokens map back to the text."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from dateline.index import MiniLMEmbedder
from dateline.index.embedding import PIECE_CHARS, _pieces

TEXTS = [
    "North Korea deployed around 14,000 troops to the Russian side.",
    "Heavy monsoon rains flooded parts of Seoul on Tuesday.",
    "Semiconductor exports rose 12 percent in May. " * 60,  # longer than the model reads
]


def test_vectors_are_unit_length_and_meaningful(real_embedder: MiniLMEmbedder) -> None:
    vectors = real_embedder.embed(TEXTS)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    query = real_embedder.embed_query("How many soldiers were sent?")
    assert int(np.argmax(vectors @ query)) == 0


def test_onnx_backends_agree_with_sentence_transformers(
    real_embedder: MiniLMEmbedder, model_cache: Path
) -> None:
    torch_vectors = MiniLMEmbedder("torch", cache_dir=model_cache).embed(TEXTS)
    assert real_embedder.backend == "onnx"
    fp32 = (real_embedder.embed(TEXTS) * torch_vectors).sum(axis=1)
    assert fp32.min() > 0.9999, fp32
    int8 = (MiniLMEmbedder("onnx-int8", cache_dir=model_cache).embed(TEXTS) * torch_vectors).sum(
        axis=1
    )
    assert int8.min() > 0.95 and int8.max() < 0.99999, int8  # close, but really quantised


def test_token_spans_index_into_the_text(real_embedder: MiniLMEmbedder) -> None:
    text = "Kim Jong-un’s envoy met Shoigu in Pyongyang."
    (spans,) = real_embedder.token_spans([text])
    pieces = [text[s:e].lower() for s, e in spans]
    assert pieces[:3] == ["kim", "jong", "-"]
    assert all(0 <= s < e <= len(text) for s, e in spans)


def test_long_texts_are_tokenized_in_pieces_with_the_same_tokens(
    real_embedder: MiniLMEmbedder,
) -> None:
    words = "Troops were\ndeployed near the border, officials said. Kim's visit cost $1.5bn".split(
        " "
    )
    text = " ".join(words[i * 7 % len(words)] for i in range(30_000))  # ~190,000 characters
    pieces = _pieces(text)
    assert len(pieces) > 2 and all(end - start <= PIECE_CHARS for start, end in pieces)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] and text[a[1] - 1].isspace() for a, b in itertools.pairwise(pieces))
    whole = real_embedder._tokenizer_for().encode(text, add_special_tokens=False).offsets
    (spans,) = real_embedder.token_spans([text])
    assert np.array_equal(spans, np.asarray(whole))
    assert _pieces("x" * 10, size=4) == [(0, 4), (4, 8), (8, 10)]  # no whitespace: hard cuts
