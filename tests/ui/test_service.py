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
    (index / "manifest.json").unlink()  # the folder's index deleted on disk
    with pytest.raises(IndexNotFound):
        service.search("Kursk story")
