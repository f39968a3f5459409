"""Russian word vectors from the navec news embeddings that the ``natasha`` wheel ships.

The file (``natasha/data/emb/navec_news_v1_1B_250K_300d_100q.tar``) holds 250 000
words, each a 300-dimensional vector compressed by product quantisation: 100 one-byte
codes per word, each picking one of 256 three-dimensional centroids. ``navec.Navec``
would load it whole (a dict of every word and a 26 MB similarity table); the search
needs a few words per query, so this reader keeps only

* a sorted array of the words' hashes (8 bytes a word) to find a word's row,
* the code table memory-mapped straight from the tar (pages are read when touched),
* the centroids (300 KB).

Nothing is downloaded: the tar is part of the installed package. When it is missing,
``load_word_vectors`` returns None and the search stays lexical.
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
import tarfile
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)

__all__ = ["WordVectors", "bundled_navec_path", "load_word_vectors", "shared_word_vectors"]

Matrix = npt.NDArray[np.float32]
Vector = npt.NDArray[np.float32]

_NAVEC_FILE = Path("data") / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"
_HEADER_BYTES = 16  # vectors, dim, qdim, centroids as uint32
# Words whose vectors are kept after a lookup; bounded so that random text cannot grow it.
_MEMO_SIZE = 50_000


def bundled_navec_path() -> Path | None:
    """Where the installed ``natasha`` package keeps the navec tar (it is not imported)."""
    spec = importlib.util.find_spec("natasha")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / _NAVEC_FILE
        if path.is_file():
            return path
    return None


class WordVectors:
    """Unit-length vectors of known words; a word is looked up by its hash."""

    def __init__(self, path: Path) -> None:
        with tarfile.open(path) as archive:
            vocab_member = archive.getmember("vocab.bin")
            pq_member = archive.getmember("pq.bin")
            vocab_file = archive.extractfile(vocab_member)
            assert vocab_file is not None
            vocab = gzip.decompress(vocab_file.read())
            pq_file = archive.extractfile(pq_member)
            assert pq_file is not None
            header = np.frombuffer(pq_file.read(_HEADER_BYTES), np.uint32)
        count, dim, qdim, centroids = (int(value) for value in header)
        size = int(np.frombuffer(vocab[:4], np.uint32)[0])
        words = vocab[4 + 4 * size :].split(b"\n")
        if len(words) != count or size != count:
            raise ValueError(f"{path}: vocabulary and vectors disagree")
        hashes = np.fromiter((hash(word) for word in words), dtype=np.int64, count=count)
        del words, vocab
        self._order = np.argsort(hashes).astype(np.int32)
        self._hashes = hashes[self._order]
        codes_offset = pq_member.offset_data + _HEADER_BYTES
        self._codes = np.memmap(
            path, dtype=np.uint8, mode="r", offset=codes_offset, shape=(count, qdim)
        )
        centroid_offset = codes_offset + count * qdim
        with path.open("rb") as file:
            file.seek(centroid_offset)
            table = np.frombuffer(file.read(qdim * centroids * (dim // qdim) * 4), np.float32)
        self._centroids = table.reshape(qdim, centroids, dim // qdim)
        self._parts = np.arange(qdim)
        self.dim = dim
        # Unit vectors of words already looked up (None: unknown): queries repeat words.
        self._memo: dict[str, Vector | None] = {}

    def row(self, word: str) -> int | None:
        key = hash(word.encode("utf-8"))
        position = int(np.searchsorted(self._hashes, key))
        if position < len(self._hashes) and self._hashes[position] == key:
            return int(self._order[position])
        return None

    def matrix(self, words: list[str]) -> tuple[Matrix, list[bool]]:
        """Unit vectors of ``words`` (zeros for unknown ones) and which were known."""
        missing = sorted({word for word in words if word not in self._memo})
        decoded = self._decode(missing)
        if len(self._memo) + len(missing) <= _MEMO_SIZE:
            self._memo.update((word, decoded.get(word)) for word in missing)
        result = np.zeros((len(words), self.dim), dtype=np.float32)
        known: list[bool] = []
        for position, word in enumerate(words):
            vector = decoded[word] if word in decoded else self._memo.get(word)
            known.append(vector is not None)
            if vector is not None:
                result[position] = vector
        return result, known

    def _decode(self, words: list[str]) -> dict[str, Vector]:
        """Unit vectors of the known ones of ``words``, from the quantised codes."""
        rows = {word: row for word in words if (row := self.row(word)) is not None}
        if not rows:
            return {}
        order = sorted(set(rows.values()))
        codes = np.asarray(self._codes[order])
        vectors = self._centroids[self._parts, codes].reshape(len(order), self.dim)
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        by_row = dict(zip(order, vectors, strict=True))
        return {word: by_row[row] for word, row in rows.items()}


def load_word_vectors(path: Path | None = None) -> WordVectors | None:
    """The bundled vectors, or None (logged) when the package data is not there."""
    path = path or bundled_navec_path()
    if path is None:
        log.warning("navec word vectors not found; the FAQ search works on words only")
        return None
    # The products are tiny (a thousand words × a few query words): a second BLAS
    # thread only waits for a core, and makes a search several times slower.
    threadpool_limits(limits=1, user_api="blas")
    return WordVectors(path)


_shared: WordVectors | None = None
_shared_loaded = False
_shared_lock = threading.Lock()


def shared_word_vectors() -> WordVectors | None:
    """One instance per process, loaded on first use (indexes are rebuilt often)."""
    global _shared, _shared_loaded
    with _shared_lock:
        if not _shared_loaded:
            _shared = load_word_vectors()
            _shared_loaded = True
        return _shared
