"""Dateline's index layer: read articles, chunk them, embed them, store and search them."""

from __future__ import annotations

from .chunking import Chunker, ChunkSettings, sentence_spans
from .dates import parse_published
from .embedding import (
    BACKENDS,
    DEFAULT_BACKEND,
    MODEL_NAME,
    Embedder,
    HashingEmbedder,
    MiniLMEmbedder,
    load_embedder,
)
from .errors import (
    ArticleNotFound,
    BadArticle,
    DatelineError,
    DiskFull,
    IndexChanged,
    IndexCorrupt,
    IndexLocked,
    IndexMismatch,
    IndexNotFound,
    ModelUnavailable,
)
from .ingest import IngestReport, ProgressBar, ProgressFactory, index_paths, ingest
from .manifest import INDEX_KINDS, Manifest
from .ranking import Ranking
from .reading import read_paths
from .records import Article, Chunk, Hit
from .search import MODES, Searcher
from .sources import Note, ReadReport, Skipped, article_from_record, parse_text_article
from .store import Store
from .writing import writing

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "INDEX_KINDS",
    "MODEL_NAME",
    "MODES",
    "Article",
    "ArticleNotFound",
    "BadArticle",
    "ChunkSettings",
    "Chunk",
    "Chunker",
    "DatelineError",
    "DiskFull",
    "Embedder",
    "HashingEmbedder",
    "Hit",
    "IndexChanged",
    "IndexCorrupt",
    "IndexLocked",
    "IndexMismatch",
    "IndexNotFound",
    "IngestReport",
    "Manifest",
    "MiniLMEmbedder",
    "ModelUnavailable",
    "Note",
    "ProgressBar",
    "ProgressFactory",
    "ReadReport",
    "Ranking",
    "Searcher",
    "Skipped",
    "Store",
    "article_from_record",
    "index_paths",
    "ingest",
    "load_embedder",
    "parse_published",
    "parse_text_article",
    "read_paths",
    "sentence_spans",
    "writing",
]
