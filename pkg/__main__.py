"""``python -m dateline`` is the ``dateline`` command."""

from __future__ import annotations

from .ui.cli import main_entry

main_entry()
