"""The one place Dateline reads environment variables (``DATELINE_*``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings"]

DEFAULT_CACHE = Path.home() / ".cache" / "dateline"


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time settings; CLI flags override what the environment gives."""

    index_dir: Path = Path(".dateline")
    backend: str | None = None  # None: the index's own backend, else DEFAULT_BACKEND
    cache_dir: Path = DEFAULT_CACHE
    llm: str | None = None
    llm_api_key: str | None = None
    reader: str = "auto"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``DATELINE_INDEX``, ``DATELINE_BACKEND``, ``DATELINE_CACHE`` (else
        ``$XDG_CACHE_HOME/dateline``), ``DATELINE_LLM`` and ``DATELINE_LLM_API_KEY`` (else
        ``OPENAI_API_KEY``) and ``DATELINE_READER``."""
        env = os.environ if environ is None else environ
        cache = env.get("DATELINE_CACHE") or (
            str(Path(env["XDG_CACHE_HOME"]) / "dateline") if env.get("XDG_CACHE_HOME") else None
        )
        return cls(
            index_dir=Path(env.get("DATELINE_INDEX") or ".dateline"),
            backend=env.get("DATELINE_BACKEND") or None,
            cache_dir=Path(cache) if cache else DEFAULT_CACHE,
            llm=env.get("DATELINE_LLM") or None,
            llm_api_key=env.get("DATELINE_LLM_API_KEY") or env.get("OPENAI_API_KEY") or None,
            reader=env.get("DATELINE_READER") or "auto",
        )
