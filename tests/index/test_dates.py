from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from dateline.index import parse_published


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2025-06-19", "2025-06-19"),
        ("2025-06-19T23:10:00+09:00", "2025-06-19"),
        ("June 19, 2025", "2025-06-19"),
        ("19 June 2025", "2025-06-19"),
        ("Thu, 19 Jun 2025 08:00:00 GMT", "2025-06-19"),
        (datetime(2025, 6, 19, 5), "2025-06-19"),
        (date(2025, 6, 19), "2025-06-19"),
        (time.strptime("2025-06-19", "%Y-%m-%d"), "2025-06-19"),
        ("2025-02-30", None),
        ("last week", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_published(value: object, expected: str | None) -> None:
    assert parse_published(value) == expected
