"""Text shapes for people, shared by the CLI and the app: answers, hits, stats, eval tables."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ..index import Hit, IngestReport
from ..index.vectors import AUTO_HNSW_ROWS
from ..qa import Answer
from .render import reader_name

__all__ = [
    "answer_lines",
    "counted",
    "eval_table",
    "hit_lines",
    "index_summary",
    "stats_lines",
    "stats_markdown",
    "upload_status",
]

EVAL_LABELS = {
    "questions": "questions",
    "mrr@10": "gold article MRR@10",
    "hit@1": "hit@1",
    "hit@10": "hit@10",
    "em": "exact match",
    "f1": "token F1",
    "abstain_precision": "abstention precision",
    "abstain_recall": "abstention recall",
    "false_abstention": "false abstention",
    "citations_exact": "citations exact",
}


def counted(n: int, noun: str) -> str:
    """``1 article``, ``2 articles``, ``1,000 chunks``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def index_summary(counts: dict[str, int], where: object, articles: int, chunks: int) -> str:
    """The line ``dateline index`` ends with."""
    return (
        f"{counts['added']} added, {counts['unchanged']} unchanged, "
        f"{counts['replaced']} replaced, {counts['skipped']} skipped "
        f"({counted(counts['chunks_embedded'], 'chunk')} embedded, "
        f"{counts['chunks_reused']:,} reused) -> {where}: {counted(articles, 'article')}, "
        f"{counted(chunks, 'chunk')}"
    )


def upload_status(names: list[str], report: IngestReport) -> str:
    """The chat's line after an upload of ``names`` (file names or URLs): what was indexed,
    or that nothing was and why, then each input skipped and its reason."""
    counts = report.counts()
    more = f"{len(names) - 5} more and " if len(names) > 5 else ""
    shown = more + ", ".join(names[-5:])  # the newest files come last
    skipped = [f"- skipped `{Path(s.where).name}`: {s.reason}" for s in report.skipped]
    if not any(counts[k] for k in ("added", "unchanged", "replaced")):
        why = (
            f"{counted(counts['skipped'], 'input')} could not be read (listed below); fix "
            "them and upload again"
            if skipped
            else "no articles found; give text (.txt, .md), JSONL, JSON, HTML, RSS/Atom, "
            "PDF or Word files"
        )
        return "\n".join([f"**Nothing was added** from {shown}: {why}.", *skipped])
    line = (
        f"**Indexed** {shown}: {counts['added']} added, {counts['unchanged']} unchanged, "
        f"{counts['replaced']} replaced, {counts['skipped']} skipped."
    )
    return "\n".join([line, *skipped])


def stats_markdown(stats: dict[str, Any]) -> str:
    dates = stats["dates"]
    return (
        f"**{counted(stats['counts']['articles'], 'article')}**, "
        f"{counted(stats['counts']['chunks'], 'chunk')} · "
        f"dates {dates['first'] or '–'} to {dates['last'] or '–'} · model "
        f"`{stats['model'].split('/')[-1]}` ({stats['backend']})"
    )


def stats_lines(stats: dict[str, Any]) -> list[str]:
    chunking = stats["chunking"]
    return [
        f"Index:     {stats['path']}",
        f"Articles:  {stats['counts']['articles']}",
        f"Chunks:    {stats['counts']['chunks']}",
        f"Dates:     {stats['dates']['first'] or '-'} to {stats['dates']['last'] or '-'}",
        f"Model:     {stats['model']} ({stats['dim']}-d, {stats['backend']})",
        f"Chunks of: {chunking['max_tokens']} tokens, overlap {chunking['overlap_tokens']}",
        f"FAISS:     {stats['faiss']}"
        + (
            f" (auto: {AUTO_HNSW_ROWS:,} chunks and up get hnsw)"
            if stats["index_kind"] == "auto"
            else ""
        ),
        f"Updated:   {stats['updated']}",
    ]


def hit_lines(hit: Hit) -> list[str]:
    meta = ", ".join(x for x in (hit.article.published, hit.article.source) if x)
    return [
        f"{hit.rank}. {hit.article.title} ({meta})  score {hit.score:.3f}",
        f"   {hit.chunk.id}",
        textwrap.indent(textwrap.fill(" ".join(hit.chunk.text.split()), 96), "   "),
        "",
    ]


def answer_lines(answer: Answer) -> list[str]:
    lines = [answer.text]
    if answer.reading:
        lines.append(f"(time words {answer.reading})")
    if answer.citations:
        lines.append("\nSources:")
    for c in answer.citations:
        meta = ", ".join(x for x in (c.published, c.url) if x)
        lines.append(f"[{c.n}] {c.title} ({meta or 'undated'})")
        page = f"page {c.page}, " if c.page else ""
        lines.append(f"    “{c.quote}”\n    {c.article_id}, {page}characters {c.start}-{c.end}")
    for hit in answer.related:
        lines.append(
            f"Related: {hit.article.title} ({hit.article.published or 'undated'}) {hit.chunk.id}"
        )
    lines.append(f"\nAnswered by {reader_name(answer.reader)}.")
    return lines


def eval_table(metrics: dict[str, Any]) -> list[str]:
    """``dateline eval``'s table: one column, or two when the questions carry dates."""
    runs = [metrics, metrics["without_as_of"]] if "without_as_of" in metrics else [metrics]
    lines = [
        f"Split: {metrics['split']} ({metrics['questions']} of {metrics['of_questions']} "
        "questions; fit/test by a hash of each question id)"
    ]
    if len(runs) == 2:
        lines.append(
            "Questions carry question_date: each is asked as of that day (first "
            "column); the second column ignores it."
        )
    for key, label in EVAL_LABELS.items():
        row = [run[key] for run in runs]
        lines.append(
            f"{label:24}"
            + "".join(f"{v:>10}" if isinstance(v, int) else f"{v:>10.3f}" for v in row)
        )
    return lines
