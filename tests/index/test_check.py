"""`dateline check`: a sound index passes; each kind of damage is named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from dateline.index import Article, ChunkSettings, HashingEmbedder, IndexNotFound, ingest, writing
from dateline.index.check import check_index


@pytest.fixture
def index(tmp_path: Path) -> Path:
    embedder, folder = HashingEmbedder(dim=64), tmp_path / "idx"
    with writing(folder, embedder, chunking=ChunkSettings(24, 6)) as store:
        ingest(store, [Article(f"a{i}", "t", f"Story {i} text. " * 30) for i in range(4)], embedder)
    return folder


def generation(index: Path) -> Path:
    return index / json.loads((index / "manifest.json").read_text())["generation"]


def test_a_sound_index_passes(index: Path) -> None:
    report = check_index(index)
    assert report.ok and report.articles == 4 and report.chunks > 4


def test_text_edited_in_sqlite_fails_its_checksum(index: Path) -> None:
    with sqlite3.connect(generation(index) / "records.sqlite") as db:
        db.execute("UPDATE articles SET text = replace(text, 'Story 2', 'Story 9') WHERE id='a2'")
    report = check_index(index)
    assert report.problems == [
        "article 'a2': its stored content does not match its checksum (edited after indexing?)"
    ]


def test_counts_missing_bm25_and_missing_generation_are_named(index: Path) -> None:
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["counts"]["articles"] = 7
    (index / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(generation(index) / "lexical-000" / "bm25")
    problems = check_index(index).problems
    assert any("manifest says 7 articles" in p for p in problems)
    assert any("BM25 files are missing" in p for p in problems)
    shutil.rmtree(generation(index))
    assert "which is missing" in check_index(index).problems[0]


def test_no_index(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound):
        check_index(tmp_path)


def test_the_cli_exits_1_naming_each_problem(
    index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dateline.ui.cli import main

    assert main(["check", "--index", str(index)]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {index}: 4 articles")
    shutil.rmtree(generation(index) / "lexical-000" / "bm25-articles")
    assert main(["check", "--index", str(index)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: the index at {index} is damaged; rebuild it")
    assert "\n  - BM25 files are missing" in err
