"""When each article was published, as an array: date windows and the as-of cut without a
Python loop over the articles.

A :class:`Timeline` holds one day number per article position of the :class:`Layout` (its
sorted ids), built once per generation. A window is two vectorised comparisons; the chunk rows
it allows are the window indexed by ``Layout.row_article``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np

__all__ = ["Timeline"]

UNDATED = 0  # date.toordinal() is 1 for 0001-01-01, so 0 is never a day
_EPOCH = date(1970, 1, 1).toordinal()


class Timeline:
    """Publication days (``date.toordinal()``, :data:`UNDATED` for none) by article position."""

    def __init__(self, days: np.ndarray) -> None:
        self.days = days

    @classmethod
    def of(cls, order: Sequence[str], dates: Mapping[str, str | None]) -> Timeline:
        """The timeline of the articles ``order`` (ids), dated by ``dates`` (id -> ISO date)."""
        # parsed by NumPy: U10 keeps the date of a timestamp, and "" is NaT (undated)
        days = np.array([dates.get(a) or "" for a in order], "U10").astype("datetime64[D]")
        since_epoch = (days - np.datetime64("1970-01-01", "D")).astype(np.int64)
        return cls(np.where(np.isnat(days), UNDATED, since_epoch + _EPOCH).astype(np.int32))

    def between(
        self, since: date | None = None, until: date | None = None, *, keep_undated: bool = False
    ) -> np.ndarray | None:
        """True for the articles published in ``[since, until]``; None when neither is set.

        Articles without a date are left out once a bound is set, unless ``keep_undated``.
        """
        if since is None and until is None:
            return None
        days = self.days
        keep = days != UNDATED
        if since is not None:
            keep &= days >= since.toordinal()
        if until is not None:
            keep &= days <= until.toordinal()
        if keep_undated:
            keep |= days == UNDATED
        return keep
