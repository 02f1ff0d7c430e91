"""``dateline check``: is the index folder whole and does every stored text match its checksum?

Checks, in order: the manifest reads and names a generation that exists; SQLite's own
integrity check; the store opens (rows, vectors and FAISS agree); the manifest's counts match
what is stored; both BM25s are on disk with one document per chunk and per article; and each
article's fingerprint (a SHA-256 over its title, date, source, URL and text, written at
ingest) matches its stored content, with every chunk's text hash matching its span.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import FILENAME as RECORDS
from .errors import DatelineError
from .lexical import ARTICLES, CHUNKS, PREFIX, Lexical
from .manifest import Manifest
from .records import text_hash
from .store import Store

__all__ = ["CheckReport", "check_index"]

REPAIR = "rebuild it: `dateline index YOUR_ARTICLES --index NEWDIR`, then use NEWDIR"


@dataclass(slots=True)
class CheckReport:
    """What :func:`check_index` found; ``problems`` is empty for a sound index."""

    path: Path
    articles: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_index(path: str | Path) -> CheckReport:
    """Check the index at ``path``; IndexNotFound when there is none."""
    report = CheckReport(Path(path))
    manifest = Manifest.read(report.path)  # IndexNotFound / IndexCorrupt: nothing to check
    if manifest.generation is None:
        return report  # created, never saved: empty and sound
    generation = report.path / manifest.generation
    if not generation.is_dir():
        report.problems.append(f"the manifest names {manifest.generation}, which is missing")
        return report
    try:
        with sqlite3.connect(f"file:{generation / RECORDS}?mode=ro", uri=True) as db:
            verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        verdict = [str(exc)]
    if verdict != ["ok"]:
        report.problems.append(f"records.sqlite fails SQLite's integrity check: {verdict[0]}")
        return report
    try:
        store = Store.open(report.path)
    except DatelineError as exc:
        report.problems.append(str(exc))
        return report
    try:
        _check_store(store, manifest, generation, report)
    finally:
        store.close()
    return report


def _check_store(store: Store, manifest: Manifest, generation: Path, report: CheckReport) -> None:
    report.articles, report.chunks = len(store.article_ids()), len(store)
    if (manifest.articles, manifest.chunks) != (report.articles, report.chunks):
        report.problems.append(
            f"the manifest says {manifest.articles} articles and {manifest.chunks} chunks; "
            f"{report.articles} and {report.chunks} are stored"
        )
    if not Lexical.stored(generation):
        report.problems.append(
            f"BM25 files are missing ({PREFIX}NNN/, or {CHUNKS}/ and {ARTICLES}/)"
        )
    else:
        lexical = store.lexical
        sizes = (lexical.rows, lexical.article_count)
        if sizes != (report.chunks, len(lexical.layout.order)):
            report.problems.append(f"BM25 holds {sizes[0]} chunks; {report.chunks} are stored")
    layout, rows = store.layout, store.rows
    for article_id in store.article_ids():
        article = store.article(article_id)
        if article.fingerprint != store.fingerprint(article_id):
            report.problems.append(
                f"article {article_id!r}: its stored content does not match its checksum "
                f"(edited after indexing?)"
            )
            continue
        for row in layout.rows_of(article_id).tolist():
            meta = rows[row]
            if text_hash(article.text[meta.start : meta.end]) != meta.text_hash:
                report.problems.append(
                    f"article {article_id!r}: chunk {meta.id} no longer matches its text"
                )
                break
