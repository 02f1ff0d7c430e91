"""The Your articles tab's handlers: files and URLs are indexed (with a progress bar), the
table of indexed articles is filtered, and an article is removed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..index import DatelineError
from ..index.web import is_url
from .layout import Layout
from .parts import listing, picked
from .service import ChatService
from .views import upload_status

__all__ = ["wire"]


class _GradioBar:
    """ingest's progress bar protocol on top of gr.Progress."""

    def __init__(self, progress: Any, total: int) -> None:
        self.progress, self.total, self.done = progress, max(total, 1), 0
        progress(0, desc=f"Embedding {total} chunks")

    def update(self, n: int = 1) -> None:
        self.done += n
        self.progress(self.done / self.total, desc=f"Embedding {self.done}/{self.total} chunks")

    def close(self) -> None:
        return None


def wire(
    gr: Any, app: Any, service: ChatService, layout: Layout, *, mistake: Callable[[str], Exception]
) -> None:
    """Attach the article handlers."""

    def index(sources: list[str], progress: Any) -> tuple[str, str, list[list[Any]]]:
        try:
            report = service.index_files(sources, progress=lambda n: _GradioBar(progress, n))
        except DatelineError as exc:
            raise mistake(str(exc)) from exc
        names = [s if is_url(s) else Path(s).name for s in sources]
        return upload_status(names, report), service.stats(), listing(service, "")

    def upload(
        files: list[Any] | None,
        progress: Any = gr.Progress(),  # noqa: B008 - Gradio's idiom
    ) -> tuple[str, str, list[list[Any]]]:
        if not files:
            raise mistake("Choose one or more files to index first.")
        return index([str(getattr(f, "name", f)) for f in files], progress)

    def add_url(
        url: str,
        progress: Any = gr.Progress(),  # noqa: B008 - Gradio's idiom
    ) -> tuple[str, str, list[list[Any]]]:
        if not is_url((url or "").strip()):
            raise mistake("Give the page's full address, starting with http:// or https://")
        return index([url.strip()], progress)

    def remove(article_id: str, query: str) -> tuple[str, str, list[list[Any]], str]:
        if not article_id or not article_id.strip():
            raise mistake("Click an article's row, or paste its id, to remove it.")
        try:
            service.remove(article_id.strip())
        except DatelineError as exc:
            raise mistake(str(exc)) from exc
        done = f"Removed `{article_id.strip()}`."
        return done, service.stats(), listing(service, query), ""

    ui = layout
    private = {"api_visibility": "private"}
    listed = [ui.stats, ui.table]
    ui.index_button.click(upload, [ui.files], [ui.status, *listed], concurrency_limit=1, **private)
    ui.url_button.click(add_url, [ui.url], [ui.status, *listed], concurrency_limit=1, **private)
    ui.remove_button.click(
        remove, [ui.remove_id, ui.article_filter], [ui.status, *listed, ui.remove_id], **private
    )
    ui.article_filter.change(
        lambda q: listing(service, q), [ui.article_filter], [ui.table], **private
    )
    picked.__annotations__["event"] = gr.SelectData  # how Gradio knows to pass the click
    ui.table.select(picked, None, [ui.remove_id], **private)
    # a page opened after other writers changed the index shows today's figures
    app.load(
        lambda q: (service.stats(), listing(service, q)), [ui.article_filter], listed, **private
    )
