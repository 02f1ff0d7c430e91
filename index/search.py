"""Search an index: dense (FAISS) and BM25 candidates fused by reciprocal rank -> Hits."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from .embedding import Embedder, load_embedder
from .errors import IndexMismatch
from .ranking import Ranking
from .records import Hit, published_in
from .rows import Layout
from .store import Store
from .timeline import Timeline

__all__ = ["MODES", "Searcher"]

MODES = ("hybrid", "dense", "lexical")
RRF_K = 60  # the constant from Cormack et al.; dampens the weight of top ranks


class Searcher:
    """Hybrid search over a :class:`Store` with the embedder it was built with."""

    def __init__(
        self, store: Store, embedder: Embedder, *, depth: int = 100, ranking: Ranking | None = None
    ) -> None:
        if store.model != embedder.name:
            raise IndexMismatch(
                f"The index at {store.path} was built with {store.model}, "
                f"not {embedder.name}; search it with the same model"
            )
        self.store = store
        self.embedder = embedder
        self.depth = depth
        self.ranking = ranking or store.manifest.ranking
        self._timeline: tuple[Layout, Timeline] | None = None

    @classmethod
    def open(
        cls,
        path: str | Path,
        embedder: Embedder | None = None,
        *,
        backend: str | None = None,
        cache_dir: Path | None = None,
    ) -> Searcher:
        """Search the index folder at ``path``: with ``embedder``, or with the packaged model
        on ``backend``, else on the backend the index was built with."""
        store = Store.open(path, embedder)
        if embedder is None:
            embedder = load_embedder(backend, index=store.manifest, cache_dir=cache_dir)
        return cls(store, embedder)

    def search(
        self,
        query: str,
        k: int = 5,
        *,
        since: date | None = None,
        until: date | None = None,
        mode: str = "hybrid",
        as_of: date | None = None,
        recency: float = 1.0,
        prefer: tuple[date, date] | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first.

        ``since``/``until`` (inclusive) keep articles published in that window. ``as_of`` is
        the reader's day: articles published after it (plus a small grace) are left out and
        recent articles get a boost, scaled by ``recency`` (0: none, as for archive
        questions; >1: "latest" questions). ``prefer`` (inclusive) favours articles published
        in that window without leaving the others out: the time words of a question name
        when things happened, and reports can trail them.
        ``mode`` is ``hybrid`` (default: reciprocal-rank fusion of dense and BM25 plus each
        article's evidence, see :class:`Ranking`), ``dense`` or ``lexical``; the score is the
        fused score, the cosine, or the BM25 score.
        """
        if not query.strip():
            raise ValueError('query is empty; ask something, e.g. "How many troops were deployed?"')
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        if since and until and since > until:
            raise ValueError(f"since ({since}) is after until ({until})")
        store = self.store
        articles = self.visible(since, until, as_of)
        mask = None if articles is None else articles[store.layout.row_article]
        depth = max(self.depth, k)
        vector = self.embedder.embed_query(query) if mode != "lexical" else None
        ranked: list[tuple[np.ndarray, np.ndarray]] = []
        if vector is not None:
            ranked.append(store.vectors.search(vector, depth, mask))
        if mode != "dense":
            ranked.append(store.lexical.search_chunks(query, depth, mask))
        if vector is None or mode != "hybrid":
            rows, scores = ranked[0]
            pairs = list(zip(rows.tolist(), scores.tolist(), strict=True))[:k]
        else:
            pairs = self._fuse(
                query, vector, [rows for rows, _ in ranked], depth, articles, as_of, recency, prefer
            )[:k]
        return [store.hit(row, score, rank) for rank, (row, score) in enumerate(pairs, 1)]

    def visible(
        self, since: date | None = None, until: date | None = None, as_of: date | None = None
    ) -> np.ndarray | None:
        """Which articles (by position in ``store.layout.order``) a query may see: those
        published in ``[since, until]``, and not after ``as_of`` plus the grace days (undated
        articles can't be "later": they stay). None when every article may be seen."""
        layout = self.store.layout
        if self._timeline is None or self._timeline[0] is not layout:  # a new generation
            self._timeline = (layout, Timeline.of(layout.order, self.store.dates))
        timeline = self._timeline[1]
        articles = timeline.between(since, until)
        if as_of is not None:
            limit = as_of + timedelta(days=self.ranking.grace_days)
            cut = timeline.between(None, limit, keep_undated=True)
            if cut is not None:
                articles = cut if articles is None else articles & cut
        return None if articles is None or articles.all() else articles

    def _fuse(
        self,
        query: str,
        vector: np.ndarray,
        ranked: list[np.ndarray],
        depth: int,
        articles: np.ndarray | None,
        as_of: date | None,
        recency: float,
        prefer: tuple[date, date] | None,
    ) -> list[tuple[int, float]]:
        """Rows and scores, best first: reciprocal-rank fusion plus article evidence."""
        store, layout = self.store, self.store.layout
        fused: dict[int, float] = {}
        for found in ranked:
            for rank, row in enumerate(found.tolist(), 1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        bonus: dict[str, float] = {}
        if self.ranking.article_weight > 0:
            for rank, (article_id, _) in enumerate(
                store.lexical.search_articles(query, depth, articles), 1
            ):
                bonus[article_id] = self.ranking.article_weight / (RRF_K + rank)
        by_article: dict[str, list[int]] = {}
        for row in fused:
            by_article.setdefault(layout.article_of(row), []).append(row)
        # found only as a whole article: its chunk nearest the query stands for it
        only = sorted(bonus.keys() - by_article.keys())
        nearest = store.vectors.nearest([layout.rows_of(a) for a in only], vector)
        for article_id, row in zip(only, nearest, strict=True):
            if row is not None:
                fused[row] = 0.0
                by_article[article_id] = [row]
        scores: dict[int, float] = {}
        for article_id, rows in by_article.items():
            rows.sort(key=lambda r: (-fused[r], r))
            extra = bonus.get(article_id, 0.0)
            published = store.dates.get(article_id)
            if as_of is not None and recency > 0:
                extra += recency * self.ranking.recency(published, as_of)
            if published_in(published, prefer):
                extra += self.ranking.window_weight
            for row in rows:
                scores[row] = fused[row] + extra
            # the best chunk carries the article's decayed sum; the others keep their own
            # score, so an article's runners-up don't crowd other articles out of the top k
            scores[rows[0]] += sum(
                fused[r] / (n + 2) for n, r in enumerate(rows[1 : self.ranking.support])
            )
        return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
