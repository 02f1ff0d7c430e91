"""The ``dateline`` command: ``index``, ``search``, ``stats``, ``remove``.

Exit codes: 0 success, 1 a user or data error (one ``Error: ...`` line saying what to do
next; also a partial index run where some inputs were skipped), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..index import (
    BACKENDS,
    DEFAULT_BACKEND,
    INDEX_KINDS,
    MODES,
    ChunkSettings,
    DatelineError,
    MiniLMEmbedder,
    Searcher,
    Store,
    index_paths,
    parse_published,
)

from .. import seeds
from .settings import Settings

__all__ = ["build_parser", "main", "main_entry"]


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index", type=Path, default=settings.index_dir, metavar="DIR",
                        help=f"index folder (default: $DATELINE_INDEX, else ./.dateline; "
                             f"now {settings.index_dir})")
    parser = argparse.ArgumentParser(
        prog="dateline", description="Ask questions about news articles, with citations.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("index", parents=[common], help="add articles to the index",
                            description="Index text, JSONL, HTML and RSS/Atom files or folders.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--backend", choices=BACKENDS, default=settings.backend,
                   help=f"embedding backend (default: $DATELINE_BACKEND, else the index's, "
                        f"else {DEFAULT_BACKEND})")
    p.add_argument("--index-kind", choices=INDEX_KINDS, default=None,
                   help="FAISS index: exact 'flat' (default), or 'hnsw'/'ivf' for large corpora")
    p.add_argument("--chunk-tokens", type=int, default=None,
                   help=f"chunk size in model tokens (new index only; default "
                        f"{ChunkSettings().max_tokens})")
    p.add_argument("--overlap-tokens", type=int, default=None,
                   help=f"overlap between chunks (default {ChunkSettings().overlap_tokens})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser("search", parents=[common], help="find the passages for a query")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--since", type=_iso_date, help="only articles published on or after "
                                                   "YYYY-MM-DD")
    p.add_argument("--until", type=_iso_date, help="only articles published on or before "
                                                   "YYYY-MM-DD")
    p.add_argument("--mode", choices=MODES, default="hybrid",
                   help="hybrid (dense + BM25, default), dense or lexical")
    p.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD",
                   help="the reader's day (default: today): later articles are left out, "
                        "recent ones preferred")
    p.add_argument("--backend", choices=BACKENDS, default=settings.backend,
                   help="embedding backend for queries (default: the index's)")

    p = commands.add_parser("ask", parents=[common], help="answer a question, with citations",
                            description="Answer from the indexed articles, citing exact quotes; "
                                        "says so when they don't answer.")
    p.add_argument("question", nargs="?")
    p.add_argument("--questions", type=Path, metavar="FILE.jsonl",
                   help="answer each {id, question} line; one JSON object per line out")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", type=_iso_date)
    p.add_argument("--until", type=_iso_date)
    p.add_argument("--as-of", type=_iso_date, metavar="YYYY-MM-DD",
                   help="the reader's day (default: today): later articles are left out, "
                        "recent ones preferred")
    p.add_argument("--backend", choices=BACKENDS, default=settings.backend,
                   help="embedding backend for queries (default: the index's)")
    p.add_argument("--cross-encoder", type=Path, metavar="DIR",
                   help="rerank sentences with a local sentence-transformers CrossEncoder")
    p.add_argument("--llm", default=settings.llm, metavar="SPEC",
                   help="write answers with a chat model: ollama:MODEL[@URL] or "
                        "openai:MODEL[@BASE_URL] (default: $DATELINE_LLM, else extractive)")

    p = commands.add_parser("eval", parents=[common], help="score answers on a question file")
    p.add_argument("questions", type=Path, metavar="QUESTIONS.jsonl")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--backend", choices=BACKENDS, default=settings.backend,
                   help="embedding backend for queries (default: the index's)")
    p.add_argument("--llm", default=settings.llm, metavar="SPEC")

    p = commands.add_parser("chat", parents=[common], help="open the browser chat",
                            description="Start the chat; with no index yet, index the bundled "
                                        "sample articles first.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", metavar="USER:PASS", help="require this login")
    p.add_argument("--mcp", action="store_true",
                   help="also serve MCP tools search_news and ask_news (needs dateline[mcp])")
    p.add_argument("--llm", default=settings.llm, metavar="SPEC",
                   help="offer LLM answers: ollama:MODEL[@URL] or openai:MODEL[@BASE_URL]")
    p.add_argument("--no-browser", action="store_true", help="don't open a browser tab")
    p.add_argument("--backend", choices=BACKENDS, default=settings.backend,
                   help="embedding backend for queries (default: the index's)")

    p = commands.add_parser("stats", parents=[common], help="what the index holds")
    p.add_argument("--json", action="store_true")

    p = commands.add_parser("remove", parents=[common], help="delete articles by id")
    p.add_argument("ids", nargs="+", metavar="ID")
    return parser


def _iso_date(value: str) -> str:
    parsed = parse_published(value)
    if parsed is None or len(value.strip()) != 10:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-06-19")
    return parsed


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


def _embedder(args: argparse.Namespace, settings: Settings,
              store: Store | None = None) -> MiniLMEmbedder:
    """The embedder for this run: --backend, else the index's own, else the default."""
    backend = args.backend or (store.manifest["backend"] if store is not None
                               else DEFAULT_BACKEND)
    embedder = MiniLMEmbedder(backend, cache_dir=settings.cache_dir)
    if embedder.needs_export:
        print(f"Preparing the {backend} model (once, ~20 s)...", file=sys.stderr)
    return embedder


def _progress_bar(quiet: bool) -> Any:
    def progress(total: int) -> Any:
        from tqdm import tqdm

        return tqdm(total=total, unit="chunk", desc="Embedding", file=sys.stderr,
                    disable=quiet or total == 0, mininterval=1.0, dynamic_ncols=True)

    return progress


def _index(args: argparse.Namespace, settings: Settings) -> int:
    existing = Store.open(args.index) if Store.exists(args.index) else None
    embedder = _embedder(args, settings, existing)
    chunking = None
    if args.chunk_tokens is not None or args.overlap_tokens is not None:
        default = ChunkSettings()
        chunking = ChunkSettings(args.chunk_tokens or default.max_tokens,
                                 default.overlap_tokens if args.overlap_tokens is None
                                 else args.overlap_tokens)
        if chunking.max_tokens > embedder.max_tokens:
            raise ValueError(f"--chunk-tokens {chunking.max_tokens} is over the model's limit "
                             f"of {embedder.max_tokens}")
    store = Store.open_or_create(args.index, model=embedder.name, backend=embedder.backend,
                                 dim=embedder.dim, chunking=chunking, index_kind=args.index_kind)

    report = index_paths(store, args.paths, embedder, progress=_progress_bar(args.quiet))
    for skipped in report.skipped:
        print(f"Skipped {skipped}", file=sys.stderr)
    counts = report.counts()
    print(f"{counts['added']} added, {counts['unchanged']} unchanged, "
          f"{counts['replaced']} replaced, {counts['skipped']} skipped "
          f"({counts['chunks_embedded']} chunks embedded, {counts['chunks_reused']} reused) "
          f"-> {args.index}: {len(store.article_ids())} articles, {len(store)} chunks")
    if report.partial:
        print(f"Error: {counts['skipped']} input(s) could not be read (listed above); fix or "
              f"remove them and run the same command again", file=sys.stderr)
        return 1
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    if args.k < 1:
        raise ValueError(f"-k must be at least 1, got {args.k}")
    store = Store.open(args.index)
    embedder = _embedder(args, settings, store)
    hits = Searcher(store, embedder).search(args.query, args.k, since=args.since,
                                            until=args.until, mode=args.mode,
                                            as_of=args.as_of or date.today().isoformat())
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("No matching passages (is the date window right? `dateline stats` shows the dates "
              "covered)")
    for hit in hits:
        meta = ", ".join(x for x in (hit.article.published, hit.article.source) if x)
        print(f"{hit.rank}. {hit.article.title} ({meta})  score {hit.score:.3f}")
        print(f"   {hit.chunk.id}")
        print(textwrap.indent(textwrap.fill(" ".join(hit.chunk.text.split()), 96), "   "))
        print()
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    stats = Store.open(args.index).stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    print(f"Index:     {stats['path']}")
    print(f"Articles:  {stats['counts']['articles']}")
    print(f"Chunks:    {stats['counts']['chunks']}")
    print(f"Dates:     {stats['dates']['first'] or '-'} to {stats['dates']['last'] or '-'}")
    print(f"Model:     {stats['model']} ({stats['dim']}-d, {stats['backend']})")
    chunking = stats["chunking"]
    print(f"Chunks of: {chunking['max_tokens']} tokens, overlap {chunking['overlap_tokens']}")
    print(f"FAISS:     {stats['index_kind']}")
    print(f"Updated:   {stats['updated']}")
    return 0


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    store = Store.open(args.index)
    missing = [i for i in args.ids if i not in store]
    if missing:
        raise ValueError(f"no article with id {', '.join(missing)} in {args.index}; "
                         f"`dateline search` shows article ids")
    for article_id in args.ids:
        store.remove(article_id)
    store.save()
    print(f"Removed {len(args.ids)} article(s); {len(store.article_ids())} left")
    return 0


def _answerer(args: argparse.Namespace, settings: Settings) -> Any:
    from ..qa import Answerer

    llm = None
    if args.llm:
        from .llm import chat_model_from_spec

        llm = chat_model_from_spec(args.llm, api_key=settings.llm_api_key)
    cross_encoder = None
    if getattr(args, "cross_encoder", None) is not None:
        if not args.cross_encoder.is_dir():
            raise ValueError(f"no CrossEncoder model folder at {args.cross_encoder}")
        from sentence_transformers import CrossEncoder

        cross_encoder = CrossEncoder(str(args.cross_encoder), device="cpu")
    store = Store.open(args.index)
    return Answerer(Searcher(store, _embedder(args, settings, store)), llm=llm,
                    cross_encoder=cross_encoder)


def _read_questions(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise ValueError(f"no question file at {path}")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: broken JSON ({exc.msg}); each line must be "
                             f'{{"id": ..., "question": ...}}') from exc
        if not isinstance(record, dict) or not str(record.get("question", "")).strip():
            raise ValueError(f"{path}:{number}: no 'question' field")
        records.append(record)
    return records


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    if (args.question is None) == (args.questions is None):
        raise ValueError('give one question, or --questions FILE.jsonl (not both)')
    records = (_read_questions(args.questions) if args.questions
               else [{"id": None, "question": args.question}])
    answerer = _answerer(args, settings)
    for record in records:
        as_of = args.as_of or record.get("question_date") or date.today().isoformat()
        try:
            answer = answerer.ask(record["question"], since=args.since, until=args.until,
                                  as_of=as_of)
        except (DatelineError, ValueError) as exc:
            if not args.questions:
                raise
            # one bad question must not sink a batch: report it in its line and go on
            print(json.dumps({"id": record.get("id"), "question": record["question"],
                              "error": str(exc)}, ensure_ascii=False), flush=True)
            continue
        if args.json:
            out = answer.to_dict()
            if args.questions:
                out = {"id": record.get("id"), **out}
            print(json.dumps(out, ensure_ascii=False), flush=True)
            continue
        print(answer.text)
        if answer.reading:
            print(f"(time words {answer.reading})")
        if answer.citations:
            print("\nSources:")
        for c in answer.citations:
            meta = ", ".join(x for x in (c.published, c.url) if x)
            print(f"[{c.n}] {c.title} ({meta or 'undated'})")
            print(f"    “{c.quote}”\n    {c.article_id}, characters {c.start}-{c.end}")
        for hit in answer.related:
            print(f"Related: {hit.article.title} ({hit.article.published or 'undated'}) "
                  f"{hit.chunk.id}")
        if len(records) > 1:
            print()
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from ..qa import evaluate

    records = _read_questions(args.questions)[: args.limit]
    answerer = _answerer(args, settings)
    from tqdm import tqdm

    dated = any(r.get("question_date") for r in records)
    runs = [True, False] if dated else [False]
    results = {}
    for use_dates in runs:
        bar = tqdm(total=len(records), unit="question", file=sys.stderr, mininterval=2,
                   desc="as of question dates" if use_dates else "no as-of date",
                   disable=args.json and not sys.stderr.isatty())
        try:
            results[use_dates] = evaluate(answerer, records, use_question_date=use_dates,
                                          on_question=bar.update).metrics()
        finally:
            bar.close()
    metrics: dict[str, Any] = dict(results[runs[0]])
    if dated:
        metrics["as_of"] = "question_date"
        metrics["without_as_of"] = results[False]
    if args.json:
        print(json.dumps(metrics))
        return 0
    if dated:
        print("Questions carry question_date: each is asked as of that day (first column); "
              "the second column ignores it.")
    labels = {"questions": "questions", "mrr@10": "gold article MRR@10", "hit@1": "hit@1",
              "hit@10": "hit@10", "em": "exact match", "f1": "token F1",
              "abstain_precision": "abstention precision", "abstain_recall": "abstention recall",
              "false_abstention": "false abstention", "citations_exact": "citations exact"}
    for key, label in labels.items():
        row = [results[use][key] for use in runs]
        print(f"{label:24}" + "".join(f"{v:>10}" if isinstance(v, int) else f"{v:>10.3f}"
                                      for v in row))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from ..qa import Answerer

    from .app import CSS, MAX_UPLOAD_MB, SEED_EXAMPLES, ChatService, build_app

    if args.auth is not None and ":" not in args.auth:
        raise ValueError("--auth must look like USER:PASS")
    if args.mcp:
        try:
            import mcp  # noqa: F401
        except ImportError as exc:
            raise ValueError("--mcp needs the MCP extra; run `pip install 'dateline[mcp]'`") \
                from exc
    existing = Store.open(args.index) if Store.exists(args.index) else None
    embedder = _embedder(args, settings, existing)
    if existing is None:
        print(f"No index at {args.index} yet: indexing the bundled sample articles...",
              file=sys.stderr)
        store = Store.open_or_create(args.index, model=embedder.name, backend=embedder.backend,
                                     dim=embedder.dim)
        index_paths(store, seeds.paths(), embedder, progress=_progress_bar(False))
    llm = None
    if args.llm:
        from .llm import chat_model_from_spec

        llm = chat_model_from_spec(args.llm, api_key=settings.llm_api_key)
    answerer = Answerer(Searcher(Store.open(args.index), embedder))
    print("Loading models...", file=sys.stderr)
    answerer.ask(SEED_EXAMPLES[0])  # load the embedder, spaCy and the index once, up front
    app = build_app(ChatService(answerer, args.index, llm=llm), examples=SEED_EXAMPLES,
                    today=date.today().isoformat())
    user, _, password = (args.auth or "").partition(":")
    app.queue(default_concurrency_limit=4).launch(
        server_name=args.host, server_port=args.port, share=False,
        auth=(user, password) if args.auth else None, mcp_server=args.mcp,
        inbrowser=not args.no_browser, css=CSS, max_file_size=f"{MAX_UPLOAD_MB}mb",
        footer_links=["api"], show_error=False)
    return 0


_COMMANDS = {"index": _index, "search": _search, "ask": _ask, "eval": _eval, "chat": _chat,
             "stats": _stats, "remove": _remove}


def main_entry() -> None:
    """Console-script entry point."""
    raise SystemExit(main())
