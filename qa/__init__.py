"""Answering questions from the index (extractive answers and citations: see issue 3)."""

from __future__ import annotations

__all__: list[str] = []
