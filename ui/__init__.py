"""Every way a person or a program reaches Dateline: the ``dateline`` CLI and the chat."""

from __future__ import annotations

from .cli import main
from .settings import Settings

__all__ = ["Settings", "main"]
