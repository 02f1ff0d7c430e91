"""The local reader's doubt as a cut of its own, on data that is not RealTimeQA: the curve.
(The reader declines on its doubt weighed with the support: bench/answerable.py.)

    python bench/doubt.py --index RTQA_DIR --seed-index SEED_DIR --reader llm:1.5b --out FILE
    python bench/doubt.py --report FILE

The local reader keeps, for each question it reads, the probability it gave to writing null
("no sentence answers") where it chose between null and an answer: its doubt. This runs the
reader with no cut over four sets, each question asked once and its doubt recorded (one
JSON line per question appended to ``FILE``; a stopped run resumes):

- ``wire`` (bench/questions/wire.jsonl, 39 answerable / 6 not) over the RealTimeQA index,
- ``seed`` (bench/questions/seed.jsonl, 14 / 6) over an index of ``seeds/``,
- ``rgb-negatives``: RGB's 100 fact questions over passages that hold no answer (all
  unanswerable),
- ``rgb-all``: the same questions over all of RGB's passages, true ones included
  (answerable).

``--reader rules`` runs the rules the same way (no doubt: the sets' figures side by side).

``--report`` prints, for each cut, what declining every reading at that doubt or more would
give: abstention recall, false abstention and F1 over the pooled sets. A cut only turns
answers into abstentions, so one run gives the whole curve.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from _common import ROOT, Recording, read_jsonl
from rgb import RGB, build

CUTS = (0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 1.01)


def sets(index: Path, seed_index: Path, cache: Path) -> list[tuple[str, Path, list[Any]]]:
    corpus = read_jsonl(RGB / "corpus.jsonl")
    negatives = [r for r in corpus if {x.split(":")[0] for x in r["roles"]} == {"negative"}]
    rgb = read_jsonl(RGB / "questions.jsonl")
    return [
        ("wire", index, read_jsonl(ROOT / "bench" / "questions" / "wire.jsonl")),
        ("seed", seed_index, read_jsonl(ROOT / "bench" / "questions" / "seed.jsonl")),
        (
            "rgb-negatives",
            build("rgb-negatives", negatives, cache),
            [{**q, "answerable": False} for q in rgb],
        ),
        ("rgb-all", build("rgb-all", corpus, cache), [{**q, "answerable": True} for q in rgb]),
    ]


def run(index: Path, seed_index: Path, spec: str, out: Path, cache: Path) -> None:
    from datetime import date

    from dateline.index import Searcher
    from dateline.qa import Answerer
    from dateline.qa.evaluate import exact_match, token_f1
    from dateline.qa.local import reader_from_spec

    reader = reader_from_spec(spec, cache_dir=cache)
    if reader is not None:
        reader.cut = 0.0  # no cut: every reading's doubt is recorded
    recording = Recording(reader) if reader is not None else None  # rules: no doubt
    done = {(r["set"], r["id"]) for r in read_jsonl(out)} if out.exists() else set()
    with open(out, "a", encoding="utf-8") as handle:
        for name, folder, questions in sets(index, seed_index, cache):
            answerer = Answerer(Searcher.open(folder, cache_dir=cache), reader=recording)
            for number, q in enumerate(questions):
                key = str(q.get("id", number))
                if (name, key) in done:
                    continue
                if recording is not None:
                    recording.last = None
                day = q.get("question_date")
                answer = answerer.ask(q["question"], as_of=date.fromisoformat(day) if day else None)
                prediction = "" if answer.abstained else answer.short
                last = recording.last if recording is not None else None
                row = {
                    "set": name,
                    "id": key,
                    "answerable": bool(q["answerable"] and q.get("answers")),
                    "abstained": answer.abstained,
                    "doubt": None if last is None else last.doubt,
                    "em": exact_match(prediction, q["answers"]) if q.get("answers") else None,
                    "f1": token_f1(prediction, q["answers"]) if q.get("answers") else None,
                }
                handle.write(json.dumps(row) + "\n")
                handle.flush()


def cut(rows: list[dict[str, Any]], at: float) -> dict[str, Any]:
    """What declining every reading whose doubt is ``at`` or more gives."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]

    def declined(r: dict[str, Any]) -> bool:
        return bool(r["abstained"] or (r["doubt"] is not None and r["doubt"] >= at))

    return {
        "cut": at,
        "abstain_recall": round(sum(map(declined, unanswerable)) / max(len(unanswerable), 1), 3),
        "false_abstention": round(sum(map(declined, answerable)) / max(len(answerable), 1), 3),
        "f1": round(
            sum(0.0 if declined(r) else r["f1"] for r in answerable) / max(len(answerable), 1), 3
        ),
        "em": round(
            sum(0.0 if declined(r) else r.get("em") or 0.0 for r in answerable)
            / max(len(answerable), 1),
            3,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="the RealTimeQA index (for the wire set)")
    parser.add_argument("--seed-index", type=Path, help="an index of seeds/")
    parser.add_argument("--reader", default="llm:1.5b")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    args = parser.parse_args()
    if args.report:
        rows = read_jsonl(args.report)
        counts = {
            s: sum(1 for r in rows if r["set"] == s) for s in dict.fromkeys(r["set"] for r in rows)
        }
        print(json.dumps({"questions": counts}))
        for at in CUTS:
            print(json.dumps(cut(rows, at)))
        return
    if args.index is None or args.seed_index is None or args.out is None:
        parser.error("--index, --seed-index and --out are needed to run (or --report FILE)")
    run(args.index, args.seed_index, args.reader, args.out, args.cache)


if __name__ == "__main__":
    main()
