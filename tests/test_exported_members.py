"""Each package's ``__all__`` names exactly its public members, and they all exist."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["dateline.index", "dateline.qa", "dateline.ui"])
def test_all_is_complete_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    public = {name for name in vars(module) if not name.startswith("_")} - {"annotations"}
    submodules = {
        name
        for name in public
        if getattr(getattr(module, name), "__name__", "").startswith(f"{package}.")
        and type(getattr(module, name)).__name__ == "module"
    }
    assert set(module.__all__) == public - submodules
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_the_package_root_exports_what_users_import() -> None:
    import dateline

    assert dir(dateline) == sorted(dateline.__all__)
    for name in dateline.__all__:
        assert getattr(dateline, name) is not None
    from dateline import Answerer, DatelineRetriever, index_paths
    from dateline.index import index_paths as home
    from dateline.index.retriever import DatelineRetriever as adapter
    from dateline.qa import Answerer as answerer

    assert (Answerer, DatelineRetriever, index_paths) == (answerer, adapter, home)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        dateline.nothing  # noqa: B018
