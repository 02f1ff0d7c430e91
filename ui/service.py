"""What the chat and its API call: answers, searches, uploads and removals over one index
folder. The service owns its searcher; uploads are indexed into a separate store instance,
then swapped in, so the chat keeps answering meanwhile."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..index import (
    Article,
    DatelineError,
    IngestReport,
    Manifest,
    ProgressFactory,
    Searcher,
    Store,
    index_paths,
    writing,
)
from ..index.web import is_url
from ..qa import Answer, Answerer, Turn
from ..qa.readers import Reader
from .views import stats_markdown

__all__ = ["MAX_UPLOAD_MB", "ChatService"]

MAX_UPLOAD_MB = 20


class ChatService:
    """Answers, searches, uploads and removals over the index ``searcher`` reads."""

    def __init__(
        self, searcher: Searcher, *, llm: Any = None, reader: Reader | None = None, nlp: Any = None
    ) -> None:
        self.llm = llm
        self.reader = reader
        self.answerer = Answerer(searcher, nlp=nlp)
        self._write_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        backend: str | None = None,
        cache_dir: Path | None = None,
        llm: Any = None,
    ) -> ChatService:
        """The service over the index folder at ``path`` (queries embedded with the index's
        own backend unless ``backend`` says otherwise)."""
        return cls(Searcher.open(path, backend=backend, cache_dir=cache_dir), llm=llm)

    @property
    def searcher(self) -> Searcher:
        return self.answerer.searcher

    def refresh(self) -> None:
        """Answer from the index on disk: when another process (``dateline index``,
        ``dateline remove``) saved a new generation, open it (one manifest read per request;
        IndexNotFound when the folder's index is gone)."""
        store = self.searcher.store
        if Manifest.read(store.path).generation == store.manifest.generation:
            return
        with self._write_lock:
            if Manifest.read(store.path).generation != self.searcher.store.manifest.generation:
                self._swap(Store.open(store.path))

    @property
    def index_dir(self) -> Path:
        return self.searcher.store.path

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        *,
        k: int | None = None,
        since: date | None = None,
        until: date | None = None,
        as_of: date | None = None,
        mode: str | None = None,
        on_text: Callable[[str], object] | None = None,
    ) -> Answer:
        """Answer with ``mode``: ``local`` (the local model), ``extractive`` (the rules) or
        ``llm``; by default the local model when one is loaded, else the rules."""
        self.refresh()
        answerer = self.answerer
        if mode is None:
            mode = "local" if self.reader is not None else "extractive"
        if mode == "llm" and self.llm is None:
            raise DatelineError(
                "No LLM is configured; start with `dateline chat --llm ollama:MODEL` or use "
                "extractive mode"
            )
        if mode == "local" and self.reader is None:
            raise DatelineError(
                "No local model is configured; start with `dateline chat --reader llm` or use "
                "extractive mode"
            )
        if k is not None or mode != "extractive":
            answerer = Answerer(
                answerer.searcher,
                threshold=answerer.threshold,
                k=k or answerer.k,
                nlp=answerer.nlp,
                llm=self.llm if mode == "llm" else None,
                reader=self.reader if mode == "local" else None,
            )
        return answerer.ask(
            question, history, since=since, until=until, as_of=as_of, on_text=on_text
        )

    def waits_for_model(self, mode: str | None) -> bool:
        """Whether a question asked now in ``mode`` waits for the local model, busy with
        another question (it reads one at a time)."""
        if mode not in (None, "local") or self.reader is None:
            return False
        return bool(getattr(self.reader, "busy", False))

    def ask_streaming(self, question: str, *args: Any, **options: Any) -> Iterator[str | Answer]:
        """:meth:`ask` in a worker thread: yields the model's text as it is written (the
        latest, unchecked), then the checked :class:`Answer`; its errors are raised here."""
        written: queue.SimpleQueue[str] = queue.SimpleQueue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["answer"] = self.ask(question, *args, on_text=written.put, **options)
            except BaseException as exc:  # raised in the caller's thread below
                outcome["error"] = exc

        worker = threading.Thread(target=work, name="dateline-answer", daemon=True)
        worker.start()
        while worker.is_alive() or not written.empty():
            try:
                text = written.get(timeout=0.1)
            except queue.Empty:
                continue
            while not written.empty():  # only the latest text is worth showing
                text = written.get_nowait()
            yield text
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        yield outcome["answer"]

    def search(self, query: str, k: int = 5, as_of: date | None = None) -> list[dict[str, Any]]:
        self.refresh()
        return [h.to_dict() for h in self.searcher.search(query, k, as_of=as_of)]

    def article(self, article_id: str) -> Article:
        return self.searcher.store.article(article_id)

    def index_files(
        self, paths: Sequence[str | Path], progress: ProgressFactory | None = None
    ) -> IngestReport:
        """Index files (or http(s) URLs) into a separate store instance, then swap it in for
        the chat."""
        for path in paths:
            if isinstance(path, str) and is_url(path):
                continue  # fetched with the upload cap as its limit
            size = Path(path).stat().st_size
            if size > MAX_UPLOAD_MB * 2**20:
                raise DatelineError(
                    f"{Path(path).name} is {size / 2**20:.1f} MB; files up to "
                    f"{MAX_UPLOAD_MB} MB can be uploaded"
                )
        with self._write_lock, writing(self.index_dir, self.searcher.embedder) as store:
            report = index_paths(store, paths, self.searcher.embedder, progress=progress)
            self._swap(store)
        return report

    def remove(self, article_id: str) -> None:
        with self._write_lock, writing(self.index_dir) as store:
            store.remove(article_id)
            store.save()
            self._swap(store)

    def _swap(self, store: Store) -> None:
        """Answer from ``store`` from now on: the instance that was just saved, so the folder
        is not read again."""
        self.answerer.searcher = Searcher(store, self.searcher.embedder)

    def stats(self) -> str:
        self.refresh()
        return stats_markdown(self.searcher.store.stats())

    def articles(self, query: str = "") -> list[list[Any]]:
        """The indexed articles as table rows ``[title, date, source, chunks, id]``, newest
        first; ``query`` keeps those whose title, source, date or id contains it (any case)."""
        self.refresh()
        store = self.searcher.store
        summaries = store.summaries()
        if not summaries:
            return []
        layout = store.layout
        counts = dict(zip(layout.order, layout.counts().tolist(), strict=True))
        needle = query.strip().lower()
        table = [
            [title, published or "", source or "", counts.get(article_id, 0), article_id]
            for article_id, title, published, source in summaries
            if not needle
            or any(needle in (v or "").lower() for v in (title, published, source, article_id))
        ]
        return sorted(table, key=lambda r: (r[1], r[0]), reverse=True)
