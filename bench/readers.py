"""One reader over a question file (RealTimeQA by default), question by question.

    python bench/readers.py --index DIR --reader rules|llm|llm:1.5b --out FILE.jsonl
        [--questions FILE.jsonl] [--split all|fit|test] [--stride N]
    python bench/readers.py --report FILE.jsonl [FILE.jsonl ...] [--cut P] [--doubt D] [--support S]

The report gives the fit and the test split side by side (docs tables quote test); each
question's split is a hash of its id (dateline.qa.splits).

Each question (every ``N``th, all 552 by default) is asked as of its ``question_date`` and timed
from search to checked answer; one JSON line per question is appended to ``FILE`` (a stopped
run resumes where it stopped). ``--report`` prints, per file: EM / F1 over the answerable
questions and over the 206 gold-article ones (those GPT-3 was scored on), abstention recall /
false abstention, citations exact, and ask p50 / p95. Run each reader alone on the machine.

A local reader's doubt (its probability of "no sentence answers") and the support it was shown
(the ranker's probability for its best sentence) are recorded per question. ``--cut 0`` runs
it with no decision of its own but null; ``--report --cut P`` then gives what declining under
``P`` of ``dateline.qa.reading.answerable(support, doubt)`` would have, ``--doubt D`` what a cut
on the doubt alone, ``--support S`` what not asking the model under that support: each only
turns answers into abstentions. bench/answerable.py fits the weights from such a run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from _common import REALTIMEQA, Recording, read_jsonl


def run(
    index: Path,
    spec: str,
    out: Path,
    stride: int,
    cache: Path,
    cut: float | None,
    questions_path: Path,
    split: str,
) -> None:
    from dateline.index import Searcher
    from dateline.qa import Answerer, question_date
    from dateline.qa.evaluate import exact_match, strictly_right, token_f1
    from dateline.qa.local import reader_from_spec
    from dateline.qa.splits import select_split, split_of

    questions = select_split(read_jsonl(questions_path), split)[::stride]
    done = {r["id"] for r in read_jsonl(out)} if out.exists() else set()
    reader = reader_from_spec(spec, cache_dir=cache)
    if reader is not None and cut is not None:
        reader.cut = cut
    recording = Recording(reader) if reader is not None else None
    answerer = Answerer(Searcher.open(index, cache_dir=cache), reader=recording)
    store = answerer.searcher.store
    answerer.ask("What happened this week?")  # models loaded before the clock starts
    with open(out, "a", encoding="utf-8") as handle:
        for q in questions:
            if q["id"] in done:
                continue
            if recording is not None:
                recording.last = recording.support = None
            began = time.perf_counter()
            retrieval = answerer.retrieve(q["question"], as_of=question_date(q), k=50)
            answer = answerer.answer(retrieval)
            seconds = time.perf_counter() - began
            quote = answer.citations[0].quote if answer.citations else ""
            prediction = "" if answer.abstained else (answer.short or quote)
            scored = bool(q["answerable"] and q.get("answers"))
            row = {
                "id": q["id"],
                "split": split_of(q["id"], holdout=bool(q.get("holdout"))),
                "answerable": q["answerable"],
                "gold": bool(q.get("gold_article_ids")),
                "prediction": prediction,
                "abstained": answer.abstained,
                "confidence": answer.confidence,
                "doubt": recording.last.doubt if recording and recording.last else None,
                "support": recording.support if recording else None,
                "cited": list(dict.fromkeys(c.article_id for c in answer.citations)),
                "seconds": seconds,
                "exact": all(
                    store.article(c.article_id).text[c.start : c.end] == c.quote
                    for c in answer.citations
                ),
                "em": exact_match(prediction, q["answers"]) if scored else None,
                "f1": token_f1(prediction, q["answers"]) if scored else None,
                "right": strictly_right(prediction, q["answers"]) if scored else None,
                "paraphrase": bool(q.get("paraphrase")),
            }
            handle.write(json.dumps(row) + "\n")
            handle.flush()


def report(
    path: Path,
    doubt: float | None = None,
    questions: Path | None = None,
    support: float | None = None,
    cut: float | None = None,
) -> list[dict[str, Any]]:
    """One row per split the file holds (fit, then test), then all of them. With
    ``questions`` (the file it ran), a strictly right short answer is scored again from it."""
    from dateline.qa.evaluate import strictly_right
    from dateline.qa.splits import split_of

    rows = read_jsonl(path)
    asked = {q["id"]: q for q in read_jsonl(questions)} if questions else {}
    for r in rows:
        r.setdefault(
            "split", split_of(r["id"], holdout=bool(asked.get(r["id"], {}).get("holdout")))
        )
        if r["id"] in asked:
            q = asked[r["id"]]
            r["paraphrase"] = bool(q.get("paraphrase"))
            if r["f1"] is not None:
                r["right"] = strictly_right(r["prediction"], q["answers"])
    parts = {s: [r for r in rows if r["split"] == s] for s in ("fit", "test")}
    return [
        {"split": name, **_figures(str(path), part, doubt, support, cut)}
        for name, part in [*parts.items(), ("all", rows)]
        if part
    ]


def _figures(
    path: str,
    rows: list[dict[str, Any]],
    doubt: float | None,
    support: float | None = None,
    cut: float | None = None,
) -> dict[str, Any]:
    from dateline.qa.reading import answerable

    rows = [dict(r) for r in rows]
    for r in rows:  # as if run with these cuts
        read = r.get("doubt") is not None and r.get("support") is not None
        doubted = doubt is not None and (r.get("doubt") or 0.0) >= doubt
        gated = support is not None and read and r["support"] < support
        unlikely = cut is not None and read and answerable(r["support"], r["doubt"]) < cut
        if not r["abstained"] and (doubted or gated or unlikely):
            r["abstained"], r["prediction"] = True, ""
            if r["f1"] is not None:
                r["em"] = r["f1"] = 0.0
                r["right"] = False
    scored = [r for r in rows if r["f1"] is not None]
    judged = [r for r in scored if r.get("right") is not None]
    paraphrases = [r for r in scored if r.get("paraphrase")]
    plain = [r for r in scored if not r.get("paraphrase")]
    gold = [r for r in scored if r["gold"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    seconds = sorted(r["seconds"] for r in rows)

    def mean(items: list[dict[str, Any]], key: str) -> float:
        return round(sum(r[key] for r in items) / max(len(items), 1), 3)

    return {
        "file": path,
        "questions": len(rows),
        "em": mean(scored, "em"),
        "f1": mean(scored, "f1"),
        "gold_em": mean(gold, "em"),
        "gold_f1": mean(gold, "f1"),
        "abstain_recall": mean(unanswerable, "abstained"),
        "false_abstention": mean(scored, "abstained"),
        "right": mean(judged, "right") if judged else None,
        "right_plain": mean([r for r in plain if r.get("right") is not None], "right")
        if judged
        else None,
        "paraphrase_false_abstention": mean(paraphrases, "abstained") if paraphrases else None,
        "citations_exact": f"{sum(r['exact'] for r in rows)}/{len(rows)}",
        "ask_p50_s": round(seconds[len(seconds) // 2], 2),
        "ask_p95_s": round(seconds[int(len(seconds) * 0.95)], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--reader", default="rules")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--questions", type=Path, default=REALTIMEQA / "questions.jsonl")
    parser.add_argument("--split", choices=["all", "fit", "test"], default="all")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument("--report", type=Path, nargs="+")
    parser.add_argument("--cut", type=float, help="a local reader's cut (0: none)")
    parser.add_argument("--doubt", type=float, help="report: a cut on the doubt alone")
    parser.add_argument("--support", type=float, help="report: no model asked under it")
    args = parser.parse_args()
    if args.report:
        for path in args.report:
            for row in report(path, args.doubt, args.questions, args.support, args.cut):
                print(json.dumps(row))
        return
    if args.index is None or args.out is None:
        parser.error("--index and --out are needed to run a reader (or --report FILE)")
    run(
        args.index,
        args.reader,
        args.out,
        args.stride,
        args.cache,
        args.cut,
        args.questions,
        args.split,
    )


if __name__ == "__main__":
    main()
