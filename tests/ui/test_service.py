"""The chat's service sees what other processes write to its index folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.index import (
    Article,
    ChunkSettings,
    HashingEmbedder,
    IndexNotFound,
    Searcher,
    ingest,
    writing,
)
from dateline.ui.service import ChatService


def test_the_chat_picks_up_changes_saved_by_another_writer(tmp_path: Path) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(
            store,
            [Article(f"a{i}", f"T{i}", f"Kursk story {i}. " * 20) for i in range(3)],
            embedder,
        )
    service = ChatService(Searcher.open(index, embedder))
    assert {h["article_id"] for h in service.search("Kursk story", 10)} == {"a0", "a1", "a2"}
    with writing(index) as store:  # e.g. `dateline remove a1` in another process
        store.remove("a1")
        store.save()
    assert {h["article_id"] for h in service.search("Kursk story", 10)} == {"a0", "a2"}
    assert "2 articles" in service.stats()
    rows = service.articles()  # the saved generation's articles, through the store
    assert [(r[0], r[4]) for r in rows] == [("T2", "a2"), ("T0", "a0")] and rows[0][3] > 0
    assert [r[4] for r in service.articles("t2")] == ["a2"]
    (index / "manifest.json").unlink()  # the folder's index deleted on disk
    with pytest.raises(IndexNotFound):
        service.search("Kursk story")


def test_a_chat_upload_and_a_cli_writer_at_once_keep_both(tmp_path: Path) -> None:
    from tests.index.test_concurrency import writer

    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(store, [Article("seed", "T", "Seed story. " * 20)], embedder)
    service = ChatService(Searcher.open(index, embedder))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    for i in range(5):
        (uploads / f"u{i}.txt").write_text(f"Title: Upload {i}\n\nUploaded story number {i}. " * 5)
    cli = writer(index, "cli", 3)  # another process adding 3 rounds of 10 articles
    report = service.index_files(sorted(uploads.iterdir()))
    _, err = cli.communicate(timeout=300)
    assert cli.returncode == 0, err
    assert len(report.added) == 5
    service.refresh()
    ids = set(service.searcher.store.article_ids())
    assert len(ids) == 1 + 5 + 30 and {f"cli-{r}-{i}" for r in range(3) for i in range(10)} <= ids


class _BusyReader:
    name = "qwen2.5-0.5b"
    busy = True  # another user's question is being read


def test_a_question_for_a_busy_local_model_is_said_to_wait(tmp_path: Path) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(store, [Article("a", "T", "Kursk story. " * 20)], embedder)
    searcher = Searcher.open(index, embedder)
    busy = ChatService(searcher, reader=_BusyReader())  # type: ignore[arg-type]
    assert busy.waits_for_model("local") and busy.waits_for_model(None)
    assert not busy.waits_for_model("extractive")
    assert not ChatService(searcher).waits_for_model("local")  # no local model at all
