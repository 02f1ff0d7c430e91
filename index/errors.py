"""Dateline's errors: one small tree, every message says what to do next.

DatelineError
├── BadArticle        an input file or line cannot be read as an article
├── ArticleNotFound   no article with that id in the index
├── IndexNotFound     no index folder where one was expected
├── IndexMismatch     the index was built with another model or chunker
├── IndexCorrupt      the index folder is damaged beyond reading
├── IndexLocked       another process is writing the index
└── ModelUnavailable  the embedding model or one of its backends cannot be loaded
"""

from __future__ import annotations

__all__ = [
    "ArticleNotFound",
    "BadArticle",
    "DatelineError",
    "DiskFull",
    "IndexChanged",
    "IndexCorrupt",
    "IndexLocked",
    "IndexMismatch",
    "IndexNotFound",
    "ModelUnavailable",
]


class DatelineError(Exception):
    """Base of every error Dateline raises on purpose."""


class BadArticle(DatelineError):
    """An input cannot be read as an article; ``where`` names the file (and line)."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class ArticleNotFound(DatelineError):
    """No article with the given id is indexed."""


class IndexNotFound(DatelineError):
    """No index at the given folder."""


class IndexLocked(DatelineError):
    """Another process holds the index's write lock."""


class DiskFull(DatelineError):
    """A save ran out of disk space; the live generation is untouched."""


class IndexChanged(DatelineError):
    """Another writer saved the index after this one opened it; nothing was written."""


class IndexMismatch(DatelineError):
    """The index on disk was built with settings this run cannot mix with."""


class IndexCorrupt(DatelineError):
    """The index folder exists but its files cannot be read."""


class ModelUnavailable(DatelineError):
    """The embedding model or backend cannot be loaded."""
