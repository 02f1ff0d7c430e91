"""A generation's article and chunk records: ``records.sqlite`` (no pickle anywhere).

The articles table holds each article whole (its text is what citations are checked
against); the chunks table maps each vector row to its article and ``[start, end)`` offsets.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .records import Article, Chunk

__all__ = ["Catalog", "ChunkRow"]

FILENAME = "records.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, published TEXT,
    source TEXT, url TEXT, fingerprint TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL, article_id TEXT NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text_hash TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class ChunkRow:
    """What the catalog keeps of a chunk: its article and offsets, and its text's hash."""

    id: str
    article_id: str
    start: int
    end: int
    text_hash: str

    def chunk_of(self, article: Article) -> Chunk:
        return Chunk(
            self.id, self.article_id, self.start, self.end, article.text[self.start : self.end]
        )


class Catalog:
    """The records of one saved generation, open read-only."""

    def __init__(self, generation: Path) -> None:
        self._db = sqlite3.connect(
            f"file:{generation / FILENAME}?mode=ro", uri=True, check_same_thread=False
        )

    def articles(self) -> list[tuple[str, str, str | None]]:
        """``(id, fingerprint, published)`` of every article."""
        return list(self._db.execute("SELECT id, fingerprint, published FROM articles"))

    def rows(self) -> list[ChunkRow]:
        """Every chunk row, in row (vector) order."""
        return [
            ChunkRow(*r)
            for r in self._db.execute(
                'SELECT id, article_id, start, "end", text_hash FROM chunks ORDER BY row'
            )
        ]

    def summaries(self) -> list[tuple[str, str, str | None, str | None]]:
        """``(id, title, published, source)`` of every article, without their texts."""
        return list(self._db.execute("SELECT id, title, published, source FROM articles"))

    def article(self, article_id: str) -> Article | None:
        row = self._db.execute(
            "SELECT id, title, text, published, source, url FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        return Article(*row) if row is not None else None

    def close(self) -> None:
        self._db.close()

    @staticmethod
    def write(
        folder: Path,
        previous: Path | None,
        *,
        put: Iterable[Article],
        removed: Iterable[str],
        rows: Sequence[ChunkRow],
    ) -> None:
        """Write ``folder``'s records: ``previous``'s articles with ``put`` added or replaced
        and ``removed`` deleted, and exactly ``rows`` as the chunk rows."""
        target = folder / FILENAME
        if previous is not None:
            shutil.copyfile(previous / FILENAME, target)
        put = list(put)
        db = sqlite3.connect(target)
        try:
            db.executescript(_SCHEMA)
            gone = {*removed, *(a.id for a in put)}
            db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in gone])
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(a.id, a.title, a.text, a.published, a.source, a.url, a.fingerprint) for a in put],
            )
            db.execute("DELETE FROM chunks")
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                [(i, r.id, r.article_id, r.start, r.end, r.text_hash) for i, r in enumerate(rows)],
            )
            db.commit()
        finally:
            db.close()
