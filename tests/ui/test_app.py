"""The app's layout, built without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dateline.index import Article, ChunkSettings, HashingEmbedder, Searcher, ingest, writing
from dateline.ui.app import build_app
from dateline.ui.service import ChatService


def _texts(app: Any) -> str:
    return "\n".join(str(getattr(block, "value", "") or "") for block in app.blocks.values())


def test_a_sample_index_is_announced_with_how_to_add_ones_own(tmp_path: Path) -> None:
    embedder, index = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(index, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(store, [Article("a", "T", "Kursk story. " * 20)], embedder)
    service = ChatService(Searcher.open(index, embedder))
    shown = _texts(build_app(service, sample=True))
    assert "bundled sample article" in shown
    assert "Your articles" in shown and "dateline index" in shown
    assert "bundled sample article" not in _texts(build_app(service))
