"""The array forms of per-query work (issue 12) equal the plain Python logic they replaced."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.index.timeline import Timeline
from dateline.index.vectors import Vectors

DAYS = st.one_of(st.none(), st.dates(date(1999, 12, 25), date(2000, 1, 10)), st.dates())


def published_between(
    dates: dict[str, str | None], since: str | None, until: str | None, keep_undated: bool
) -> set[str] | None:
    """The set logic search used before the arrays (ISO strings compared as text)."""
    if since is None and until is None:
        return None
    return {
        a
        for a, d in dates.items()
        if (d is None and keep_undated)
        or (d is not None and (since is None or d >= since) and (until is None or d <= until))
    }


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.text("abcdef", min_size=1, max_size=4), DAYS, max_size=40),
    DAYS,
    DAYS,
    st.booleans(),
)
def test_date_windows_by_array_equal_the_set_logic(
    published: dict[str, date | None], since: date | None, until: date | None, keep: bool
) -> None:
    dates = {a: d.isoformat() if d else None for a, d in published.items()}
    order = sorted(dates)
    mask = Timeline.of(order, dates).between(since, until, keep_undated=keep)
    iso = [day.isoformat() if day else None for day in (since, until)]
    want = published_between(dates, iso[0], iso[1], keep)
    got = None if mask is None else {a for a, kept in zip(order, mask, strict=True) if kept}
    assert got == want


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 30), st.integers(-3, 3))
def test_as_of_cut_keeps_undated_and_drops_later_articles(seed: int, n: int, grace: int) -> None:
    rng = np.random.default_rng(seed)
    days = [
        None if rng.random() < 0.2 else date(2020, 1, 1) + timedelta(int(rng.integers(60)))
        for _ in range(n)
    ]
    dates = {f"a{i:02d}": d.isoformat() if d else None for i, d in enumerate(days)}
    as_of = date(2020, 1, 30) + timedelta(grace)
    mask = Timeline.of(sorted(dates), dates).between(None, as_of, keep_undated=True)
    assert mask is not None
    for article_id, kept in zip(sorted(dates), mask, strict=True):
        day = dates[article_id]
        assert kept == (day is None or day <= as_of.isoformat())


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_nearest_row_of_each_group_in_one_product(seed: int) -> None:
    rng = np.random.default_rng(seed)
    array = rng.normal(size=(40, 6)).astype(np.float32)
    vector = rng.normal(size=6).astype(np.float32)
    groups = [
        [int(r) for r in rng.choice(40, size=int(rng.integers(0, 5)), replace=False)]
        for _ in range(int(rng.integers(0, 8)))
    ]
    want = [g[int(np.argmax(array[g] @ vector))] if g else None for g in groups]
    assert Vectors(array, "flat").nearest(groups, vector) == want


WORDS = st.sampled_from(
    ["the", "troops", "Troops", "a", "of", "Kursk", "1", "14,000", "café", "x9"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=12))
def test_bm25_built_with_numpy_equals_bm25s_own_index(texts: list[str]) -> None:
    import re
    import tempfile

    import bm25s

    from dateline.index import bm25
    from dateline.index.bm25 import Bm25

    ours = Bm25.build(texts)._model
    batch, bm25._BATCH = bm25._BATCH, 2  # texts read two at a time
    try:
        batched = Bm25.build(texts)._model
    finally:
        bm25._BATCH = batch
    theirs = bm25s.BM25()
    tokens = bm25s.tokenize(texts, stopwords="english", show_progress=False)
    if not tokens.vocab:  # bm25s can't index texts without a term (max() of nothing)
        assert ours.vocab_dict == {"": 0}
        assert Bm25.build(texts).search("troops", 3)[0].tolist() == []
        return
    theirs.index(tokens, show_progress=False)
    assert ours.vocab_dict.keys() == theirs.vocab_dict.keys()  # numbered differently
    assert ours.scores["num_docs"] == theirs.scores["num_docs"]
    assert batched.vocab_dict.keys() == theirs.vocab_dict.keys()
    for word in theirs.vocab_dict.keys() - {""}:
        assert np.allclose(ours.get_scores([word]), theirs.get_scores([word]), rtol=1e-6)
        assert np.allclose(batched.get_scores([word]), theirs.get_scores([word]), rtol=1e-6)
    with tempfile.TemporaryDirectory() as tmp:  # read back without bm25s, as an open does
        Bm25.build(texts).save(Path(tmp) / "bm25")
        loaded = Bm25.load(Path(tmp) / "bm25", len(texts))
        queries = [*theirs.vocab_dict.keys() - {""}, " ".join(texts), "Troops of KURSK, troops"]
        for query in queries:
            found = re.findall(r"(?u)\b\w\w+\b", query.lower())
            tokens = [w for w in found if w in theirs.vocab_dict]
            expected = theirs.get_scores(tokens) if tokens else np.zeros(len(texts))
            docs, scores = loaded.search(query, len(texts))
            assert set(docs.tolist()) == set(np.flatnonzero(expected > 0).tolist())
            assert np.allclose(scores, expected[docs], rtol=1e-5)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.lists(WORDS).map(" ".join))
def test_words_are_split_as_bm25s_splits_them(text: str) -> None:
    import re

    from dateline.index.bm25 import words

    assert [w for w in words(text) if len(w) > 1] == re.findall(r"(?u)\b\w\w+\b", text.lower())


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 40), st.lists(st.integers(0, 30), max_size=4), st.booleans())
def test_vectors_saved_after_adds_equal_every_row_added(
    first: int, blocks: list[int], joined: bool
) -> None:
    import tempfile
    from pathlib import Path

    rng = np.random.default_rng(first + sum(blocks))
    rows = [rng.normal(size=(n, 8)).astype(np.float32) for n in [first, *blocks]]
    with tempfile.TemporaryDirectory() as folder:
        old, new = Path(folder) / "old", Path(folder) / "new"
        old.mkdir()
        new.mkdir()
        Vectors(rows[0], "flat").save(old)
        grown = Vectors.load(old, "flat").extend(rows[1:])
        if joined:
            assert grown.array.shape == (sum(map(len, rows)), 8)  # the blocks joined in memory
        everything = np.concatenate(rows)
        if len(everything):
            picked = rng.integers(0, len(everything), 5)
            assert np.array_equal(grown.take(picked), everything[picked])  # file or memory
        grown.save(new)
        assert np.array_equal(np.load(new / "vectors.npy"), everything)
        assert np.array_equal(np.load(old / "vectors.npy"), rows[0])  # the old file is intact


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf", "ivfpq"])
def test_extend_leaves_the_vectors_it_grew_from_untouched(kind: str) -> None:
    """A store's old Vectors may still be searched (a reader, a failed save): extending must
    not add the new rows to the FAISS index the old Vectors search."""
    rng = np.random.default_rng(7)
    first = rng.normal(size=(300, 16)).astype(np.float32)
    first /= np.linalg.norm(first, axis=1, keepdims=True)
    old = Vectors(first, kind)
    query = first[3]
    before = old.search(query, 10)
    assert old.indexed == 300  # the index is built before the extend
    grown = old.extend([first[:50] * 1.0001])  # near copies: they would top the old search
    assert (old.indexed, len(old)) == (300, 300)
    after = old.search(query, 10)
    assert np.array_equal(after[0], before[0]) and np.allclose(after[1], before[1])
    assert (grown.indexed, len(grown)) == (350, 350)
    assert 303 in grown.search(query, 10)[0].tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 49), max_size=40), st.integers(0, 49), st.integers(0, 50))
def test_file_rows_read_by_runs_equal_numpy_indexing(
    rows: list[int], start: int, stop: int
) -> None:
    import tempfile
    from pathlib import Path

    from dateline.index.mapped import FileArray

    array = np.arange(50 * 3, dtype=np.float32).reshape(50, 3)
    with tempfile.TemporaryDirectory() as folder:
        np.save(Path(folder) / "a.npy", array)
        file = FileArray(Path(folder) / "a.npy")
        assert np.array_equal(file.take(np.array(rows, np.int64)), array[rows])
        assert np.array_equal(file.span(start, stop), array[start:stop])
