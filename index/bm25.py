"""BM25 (bm25s's Lucene variant) over a list of texts, built with NumPy, saved without pickle.

Document ``i`` is text ``i``. The model, its files and its query tokenizer are bm25s's; the
index is computed here (bm25s counts terms document by document in Python, ~20 minutes for a
million chunks), and a saved index is read with ``pread`` (``mapped.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from .generations import link_tree
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
        self,
        size: int,
        vocab: dict[str, int],
        starts: np.ndarray,
        postings: tuple[FileArray | np.ndarray, FileArray | np.ndarray],
        *,
        model: Any = None,
        folder: Path | None = None,
    ) -> None:
        self.size = size
        self._vocab = vocab  # term -> column
        self._starts = starts  # column i's postings are [starts[i], starts[i + 1])
        self._postings = postings  # (scores, documents): on disk when loaded, else arrays
        self._model = model  # bm25s's model, which writes the files, when built here
        self._folder = folder  # where it was loaded from

    @classmethod
    def _empty(cls) -> Bm25:
        none = np.zeros(0, np.float32)
        return cls(0, {}, np.zeros(1, np.int64), (none, none))

    @classmethod
    def build(cls, texts: Sequence[str]) -> Bm25:
        """BM25 over ``texts``: bm25s's model and scores (Lucene variant), computed with
        NumPy: bm25s's own ``index`` counts terms document by document in Python, which took
        ~20 minutes for a million chunks."""
        import bm25s
        from bm25s.tokenization import _infer_stopwords

        model = bm25s.BM25()
        if not texts:
            return cls._empty()
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
        scores = model.scores
        postings = (scores["data"], scores["indices"])
        return cls(size, model.vocab_dict, scores["indptr"], postings, model=model)

    def save(self, folder: Path) -> None:
        if self._folder is not None:  # loaded: its files never change
            link_tree(self._folder, folder)
            return
        folder.mkdir()
        if self.size:
            self._model.save(str(folder), allow_pickle=False, show_progress=False)

    @staticmethod
    def stored(folder: Path) -> bool:
        return (folder / "params.index.json").exists()

    @classmethod
    def load(cls, folder: Path, size: int) -> Bm25:
        """The index bm25s saved in ``folder``, read without bm25s (importing it costs 0.3 s
        of every open): the vocabulary from its JSON, the postings by ``pread``."""
        if not size:
            return cls._empty()
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        starts = np.load(folder / "indptr.csc.index.npy")
        postings = (
            FileArray(folder / "data.csc.index.npy"),
            FileArray(folder / "indices.csc.index.npy"),
        )
        return cls(size, vocab, starts, postings, folder=folder)

    def search(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Documents and scores of the ``k`` best (score 0 left out; ``mask`` 0/1 weights)."""
        # bm25s's query tokens: words of 2+ characters; stop words are not in the vocabulary,
        # nor is a word no document has (it would score 0)
        known = self._vocab
        terms = [known[w] for w in words(query) if len(w) > 1 and w in known]
        if not self.size or not terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        # scores of every document, then a partial sort: bm25s' own retrieve() costs ~5x more
        # per query (its thread pool and progress bar machinery) for the same top k
        scores = self._scores(terms)
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
        for term in terms:
            start, stop = int(self._starts[term]), int(self._starts[term + 1])
            data, docs = (
                p.span(start, stop) if isinstance(p, FileArray) else p[start:stop]
                for p in self._postings
            )
            scores[docs] += data  # each document once per term
        return scores
