"""The ``dateline`` command: it parses arguments, calls the library, and formats the result.

Exit codes: 0 success, 1 a user or data error (one ``Error: ...`` line saying what to do
next; also a partial index run where some inputs were skipped), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any

from .. import seeds
from ..index import DatelineError, Searcher, Store, index_paths, load_embedder, writing
from ..index.check import REPAIR, check_index
from .console import announce, check_port, progress_bar, waiting
from .indexing import run_index
from .parser import build_parser
from .settings import Settings
from .views import answer_lines, counted, eval_table, hit_lines, stats_lines

__all__ = ["main", "main_entry"]


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    args = build_parser(settings).parse_args(argv)
    try:
        return int(_COMMANDS[args.command](args, settings))
    except (DatelineError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the index keeps everything saved so far.", file=sys.stderr)
        return 130


def _searcher(args: argparse.Namespace, settings: Settings) -> Searcher:
    searcher = Searcher.open(args.index, backend=args.backend, cache_dir=settings.cache_dir)
    announce(searcher.embedder)
    return searcher


def _search(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1:
        raise ValueError(f"-k must be at least 1, got {args.k}")
    hits = _searcher(args, settings).search(
        args.query,
        args.k,
        since=args.since,
        until=args.until,
        mode=args.mode,
        as_of=args.as_of or date.today(),
    )
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
    elif not hits:
        print(
            "No matching passages (is the date window right? `dateline stats` shows the dates "
            "covered)"
        )
    for hit in [] if args.json else hits:
        print("\n".join(hit_lines(hit)))
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = Store.open(args.index).stats()
    print(json.dumps(stats, indent=2) if args.json else "\n".join(stats_lines(stats)))
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    report = check_index(args.index)
    if not report.ok:
        problems = "".join(f"\n  - {problem}" for problem in report.problems)
        raise DatelineError(f"the index at {args.index} is damaged; {REPAIR}{problems}")
    found = f"{counted(report.articles, 'article')}, {counted(report.chunks, 'chunk')}"
    print(f"OK: {args.index}: {found} verified")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    with writing(args.index, on_wait=waiting) as store:
        ids = list(dict.fromkeys(args.ids))
        known = [i for i in ids if i in store]
        if known:  # the known ones go; the unknown ones are named, and the exit code is 1
            store.remove(*known)
            store.save()
    if known:
        left = counted(len(store.article_ids()), "article")
        print(f"Removed {counted(len(known), 'article')} ({', '.join(known)}); {left} left")
    unknown = [i for i in ids if i not in known]
    if unknown:
        names = ", ".join(repr(i) for i in unknown)
        raise DatelineError(
            f"no article with id {names} in {args.index}; `dateline search` and the chat's "
            "sources panel show article ids"
        )
    return 0


def _readers(args: argparse.Namespace, settings: Settings) -> tuple[Any, Any]:
    """The chat model that writes answers (--llm) and the span reader (--reader)."""
    from ..qa.local import reader_from_spec

    llm = None
    if args.llm:
        from .llm import chat_model_from_spec

        llm = chat_model_from_spec(args.llm, api_key=settings.llm_api_key)
    return llm, reader_from_spec(args.reader, cache_dir=settings.cache_dir)


def _answerer(args: argparse.Namespace, settings: Settings) -> Any:
    from ..qa import Answerer

    llm, reader = _readers(args, settings)
    cross_encoder = None
    if getattr(args, "cross_encoder", None) is not None:
        if not args.cross_encoder.is_dir():
            raise ValueError(f"no CrossEncoder model folder at {args.cross_encoder}")
        from sentence_transformers import CrossEncoder

        cross_encoder = CrossEncoder(str(args.cross_encoder), device="cpu")
    answerer = Answerer(
        _searcher(args, settings), llm=llm, cross_encoder=cross_encoder, reader=reader
    )
    announce(answerer.sentence_embedder)
    return answerer


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from ..qa import question_date, read_questions

    if (args.question is None) == (args.questions is None):
        raise ValueError("give one question, or --questions FILE.jsonl (not both)")
    records = (
        read_questions(args.questions)
        if args.questions
        else [{"id": None, "question": args.question}]
    )
    answerer = _answerer(args, settings)
    for record in records:
        try:
            as_of = args.as_of or question_date(record) or date.today()
            answer = answerer.ask(
                record["question"], since=args.since, until=args.until, as_of=as_of
            )
        except (DatelineError, ValueError) as exc:
            if not args.questions:
                raise
            # one bad question must not sink a batch: report it in its line and go on
            print(
                json.dumps(
                    {"id": record.get("id"), "question": record["question"], "error": str(exc)},
                    ensure_ascii=False,
                ),
                flush=True,
            )
            continue
        if args.json:
            out = answer.to_dict()
            out = {"id": record.get("id"), **out} if args.questions else out
            print(json.dumps(out, ensure_ascii=False), flush=True)
            continue
        print("\n".join(answer_lines(answer)))
        if len(records) > 1:
            print()
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from ..qa import evaluate_questions, read_questions

    records = read_questions(args.questions)
    quiet = args.json and not sys.stderr.isatty()
    metrics = evaluate_questions(
        _answerer(args, settings),
        records,
        split=args.split,
        limit=args.limit,
        progress=progress_bar(quiet, unit="question"),
    )
    print(json.dumps(metrics) if args.json else "\n".join(eval_table(metrics)))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from .app import CSS, SEED_EXAMPLES, build_app
    from .service import MAX_UPLOAD_MB, ChatService

    if args.auth is not None and ":" not in args.auth:
        raise ValueError("--auth must look like USER:PASS")
    if args.mcp:
        try:
            import mcp  # noqa: F401
        except ImportError as exc:
            raise ValueError(
                "--mcp needs the MCP extra; run `pip install 'dateline[mcp]'`"
            ) from exc
    check_port(args.host, args.port)  # before the models load, not 20 s later
    sample = not Store.exists(args.index)
    if sample:
        print(
            f"No index at {args.index} yet: indexing the bundled sample article there. To "
            f"index your own articles: `dateline index PATH --index {args.index}`, or upload "
            "them in the chat's Your articles tab...",
            file=sys.stderr,
        )
        embedder = load_embedder(args.backend, cache_dir=settings.cache_dir)
        announce(embedder)
        with writing(args.index, embedder, on_wait=waiting) as store:
            index_paths(store, seeds.paths(), embedder, progress=progress_bar(False))
    llm, reader = _readers(args, settings)
    service = ChatService(_searcher(args, settings), llm=llm, reader=reader)
    announce(service.answerer.sentence_embedder)
    print("Loading models...", file=sys.stderr)
    service.ask(SEED_EXAMPLES[0])  # load the embedder, spaCy and the index once, up front
    app = build_app(service, examples=SEED_EXAMPLES, today=date.today(), sample=sample)
    user, _, password = (args.auth or "").partition(":")
    app.queue(default_concurrency_limit=4).launch(
        server_name=args.host,
        server_port=args.port,
        share=False,
        auth=(user, password) if args.auth else None,
        mcp_server=args.mcp,
        inbrowser=not args.no_browser,
        css=CSS,
        max_file_size=f"{MAX_UPLOAD_MB}mb",
        footer_links=["api"],
        show_error=False,
        quiet=True,  # Gradio's banner suggests share=True, which Dateline never sets
        prevent_thread_lock=True,
    )
    print(f"Dateline chat on http://{args.host}:{args.port} (Ctrl+C stops it)", file=sys.stderr)
    app.block_thread()
    return 0


_COMMANDS = {
    "index": run_index,
    "search": _search,
    "ask": _ask,
    "eval": _eval,
    "chat": _chat,
    "stats": _stats,
    "check": _check,
    "remove": _remove,
}


def main_entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
