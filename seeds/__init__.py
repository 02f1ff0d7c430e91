"""The sample articles bundled with Dateline; ``dateline chat`` indexes them on first run.

A package only so that it installs as ``dateline.seeds`` in every kind of install; the
articles are the ``*.txt`` files beside this one.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["paths"]


def paths() -> list[Path]:
    """The bundled article files, in name order."""
    return sorted(Path(__file__).parent.glob("*.txt"))
