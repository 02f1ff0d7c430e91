from __future__ import annotations

import pytest

from dateline.qa import select_split, split_of
from dateline.qa.splits import FIT_SHARE, split_counts


def test_the_split_is_a_pure_function_of_the_id() -> None:
    ids = [f"20220617_{n}" for n in range(200)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in reversed(ids)][::-1]
    # pinned: a change of the hash or its salt would move questions between fit and test,
    # and every figure reported on test would silently stop being a test figure
    assert [split_of(i) for i in ["20220617_0", "20220617_1", "q1", "q2", "seed-01"]] == [
        "test",
        "fit",
        "test",
        "fit",
        "test",
    ]


def test_about_sixty_percent_fit() -> None:
    counts = split_counts([{"id": f"question-{n}"} for n in range(5000)])
    assert counts["fit"] + counts["test"] == 5000
    assert abs(counts["fit"] / 5000 - FIT_SHARE) < 0.03


def test_select_split_partitions_and_keeps_order() -> None:
    records = [{"id": f"x{n}", "question": "?"} for n in range(300)]
    fit, test = select_split(records, "fit"), select_split(records, "test")
    assert fit and test
    assert {r["id"] for r in fit}.isdisjoint(r["id"] for r in test)
    assert sorted(fit + test, key=lambda r: int(r["id"][1:])) == records
    assert [r["id"] for r in fit] == sorted((r["id"] for r in fit), key=lambda i: int(i[1:]))
    assert select_split(records, "all") == records


def test_a_question_does_not_move_when_others_are_added() -> None:
    few = [{"id": f"a{n}"} for n in range(50)]
    many = few + [{"id": f"b{n}"} for n in range(500)]
    assert select_split(few, "test") == [r for r in select_split(many, "test") if r in few]


def test_holdout_records_are_always_test() -> None:
    fit_ids = [r["id"] for r in select_split([{"id": f"h{n}"} for n in range(40)], "fit")]
    held = [{"id": i, "holdout": True} for i in fit_ids]
    assert select_split(held, "fit") == []
    assert select_split(held, "test") == held


def test_bad_split_and_missing_id_say_what_to_do() -> None:
    with pytest.raises(ValueError, match="split must be one of test, fit, all, not 'train'"):
        select_split([{"id": "a"}], "train")
    with pytest.raises(ValueError, match=r"question 2 has no 'id'.*--split all"):
        select_split([{"id": "a"}, {"question": "?"}], "test")
    assert select_split([{"question": "?"}], "all") == [{"question": "?"}]
    with pytest.raises(ValueError, match="non-empty string"):
        split_of("")


def test_a_strictly_right_answer_holds_an_accepted_one_and_little_more() -> None:
    from dateline.qa.evaluate import strictly_right

    assert strictly_right("About 300 residents", ["300"])
    assert strictly_right("The regional government", ["regional government"])
    assert not strictly_right("", ["300"])
    assert not strictly_right("3,000", ["300"])
    assert not strictly_right("Mayor Tomas Berg cut the ribbon in front of 300 residents", ["300"])
    assert not strictly_right("4%", ["8 percent"])
    assert strictly_right("14,000", ["around 14,000 troops", "14,000"])
