"""BM25 (bm25s) over chunk texts and over whole articles, in segments, saved without pickle.

Each ``lexical-NNN/`` folder of a generation is a :class:`Segment`: ``bm25/`` over a range of
chunk rows (document ``i`` is row ``first + i``), ``bm25-articles/`` over whole articles (title
and text; document ``i`` is the ``i``-th id of ``segment.json``). Indexes written before
segments hold one ``bm25/`` and one ``bm25-articles/`` (documents in sorted id order, the
:class:`Layout` of ``rows.py``), read as a single segment.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from .mapped import FileArray
from .rows import Layout

__all__ = ["Bm25", "Lexical"]

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


CHUNKS, ARTICLES = "bm25", "bm25-articles"
PREFIX, SEGMENT = "lexical-", "segment.json"


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
        # memory-mapped: opening is instant and RSS grows with the postings queries touch
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


@dataclass(frozen=True, slots=True)
class Segment:
    """BM25 over the chunk rows ``[first, first + chunks.size)`` and over the articles
    ``ids`` (title and text; document ``i`` is ``ids[i]``). ``folder``: where it is stored."""

    first: int
    chunks: Bm25
    articles: Bm25
    ids: list[str]
    folder: Path | None = None

    @property
    def rows(self) -> int:
        return self.chunks.size

    @classmethod
    def build(cls, first: int, chunk_texts: Sequence[str], articles: dict[str, str]) -> Segment:
        return cls(
            first, Bm25.build(chunk_texts), Bm25.build(list(articles.values())), list(articles)
        )

    @classmethod
    def load(cls, folder: Path) -> Segment:
        meta = json.loads((folder / SEGMENT).read_text(encoding="utf-8"))
        ids = meta["articles"]
        return cls(
            meta["first"],
            Bm25.load(folder / CHUNKS, meta["rows"]),
            Bm25.load(folder / ARTICLES, len(ids)),
            ids,
            folder,
        )

    @staticmethod
    def stored(folder: Path) -> bool:
        """Whether ``folder`` holds a whole segment."""
        if not (folder / SEGMENT).is_file():
            return False
        meta = json.loads((folder / SEGMENT).read_text(encoding="utf-8"))
        return (not meta["rows"] or Bm25.stored(folder / CHUNKS)) and (
            not meta["articles"] or Bm25.stored(folder / ARTICLES)
        )

    def save(self, folder: Path) -> None:
        """Write the segment into ``folder``; one already stored is linked, not rewritten
        (segments never change once written)."""
        if self.folder is not None:
            for file in self.folder.rglob("*"):
                target = folder / file.relative_to(self.folder)
                if file.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(file, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(file, target)
            return
        folder.mkdir()
        self.chunks.save(folder / CHUNKS)
        self.articles.save(folder / ARTICLES)
        meta = {"first": self.first, "rows": self.rows, "articles": self.ids}
        (folder / SEGMENT).write_text(json.dumps(meta), encoding="utf-8")


class Lexical:
    """The BM25s of a generation, over chunk rows and over whole articles, in segments.

    A save that only adds articles adds a segment for them instead of re-indexing every chunk
    (at a million chunks that took minutes); the newest segments are merged once a segment
    is at least 1/``MERGE`` of the one before it, so there are O(log n) segments and each
    chunk is re-indexed a bounded number of times. Removing or replacing articles rebuilds
    one segment. Each segment scores with its own term statistics (as shards of a search
    engine do); the best of every segment are merged by score.
    """

    MERGE = 4

    def __init__(self, segments: list[Segment], layout: Layout) -> None:
        self.segments = segments
        self.layout = layout
        self._positions_of: dict[int, np.ndarray] = {}

    @classmethod
    def build(
        cls, chunk_texts: Sequence[str], article_texts: Sequence[str], layout: Layout
    ) -> Lexical:
        """``article_texts`` in ``layout.order``."""
        articles = dict(zip(layout.order, article_texts, strict=True))
        return cls([Segment.build(0, chunk_texts, articles)], layout)

    @property
    def rows(self) -> int:
        """How many chunk rows the segments cover."""
        return sum(s.rows for s in self.segments)

    @property
    def article_count(self) -> int:
        return sum(len(s.ids) for s in self.segments)

    def extended(
        self,
        chunk_texts: Sequence[str],
        articles: dict[str, str],
        layout: Layout,
        texts: Callable[[Segment], tuple[list[str], dict[str, str]]],
    ) -> Lexical:
        """These rows (the next ones) and articles added as a segment; ``texts(segment)``
        gives a stored segment's chunk and article texts back when segments are merged."""
        segments = [*self.segments, Segment.build(self.rows, chunk_texts, articles)]
        while len(segments) > 1 and segments[-2].rows < self.MERGE * segments[-1].rows:
            older, newer = segments[-2], segments[-1]
            chunks, ids = texts(older)
            more_chunks, more_ids = texts(newer)
            segments[-2:] = [Segment.build(older.first, chunks + more_chunks, ids | more_ids)]
        return Lexical(segments, layout)

    @staticmethod
    def stored(folder: Path) -> bool:
        """Whether ``folder`` holds the BM25s (an index written by Dateline 0.1 may not)."""
        if any(folder.glob(f"{PREFIX}*")):
            return all(Segment.stored(s) for s in folder.glob(f"{PREFIX}*"))
        return Bm25.stored(folder / CHUNKS) and Bm25.stored(folder / ARTICLES)

    @classmethod
    def load(cls, folder: Path, layout: Layout) -> Lexical:
        stored = sorted(folder.glob(f"{PREFIX}*"))
        if not stored:  # written before segments: one BM25 of each, in layout order
            legacy = Segment(
                0,
                Bm25.load(folder / CHUNKS, len(layout.row_article)),
                Bm25.load(folder / ARTICLES, len(layout.order)),
                list(layout.order),
            )
            return cls([legacy], layout)
        segments = [Segment.load(s) for s in stored]
        if [s.first for s in segments] != list(np.cumsum([0] + [s.rows for s in segments])[:-1]):
            raise ValueError(f"BM25 segments in {folder} do not cover the rows in order")
        return cls(segments, layout)

    def save(self, folder: Path) -> None:
        for number, segment in enumerate(self.segments):
            segment.save(folder / f"{PREFIX}{number:03d}")

    def search_chunks(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and BM25 scores of the ``k`` best chunks (within the boolean row ``mask``)."""
        found = []
        for s in self.segments:
            part = None if mask is None else mask[s.first : s.first + s.rows].astype(np.float32)
            docs, scores = s.chunks.search(query, k, part)
            found.append((docs + s.first, scores))
        return _best(found, k)

    def search_articles(
        self, query: str, k: int, articles: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """Ids and BM25 scores of the ``k`` best whole articles (``articles``: a boolean mask
        over ``layout.order``, None for all)."""
        found = []
        for s in self.segments:
            positions = self._positions(s)
            part = None if articles is None else articles[positions].astype(np.float32)
            docs, scores = s.articles.search(query, k, part)
            found.append((positions[docs], scores))
        rows, scores = _best(found, k)
        return [
            (self.layout.order[r], float(s))
            for r, s in zip(rows.tolist(), scores.tolist(), strict=True)
        ]

    def _positions(self, segment: Segment) -> np.ndarray:
        """Each of the segment's articles' position in ``layout.order``."""
        key = id(segment)
        if key not in self._positions_of:
            order = np.asarray(self.layout.order, dtype=object)
            at = np.searchsorted(order, np.asarray(segment.ids, dtype=object))
            self._positions_of[key] = at.astype(np.int64)
        return self._positions_of[key]


def _best(found: list[tuple[np.ndarray, np.ndarray]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of several (ids, scores) lists, by score then id."""
    if len(found) == 1:
        return found[0]
    ids = np.concatenate([f[0] for f in found]) if found else np.zeros(0, np.int64)
    scores = np.concatenate([f[1] for f in found]) if found else np.zeros(0, np.float32)
    best = np.lexsort((ids, -scores))[:k]
    return ids[best], scores[best]
