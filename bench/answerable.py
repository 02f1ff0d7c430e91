"""Fit the local reader's answerability, ``dateline.qa.reading.ANSWERABLE``: a logistic of the
ranker's support and the model's doubt that says whether the shown sentences answer.

    python bench/readers.py --index DIR --reader llm:1.5b --split fit --stride 2 --cut 0 \
        --out FIT.jsonl
    python bench/answerable.py FIT.jsonl

Fitted on the fit split's questions the model answered (answerable ones are positives,
unanswerable ones negatives), on logit(support) and logit(doubt), then printed with what
each cut gives on the whole fit split; ``bench/readers.py --report FILE --cut P`` gives the
same for any recording (the test split: only to report).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from _common import read_jsonl
from readers import report


def fit(rows: list[dict]) -> np.ndarray:
    """Weights of logit(support), logit(doubt) and the bias, by gradient descent on the log
    loss with a little L2 on the two weights."""
    from dateline.qa.reading import logit

    read = [r for r in rows if not r["abstained"] and r.get("doubt") is not None]
    x = np.array([[logit(r["support"]), logit(r["doubt"]), 1.0] for r in read])
    y = np.array([1.0 if r["answerable"] else 0.0 for r in read])
    w = np.zeros(3)
    for _ in range(5000):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        w -= 0.05 * (x.T @ (p - y) / len(y) + 0.01 * np.r_[w[:2], 0.0])
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path, help="bench/readers.py --cut 0 output")
    args = parser.parse_args()
    rows = [r for r in read_jsonl(args.recording) if r["split"] == "fit"]
    weights = fit(rows)
    print(json.dumps({"ANSWERABLE": [round(float(w), 3) for w in weights]}))
    from dateline.qa import reading

    reading.ANSWERABLE = tuple(round(float(w), 3) for w in weights)
    for cut in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        fit_row = report(args.recording, cut=cut)[0]
        keys = ("split", "questions", "f1", "abstain_recall", "false_abstention")
        print(json.dumps({"cut": cut, **{k: fit_row[k] for k in keys}}))


if __name__ == "__main__":
    main()
