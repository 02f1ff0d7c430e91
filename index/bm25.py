"""BM25 (bm25s's Lucene variant) over a list of texts, built with NumPy, saved without pickle.

Document ``i`` is text ``i``. The model, its files and its query tokenizer are bm25s's; the
index is computed here (bm25s counts terms document by document in Python, ~20 minutes for a
million chunks), and a saved index is read with ``pread`` (``mapped.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from .mapped import FileArray

__all__ = ["Bm25", "words"]

_STOPWORDS = "english"
_BATCH = 8192  # texts tokenised at a time when BM25 is built
_NON_WORD, _NON_ASCII = re.compile(r"\W+"), re.compile(r"[^\x00-\x7f]+")
# bytes: ASCII non-word characters -> space; word characters and UTF-8's non-ASCII bytes kept
_ASCII_WORDS = bytes.maketrans(
    bytes(range(256)),
    bytes(c if c >= 128 or chr(c).isalnum() or c == 95 else 32 for c in range(256)),
)


def words(text: str) -> list[str]:
    """``text``'s runs of word characters, lower case (bm25s's tokens, and one-letter ones).

    The same as ``re.findall(r"\\w+", text.lower())`` at twice its speed: ASCII separators
    go in one ``bytes.translate``; only the non-ASCII runs (curly quotes, accented names)
    meet a regular expression."""
    raw = text.lower().encode("utf-8", "surrogatepass")  # JSON may carry lone surrogates
    kept = raw.translate(_ASCII_WORDS).decode("utf-8", "surrogatepass")
    if not kept.isascii():
        kept = _NON_ASCII.sub(lambda run: _NON_WORD.sub(" ", run.group()), kept)
    return kept.split()


class Bm25:
    """A BM25 index over a list of texts; document ``i`` is text ``i``."""

    def __init__(
        self, model: Any, size: int, postings: tuple[FileArray, FileArray] | None = None
    ) -> None:
        self._model = model
        self.size = size
        self._postings = postings  # (scores, documents) on disk, else the model's arrays
        self._starts = np.asarray(model.scores["indptr"]) if size else None

    @classmethod
    def build(cls, texts: Sequence[str]) -> Bm25:
        """BM25 over ``texts``: bm25s's model and scores (Lucene variant), computed with
        NumPy: bm25s's own ``index`` counts terms document by document in Python, which took
        ~20 minutes for a million chunks."""
        import bm25s
        from bm25s.tokenization import _infer_stopwords

        model = bm25s.BM25()
        if not texts:
            return cls(model, 0)
        # bm25s's tokens are runs of 2+ word characters, lower case. Texts are read in
        # batches (a million chunks' words as Python strings would not fit in memory); each
        # word is numbered by one dict lookup: a batch's new terms get the next ids, in sorted
        # order, and stop words and one-letter words -1
        vocab: dict[str, int] = dict.fromkeys(_infer_stopwords(_STOPWORDS), -1)
        size, n_terms = len(texts), 0
        lengths = np.zeros(size, np.int64)
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (term, doc, tf) runs
        for first in range(0, size, _BATCH):
            split = [words(text) for text in texts[first : first + _BATCH]]
            flat = list(chain.from_iterable(split))
            new = sorted(set(flat).difference(vocab))
            terms = [w for w in new if len(w) > 1]
            vocab.update(dict.fromkeys(new, -1))
            vocab.update(zip(terms, range(n_terms, n_terms + len(terms)), strict=True))
            n_terms += len(terms)
            ids = np.fromiter(map(vocab.__getitem__, flat), np.int64, len(flat))
            count = np.fromiter(map(len, split), np.int64, len(split))
            docs = np.repeat(np.arange(len(split), dtype=np.int64), count)[ids >= 0]
            ids = ids[ids >= 0]
            lengths[first : first + len(split)] = np.bincount(docs, minlength=len(split))
            pairs, tf = np.unique(ids * _BATCH + docs, return_counts=True)  # by term, then doc
            found.append(
                (
                    (pairs // _BATCH).astype(np.int32),
                    (first + pairs % _BATCH).astype(np.int32),
                    tf.astype(np.int32),
                )
            )
        term_runs, doc_runs, tf_runs = zip(*found, strict=True)
        order = np.argsort(np.concatenate(term_runs), kind="stable")  # columns; docs ascending
        term = np.concatenate(term_runs)[order]
        doc = np.concatenate(doc_runs)[order]
        tf = np.concatenate(tf_runs)[order].astype(np.float64)
        del order
        doc_length = lengths.astype(np.float64)
        per_term = np.bincount(term, minlength=n_terms)  # document frequency
        idf = np.log1p((size - per_term + 0.5) / (per_term + 0.5))
        norm = model.k1 * (1 - model.b + model.b * doc_length[doc] / max(doc_length.mean(), 1e-9))
        model.scores = {
            "data": (idf[term] * (tf / (tf + norm))).astype(model.dtype),
            "indices": doc.astype(model.int_dtype),
            "indptr": np.concatenate([[0], np.cumsum(per_term)]),
            "num_docs": size,
        }
        model.vocab_dict = {w: i for w, i in vocab.items() if i >= 0}
        model.vocab_dict[""] = n_terms  # bm25s's empty token, after the terms
        model.unique_token_ids_set = set(model.vocab_dict.values())
        model.nonoccurrence_array = None  # Lucene's BM25 has no score for absent terms
        return cls(model, size)

    def save(self, folder: Path) -> None:
        folder.mkdir()
        if self.size:
            self._model.save(str(folder), allow_pickle=False, show_progress=False)

    @staticmethod
    def stored(folder: Path) -> bool:
        return (folder / "params.index.json").exists()

    @classmethod
    def load(cls, folder: Path, size: int) -> Bm25:
        import bm25s

        if not size:
            return cls(bm25s.BM25(), 0)
        logging.getLogger("bm25s").setLevel(logging.ERROR)
        # mapped, not read: opening is instant; postings are read by pread below
        model = bm25s.BM25.load(str(folder), allow_pickle=False, show_progress=False, mmap=True)
        # a query reads a few terms' postings: by pread, see mapped.py
        postings = (
            FileArray(Path(model.scores["data"].filename)),
            FileArray(Path(model.scores["indices"].filename)),
        )
        return cls(model, size, postings)

    def search(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Documents and scores of the ``k`` best (score 0 left out; ``mask`` 0/1 weights)."""
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        import bm25s

        (words,) = bm25s.tokenize(
            [query], stopwords=_STOPWORDS, return_ids=False, show_progress=False
        )
        known = self._model.vocab_dict
        words = [w for w in words if w and w in known]  # a word no document has scores 0
        if not words:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # scores of every document, then a partial sort: bm25s' own retrieve() costs ~5x more
        # per query (its thread pool and progress bar machinery) for the same top k
        scores = self._scores([known[w] for w in words])
        if mask is not None:
            scores = scores * mask
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k] if k < self.size else np.arange(self.size)
        top = top[np.lexsort((top, -scores[top]))]  # best first; ties by document
        top = top[scores[top] > 0]
        return top.astype(np.int64), scores[top].astype(np.float32)

    def _scores(self, terms: list[int]) -> np.ndarray:
        """Every document's BM25 score for these term ids (as bm25s's ``get_scores``)."""
        scores = np.zeros(self.size, np.float32)
        starts = self._starts
        assert starts is not None
        for term in terms:
            start, stop = int(starts[term]), int(starts[term + 1])
            if self._postings is None:
                data = self._model.scores["data"][start:stop]
                docs = self._model.scores["indices"][start:stop]
            else:
                data, docs = (p.span(start, stop) for p in self._postings)
            scores[docs] += data  # each document once per term
        return scores
