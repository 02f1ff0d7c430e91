"""A generation's article and chunk records: ``records.sqlite`` (no pickle anywhere).

The articles table holds each article whole (its text is what citations are checked
against). The chunk rows live in ``rows.npy`` beside it (``rows.py``); indexes written before
that kept them in a ``chunks`` table here, which is read when ``rows.npy`` is missing and
dropped on the next save.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .records import Article

__all__ = ["Catalog"]

FILENAME = "records.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, published TEXT,
    source TEXT, url TEXT, fingerprint TEXT NOT NULL);
"""


class Catalog:
    """The records of one saved generation, open read-only."""

    def __init__(self, generation: Path) -> None:
        self._db = sqlite3.connect(
            f"file:{generation / FILENAME}?mode=ro", uri=True, check_same_thread=False
        )

    def articles(self) -> list[tuple[str, str, str | None]]:
        """``(id, fingerprint, published)`` of every article, by id."""
        return list(self._db.execute("SELECT id, fingerprint, published FROM articles ORDER BY id"))

    def legacy_rows(self) -> list[tuple[str, int, int, str]]:
        """``(article_id, start, end, text_hash)`` of every row of an index written before
        ``rows.npy``, in row order."""
        return list(
            self._db.execute('SELECT article_id, start, "end", text_hash FROM chunks ORDER BY row')
        )

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
    ) -> None:
        """Write ``folder``'s records: ``previous``'s articles with ``put`` added or replaced
        and ``removed`` deleted."""
        target = folder / FILENAME
        if previous is not None:
            shutil.copyfile(previous / FILENAME, target)
        put = list(put)
        db = sqlite3.connect(target)
        try:
            db.executescript(_SCHEMA)
            # what opening an index reads, without reading the article texts (75k articles,
            # ~1 GB: 1.1 s to scan the table, 0.1 s to scan this index)
            db.execute(
                "CREATE INDEX IF NOT EXISTS articles_meta ON articles(id, fingerprint, published)"
            )
            gone = {*removed, *(a.id for a in put)}
            db.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in gone])
            db.executemany(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(a.id, a.title, a.text, a.published, a.source, a.url, a.fingerprint) for a in put],
            )
            db.execute("DROP TABLE IF EXISTS chunks")  # an older index's rows: now rows.npy
            db.commit()
        finally:
            db.close()
