"""The real packaged model, offline: backends agree, tokens map back to the text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dateline.index import MiniLMEmbedder

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
