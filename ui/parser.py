"""The ``dateline`` command's arguments: every flag, its help and its parsing (dates are
parsed here, once)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from ..index import BACKENDS, DEFAULT_BACKEND, INDEX_KINDS, MODES, ChunkSettings, parse_published
from ..index.reading import MAX_ARTICLE_MB
from .settings import Settings

__all__ = ["build_parser"]

AS_OF_HELP = "the reader's day (default: today): later articles are left out, recent ones preferred"


def _iso_date(value: str) -> date:
    parsed = parse_published(value)
    if parsed is None or len(value.strip()) != 10:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-06-19")
    return date.fromisoformat(parsed)


def _positive(kind: Any) -> Any:
    def parse(value: str) -> Any:
        try:
            number = kind(value)
        except ValueError:
            number = 0
        if number <= 0:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number above 0")
        return number

    return parse


def _options(settings: Settings) -> dict[str, argparse.ArgumentParser]:
    """Options several commands share, as argparse parent parsers."""
    made = {
        name: argparse.ArgumentParser(add_help=False)
        for name in ("index", "backend", "json", "llm", "dates")
    }
    made["index"].add_argument(
        "--index",
        type=Path,
        default=settings.index_dir,
        metavar="DIR",
        help=f"index folder (default: $DATELINE_INDEX, else ./.dateline; now {settings.index_dir})",
    )
    made["backend"].add_argument(
        "--backend",
        choices=BACKENDS,
        default=settings.backend,
        help=f"embedding backend (default: $DATELINE_BACKEND, else the index's, else "
        f"{DEFAULT_BACKEND})",
    )
    made["json"].add_argument("--json", action="store_true", help="print JSON")
    made["llm"].add_argument(
        "--reader",
        default=settings.reader,
        metavar="READER",
        help="who reads the answer: auto (default, $DATELINE_READER: the best local model "
        "installed, else rules), rules, llm (the 0.5B, dateline[local]), llm:1.5b "
        "(dateline[local-1-5b]) or llm:PATH.gguf; answers stay verified",
    )
    made["llm"].add_argument(
        "--llm",
        default=settings.llm,
        metavar="SPEC",
        help="write answers with a chat model: ollama:MODEL[@URL] or openai:MODEL[@BASE_URL] "
        "(default: $DATELINE_LLM, else extractive)",
    )
    dates = made["dates"]
    dates.add_argument(
        "--since",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="only articles published on or after this day",
    )
    dates.add_argument(
        "--until",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="only articles published on or before this day",
    )
    dates.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD", help=AS_OF_HELP)
    return made


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    o = _options(settings)
    parser = argparse.ArgumentParser(
        prog="dateline", description="Ask questions about news articles, with citations."
    )
    parser.add_argument("--version", action="version", version=f"dateline {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, *parents: str, **kw: Any) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=help, parents=[o["index"], *(o[p] for p in parents)], **kw
        )

    p = command(
        "index",
        "add articles to the index",
        "backend",
        description="Index text, JSONL, HTML, RSS/Atom, PDF and DOCX files or folders, and "
        "web pages, feeds or PDFs by URL.",
    )
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, folders, or http(s) URLs of pages/feeds"
    )
    p.add_argument(
        "--index-kind",
        choices=INDEX_KINDS,
        default=None,
        help="FAISS index: 'auto' (default for a new index: exact 'flat' under 20,000 chunks, "
        "'hnsw' from there on), or 'flat', 'hnsw', 'ivf' or 'ivfpq' (product-quantised, "
        "32x smaller) outright",
    )
    p.add_argument(
        "--chunk-tokens",
        type=int,
        default=None,
        help=f"chunk size in model tokens (new index only; default {ChunkSettings().max_tokens})",
    )
    p.add_argument(
        "--overlap-tokens",
        type=int,
        default=None,
        help=f"overlap between chunks (default {ChunkSettings().overlap_tokens})",
    )
    p.add_argument(
        "--max-article-mb",
        "--max-mb",
        type=float,
        default=MAX_ARTICLE_MB,
        metavar="N",
        help=f"skip an article whose text is over N million characters (default "
        f"{MAX_ARTICLE_MB:g}, the chat's upload cap)",
    )
    p.add_argument(
        "--watch",
        type=_positive(float),
        metavar="MINUTES",
        help="run again every MINUTES (feeds by URL: only new items are added) until Ctrl+C",
    )
    p.add_argument(
        "--runs", type=_positive(int), metavar="N", help="with --watch: stop after N runs"
    )
    p.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="read, chunk and embed on a Ray cluster: 'auto', HOST:PORT or ray://HOST:PORT, or "
        "nothing to start a Ray here for the run (needs pip install 'dateline[ray]')",
    )
    p.add_argument(
        "--ray-workers",
        type=_positive(int),
        default=2,
        metavar="N",
        help="with --ray: embedding workers, each loading the model once (default 2)",
    )
    p.add_argument(
        "--ray-batch",
        type=_positive(int),
        default=64,
        metavar="N",
        help="with --ray: chunks handed to a worker at a time (default 64)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command("search", "find the passages for a query", "backend", "json", "dates")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument(
        "--mode",
        choices=MODES,
        default="hybrid",
        help="hybrid (dense + BM25, default), dense or lexical",
    )

    p = command(
        "ask",
        "answer a question, with citations",
        "backend",
        "json",
        "dates",
        "llm",
        description="Answer from the indexed articles, citing exact quotes; says so "
        "when they don't answer.",
    )
    p.add_argument("question", nargs="?")
    p.add_argument(
        "--questions",
        type=Path,
        metavar="FILE.jsonl",
        help="answer each {id, question} line; one JSON object per line out",
    )
    p.add_argument(
        "--cross-encoder",
        type=Path,
        metavar="DIR",
        help="rerank sentences with a local sentence-transformers CrossEncoder",
    )

    p = command("eval", "score answers on a question file", "backend", "json", "llm")
    p.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl")
    p.add_argument("--limit", type=int, help="only the first N questions of the split")
    p.add_argument(
        "--split",
        choices=["test", "fit", "all"],
        default="test",
        help="which questions to score: test (default; report these), fit (tune on these), "
        "or all; each question's split is a hash of its id",
    )

    p = command(
        "chat",
        "open the browser chat",
        "backend",
        "llm",
        description="Start the chat; with no index yet, index the bundled sample articles first.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", metavar="USER:PASS", help="require this login")
    p.add_argument(
        "--mcp",
        action="store_true",
        help="also serve MCP tools search_news and ask_news (needs dateline[mcp])",
    )
    p.add_argument("--no-browser", action="store_true", help="don't open a browser tab")

    command("stats", "what the index holds", "json")
    command("check", "verify the index: files, counts, SQLite integrity, article checksums")
    p = command("remove", "delete articles by id")
    p.add_argument("ids", nargs="+", metavar="ID")
    return parser
