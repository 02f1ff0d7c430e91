from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dateline.index import (
    Article,
    ArticleNotFound,
    ChunkSettings,
    HashingEmbedder,
    IndexMismatch,
    IndexNotFound,
    Manifest,
    Ranking,
    Searcher,
    Store,
    ingest,
)
from dateline.index.check import check_index


def new_store(path: Path, embedder: HashingEmbedder, kind: str = "flat") -> Store:
    return Store.open_or_create(path, embedder, chunking=ChunkSettings(24, 6), index_kind=kind)


def test_chunks_on_disk_slice_back_to_their_articles(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    reopened = Store.open(tmp_path, embedder)
    chunks = list(reopened.chunks())
    assert len(chunks) == len(reopened) > len(articles)
    for chunk in chunks:
        assert reopened.article(chunk.article_id).text[chunk.start : chunk.end] == chunk.text
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["counts"] == {"articles": 3, "chunks": len(chunks)}
    assert manifest["dates"] == {"first": "2025-05-30", "last": "2025-07-02"}
    assert manifest["ranking"] == Ranking().to_dict()  # pinned when created
    assert reopened.manifest == Manifest.read(tmp_path)
    assert reopened.manifest.to_dict() == manifest


def test_faiss_top_k_equals_numpy_brute_force(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    dim, n = 32, 500
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = Store.create(tmp_path, HashingEmbedder(dim=dim))
    items = []
    for i in range(n):
        article = Article(id=f"a{i}", title=f"t{i}", text=f"text {i}")
        from dateline.index import Chunk

        items.append(
            (
                article,
                [Chunk(f"a{i}:0-6", f"a{i}", 0, len(article.text), article.text)],
                vectors[i : i + 1],
            )
        )
    store.put(items)
    store.save()
    store = Store.open(tmp_path)
    for q in rng.normal(size=(10, dim)).astype(np.float32):
        q /= np.linalg.norm(q)
        expected = np.argsort(-(vectors @ q), kind="stable")[:10]
        rows, scores = store.vectors.search(q, 10)
        hits = [
            store.hit(int(r), float(s), i)
            for i, (r, s) in enumerate(zip(rows, scores, strict=True), 1)
        ]
        assert [h.article.id for h in hits] == [f"a{i}" for i in expected]
        assert np.allclose([h.score for h in hits], (vectors @ q)[expected], atol=1e-5)


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf", "ivfpq"])
def test_save_then_load_gives_identical_results(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder, kind: str
) -> None:
    store = new_store(tmp_path, embedder, kind)
    ingest(store, articles, embedder)
    before = Searcher(store, embedder).search("troops deployed to Russia", 4)
    after = Searcher.open(tmp_path, embedder).search("troops deployed to Russia", 4)
    assert [(h.chunk, h.score) for h in before] == [(h.chunk, h.score) for h in after]
    assert before[0].article.id == "troops"
    assert Store.open(tmp_path).manifest.index_kind == kind


def test_reindex_skips_unchanged_replaces_changed_adds_new(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    first = ingest(store, articles, embedder)
    assert (len(first.added), first.unchanged, first.replaced) == (3, [], [])
    generation = store.manifest.generation

    embedder.calls.clear()
    again = ingest(Store.open(tmp_path), articles, embedder)
    assert (again.added, len(again.unchanged), again.replaced) == ([], 3, [])
    assert embedder.calls == []
    assert Store.open(tmp_path).manifest.generation == generation  # nothing rewritten

    changed = dataclasses.replace(articles[1], text=articles[1].text + " Rain will stop Friday.")
    extra = Article(id="new", title="New", text="A brand new article about volcanoes.")
    store = Store.open(tmp_path)
    third = ingest(store, [articles[0], changed, extra], embedder)
    assert (third.added, third.unchanged, third.replaced) == (["new"], ["troops"], ["rain"])
    assert third.chunks_reused >= 1, "unchanged chunk text of the replaced article is cached"
    reopened = Store.open(tmp_path)
    assert reopened.article("rain").text.endswith("Rain will stop Friday.")
    assert sorted(reopened.article_ids()) == ["chips", "new", "rain", "troops"]
    rain_chunks = [c for c in reopened.chunks() if c.article_id == "rain"]
    assert rain_chunks[-1].text.endswith("Rain will stop Friday.")
    assert len({c.id for c in reopened.chunks()}) == len(reopened)


def test_remove_deletes_article_and_chunks(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    store.remove("troops")
    store.save()
    reopened = Store.open(tmp_path)
    assert "troops" not in reopened
    assert all(c.article_id != "troops" for c in reopened.chunks())
    hits = Searcher(reopened, embedder).search("troops deployed", 10)
    assert all(h.article.id != "troops" for h in hits)
    with pytest.raises(ArticleNotFound, match=r"'troops'.*show article ids"):
        reopened.remove("rain", "troops")
    assert "rain" in reopened  # nothing removed when one id is unknown


def test_opening_with_another_model_says_what_to_do(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    ingest(new_store(tmp_path, embedder), articles, embedder)
    other = HashingEmbedder(dim=32, name="other-model")
    with pytest.raises(IndexMismatch, match=r"built with hashing-test-embedder.*new folder"):
        Searcher.open(tmp_path, other)
    with pytest.raises(IndexMismatch, match="chunks of 24 tokens"):
        Store.open_or_create(tmp_path, embedder, chunking=ChunkSettings(100, 10))
    with pytest.raises(IndexMismatch, match="--backend hashing"):
        Store.open_or_create(tmp_path, HashingEmbedder(dim=embedder.dim, backend="torch"))


def test_missing_index_and_old_format(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    with pytest.raises(IndexNotFound, match="dateline index"):
        Store.open(tmp_path / "nothing")
    ingest(new_store(tmp_path, embedder), articles, embedder)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["format_version"] = 99
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="format version 99"):
        Store.open(tmp_path)


def test_no_pickle_files(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    ingest(new_store(tmp_path, embedder), articles, embedder)
    names = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert names == {
        "manifest.json",
        ".lock",
        "records.sqlite",
        "rows.npy",
        "segment.json",
        "vectors.npy",
        "faiss.index",
        "data.csc.index.npy",
        "indices.csc.index.npy",
        "indptr.csc.index.npy",
        "params.index.json",
        "vocab.index.json",
    }
    for array in tmp_path.rglob("*.npy"):
        np.load(array, allow_pickle=False)  # raises if anything needed pickle
    assert np.load(next(tmp_path.rglob("vectors.npy"))).dtype == np.float32


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_date_window_keeps_only_articles_published_in_it(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder, kind: str
) -> None:
    store = new_store(tmp_path, embedder, kind)
    ingest(store, articles, embedder)
    searcher = Searcher.open(tmp_path, embedder)
    for mode in ("hybrid", "dense", "lexical"):
        hits = searcher.search(
            "troops rain exports", 10, since=date(2025, 6, 1), until=date(2025, 6, 30), mode=mode
        )
        assert hits and {h.article.id for h in hits} == {"troops"}, mode
    assert searcher.search("troops", 10, since=date(2026, 1, 1)) == []
    with pytest.raises(ValueError, match="after until"):
        searcher.search("troops", since=date(2025, 7, 1), until=date(2025, 6, 1))


def test_hybrid_fuses_dense_and_lexical_ranks(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    searcher = Searcher(store, embedder, ranking=Ranking(article_weight=0.0, support=1))
    query = "sappers for mine removal"
    dense = [h.chunk.id for h in searcher.search(query, 20, mode="dense")]
    lexical = [h.chunk.id for h in searcher.search(query, 20, mode="lexical")]
    hybrid = searcher.search(query, 20)
    expected = {
        c: sum(1 / (60 + r) for r, x in [*enumerate(dense, 1), *enumerate(lexical, 1)] if x == c)
        for c in set(dense) | set(lexical)
    }
    assert {h.chunk.id for h in hybrid} == set(expected)
    assert all(h.score == pytest.approx(expected[h.chunk.id]) for h in hybrid)
    assert [h.score for h in hybrid] == sorted((h.score for h in hybrid), reverse=True)
    assert hybrid[0].article.id == "troops"
    assert [h.rank for h in hybrid] == list(range(1, len(hybrid) + 1))


def test_hybrid_adds_each_article_s_evidence(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    ranking = Ranking(article_weight=0.5, support=3)
    query = "troops rain sappers deployed"
    plain = Searcher(store, embedder, ranking=Ranking(article_weight=0.0, support=1))
    plain_hits = plain.search(query, 50)
    fused = {h.chunk.id: h.score for h in plain_hits}
    whole = {
        a: 0.5 / (60 + r) for r, (a, _) in enumerate(store.lexical.search_articles(query, 50), 1)
    }
    assert whole  # whole-article BM25 found something, so the bonus below is exercised
    hits = Searcher(store, embedder, ranking=ranking).search(query, 50)
    by_article: dict[str, list[float]] = {}
    for plain_hit in plain_hits:
        by_article.setdefault(plain_hit.article.id, []).append(plain_hit.score)
    best_of: dict[str, str] = {}
    for plain_hit in plain_hits:  # best first
        best_of.setdefault(plain_hit.article.id, plain_hit.chunk.id)
    for hit in hits:
        own = fused.get(hit.chunk.id, 0.0)  # 0: an article only whole-article BM25 found
        support = 0.0
        if best_of.get(hit.article.id) == hit.chunk.id:  # the article's best chunk
            runners_up = sorted(by_article[hit.article.id], reverse=True)[1:3]
            support = sum(s / (n + 2) for n, s in enumerate(runners_up))
        expected = own + whole.get(hit.article.id, 0.0) + support
        assert hit.score == pytest.approx(expected), hit.chunk.id
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_article_search_ranks_whole_articles_within_a_set(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    store = Store.open(tmp_path)  # read back from bm25-articles/, not rebuilt in memory
    ids = [a for a, _ in store.lexical.search_articles("semiconductor exports memory chips", 5)]
    assert ids[0] == "chips"
    order = store.layout.order
    within = np.isin(order, ["troops", "rain"])
    assert store.lexical.search_articles("exports", 5, within) == []
    assert store.lexical.search_articles("exports", 5, ~within)[0][0] == "chips"


def _as_older_release(generation: Path, store: Store, *, article_bm25: bool) -> None:
    """Rewrite a generation as Dateline 0.2 wrote it: chunk rows in a SQLite table, one BM25
    of each kind (no segments), or, as 0.1 did, no whole-article BM25 at all."""
    import shutil
    import sqlite3

    segment = generation / "lexical-000"
    (segment / "bm25").rename(generation / "bm25")
    if article_bm25:
        (segment / "bm25-articles").rename(generation / "bm25-articles")
    shutil.rmtree(segment)
    (generation / "rows.npy").unlink()
    db = sqlite3.connect(generation / "records.sqlite")
    db.execute(
        "CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT "
        'NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text_hash TEXT NOT NULL)'
    )
    db.executemany(
        "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
        [(i, r.id, r.article_id, r.start, r.end, r.text_hash) for i, r in enumerate(store.rows)],
    )
    db.commit()
    db.close()


@pytest.mark.parametrize("article_bm25", [True, False])
def test_an_index_of_an_older_release_opens_and_is_upgraded_on_the_next_save(
    tmp_path: Path, articles: list[Article], embedder: HashingEmbedder, article_bm25: bool
) -> None:
    store = new_store(tmp_path, embedder)
    ingest(store, articles, embedder)
    rows = list(store.rows)
    before = [(h.chunk.id, h.score) for h in Searcher(store, embedder).search("exports", 5)]
    assert store.manifest.generation is not None
    _as_older_release(tmp_path / store.manifest.generation, store, article_bm25=article_bm25)
    old = Store.open(tmp_path)
    assert list(old.rows) == rows
    assert old.lexical.search_articles("exports", 5)[0][0] == "chips"  # built if missing
    assert [(h.chunk.id, h.score) for h in Searcher(old, embedder).search("exports", 5)] == before
    upgraded = new_store(tmp_path, embedder)
    assert upgraded.save() is (not article_bm25)  # a missing BM25 is written at once
    upgraded.remove("chips")
    upgraded.save()
    generation = tmp_path / str(upgraded.manifest.generation)
    assert (generation / "rows.npy").is_file() and (generation / "lexical-000").is_dir()
    assert check_index(tmp_path).ok


def test_ranking_settings_come_from_the_manifest() -> None:
    assert Ranking.from_dict({}) == Ranking()
    legacy = Ranking.from_dict({"weight": 0.02, "days": 14.0})
    assert (legacy.recency_weight, legacy.recency_days) == (0.02, 14.0)
    assert Ranking.from_dict(Ranking(article_weight=0.2).to_dict()) == Ranking(article_weight=0.2)
    with pytest.raises(IndexMismatch, match="ranking"):
        Ranking.from_dict({"boost": 1})


def _numbered(n: int, offset: int = 0) -> list[Article]:
    places = ["Seoul", "Kyiv", "Lima", "Oslo", "Accra", "Hanoi", "Quito", "Riga"]
    return [
        Article(
            id=f"n{i}",
            title=f"Report {i}",
            text=f"Report {i}: floods in {places[i % 8]} closed {i} roads, officials said.",
            published="2025-01-01",
        )
        for i in range(offset, offset + n)
    ]


@pytest.mark.parametrize("kind", ["hnsw", "ivf", "ivfpq", "flat"])
def test_adding_articles_adds_to_the_trained_index_and_finds_them(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dateline.index import vectors

    embedder = HashingEmbedder(dim=1024)
    store = new_store(tmp_path, embedder, kind)
    ingest(store, _numbered(400), embedder)
    store = Store.open(tmp_path, embedder)
    assert store.vectors.effective_kind == kind == store.stats()["faiss"]

    def rebuilt(*_: object) -> None:
        raise AssertionError("the FAISS index was built again instead of grown")

    monkeypatch.setattr(vectors, "_build", rebuilt)
    ingest(store, _numbered(40, offset=400), embedder)
    added = Store.open(tmp_path, embedder)
    assert len(added) == added.vectors.indexed > 400
    searcher = Searcher(added, embedder)
    for article in _numbered(40, offset=400)[::13]:
        hits = searcher.search(article.text, 3, mode="dense")  # its own text: cosine 1
        assert hits[0].article.id == article.id


def test_auto_kind_is_exact_when_small_and_a_graph_when_large(
    tmp_path: Path, embedder: HashingEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dateline.index import vectors

    monkeypatch.setattr(vectors, "AUTO_HNSW_ROWS", 300)
    store = Store.open_or_create(tmp_path, embedder)
    assert store.manifest.index_kind == "auto"
    ingest(store, _numbered(200), embedder)
    assert Store.open(tmp_path).stats()["faiss"] == "flat"
    ingest(Store.open(tmp_path, embedder), _numbered(200, offset=200), embedder)
    large = Store.open(tmp_path, embedder)
    assert len(large) >= 300 and large.stats()["faiss"] == "hnsw"
    assert Searcher(large, embedder).search("Report 250: floods", 1)[0].article.id == "n250"


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf", "ivfpq"])
def test_date_window_filters_inside_every_faiss_kind(tmp_path: Path, kind: str) -> None:
    embedder = HashingEmbedder(dim=1024)
    store = new_store(tmp_path, embedder, kind)
    ingest(store, _numbered(300), embedder)
    store = Store.open(tmp_path, embedder)
    assert store.stats()["faiss"] == kind
    target = _numbered(300)[123]
    ingest(store, [dataclasses.replace(target, published="2025-03-01")], embedder)
    searcher = Searcher.open(tmp_path, embedder)
    inside = searcher.search(target.text, 3, mode="dense", since=date(2025, 2, 1))
    assert [h.article.id for h in inside] == [target.id]
    outside = searcher.search(target.text, 3, mode="dense", until=date(2025, 1, 31))
    assert outside and target.id not in {h.article.id for h in outside}


def test_adding_articles_adds_a_bm25_segment_and_links_the_rest(tmp_path: Path) -> None:
    embedder = HashingEmbedder(dim=64)
    store = new_store(tmp_path, embedder)
    ingest(store, _numbered(400), embedder)
    first = tmp_path / str(store.manifest.generation)
    ingest(Store.open(tmp_path, embedder), _numbered(20, offset=400), embedder)
    store = Store.open(tmp_path, embedder)
    generation = tmp_path / str(store.manifest.generation)
    assert [s.first for s in store.lexical.segments] == [0, 400]
    old, new = first / "lexical-000", generation / "lexical-000"
    for file in old.rglob("*.npy"):  # the big segment is the same file, not a copy
        assert file.stat().st_ino == (new / file.relative_to(old)).stat().st_ino
    lexical = store.lexical
    (row,), _ = lexical.search_chunks("410", 1)
    assert store.rows[int(row)].article_id == "n410"
    assert lexical.search_articles("410", 1)[0][0] == "n410"
    assert lexical.search_articles("123", 1)[0][0] == "n123"
    mask = np.ones(len(store), bool)
    mask[row] = False
    assert "n410" not in {
        store.rows[int(r)].article_id for r in lexical.search_chunks("410", 5, mask)[0]
    }
    assert check_index(tmp_path).ok


def test_bm25_segments_merge_as_they_grow_and_cover_every_row(tmp_path: Path) -> None:
    embedder = HashingEmbedder(dim=64)
    ingest(new_store(tmp_path, embedder), _numbered(64), embedder)
    for batch in range(1, 12):
        ingest(Store.open(tmp_path, embedder), _numbered(16, offset=48 + 16 * batch), embedder)
        store = Store.open(tmp_path, embedder)
        segments = store.lexical.segments
        sizes = [s.rows for s in segments]
        assert sum(sizes) == len(store) and [s.first for s in segments] == [
            sum(sizes[:i]) for i in range(len(sizes))
        ]
        assert all(older >= 4 * newer for older, newer in itertools.pairwise(sizes))  # merged
        assert sorted(a for s in segments for a in s.ids) == store.layout.order
    assert len(segments) <= 3
    whole = Store.open(tmp_path, embedder)
    whole.remove("n100")  # rows renumbered: one segment again
    assert [s.first for s in whole.lexical.segments] == [0]
    for number in (70, 150, 223):
        assert store.lexical.search_articles(str(number), 1)[0][0] == f"n{number}"
        assert whole.lexical.search_articles(str(number), 1)[0][0] == f"n{number}"
