"""Each package's ``__all__`` names exactly its public members, and they all exist."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["index", "qa", "ui"])
def test_all_is_complete_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    public = {name for name in vars(module) if not name.startswith("_")} - {"annotations"}
    submodules = {name for name in public
                  if getattr(getattr(module, name), "__name__", "").startswith(f"{package}.")
                  and type(getattr(module, name)).__name__ == "module"}
    assert set(module.__all__) == public - submodules
    for name in module.__all__:
        assert getattr(module, name) is not None
