"""Fit the weights that combine the FAQ search's signals (Russian, with word vectors).

Run by hand: ``python benchmarks/faq_fit.py``. It reads the independent set (both
halves: its held-out figure was reported once and it is tuning data since) and
tests/faq_eval.yml, scores every candidate entry of every message against the
bundled FAQ and its sparse variant (the sparse one counted twice: organisers' files
look like it),
fits a logistic model (expected entry = 1, any other candidate and every candidate
of an off-topic message = 0), and prints the weights for bot/services/faq_search.py
with the top-1 accuracy and the off-topic confidences they give on the same data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that it runs as a plain script, without installing

from benchmarks.faq_accuracy import INDEPENDENT, OWN, Case, load_cases, sparse  # noqa: E402
from bot.services.faq_file import load_faq_file  # noqa: E402
from bot.services.faq_search import FaqIndex  # noqa: E402
from bot.services.lemmas import Lemmatizer  # noqa: E402
from bot.services.word_vectors import load_word_vectors  # noqa: E402

CANDIDATES = 8  # per message, the best-scored entries enter the fit
L2 = 0.01
FEATURES = ("coverage", "phrase", "similarity", "gist", "agreement", "context_gist")


def rows(index: FaqIndex, cases: list[Case]) -> tuple[list[list[float]], list[int], list[int]]:
    features: list[list[float]] = []
    labels: list[int] = []
    groups: list[int] = []
    for number, case in enumerate(cases):
        language = index._index("ru")
        assert language is not None
        for item in language.score(case.text)[:CANDIDATES]:
            features.append(
                [
                    item.coverage,
                    item.phrase,
                    item.similarity,
                    item.gist,
                    item.agreement,
                    item.context_gist,
                ]
            )
            labels.append(int(item.entry_id == case.expected))
            groups.append(number)
    return features, labels, groups


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression by Newton's method; the last weight is the bias."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    positive = y.sum()
    balance = np.where(y == 1, (len(y) - positive) / max(positive, 1), 1.0)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-design @ weights))
        gradient = design.T @ (balance * (p - y)) + L2 * weights
        hessian = (design.T * (balance * p * (1 - p))) @ design + L2 * np.eye(len(weights))
        weights -= np.linalg.solve(hessian, gradient)
    return weights


def main() -> int:
    entries = load_faq_file(ROOT / "bot" / "data" / "faq.yml")
    vectors = load_word_vectors()
    lemmatizer = Lemmatizer()
    cases = [c for c in load_cases(INDEPENDENT, None) + load_cases(OWN, None) if c.lang == "ru"]
    xs: list[list[float]] = []
    ys: list[int] = []
    for faq in (entries, sparse(entries), sparse(entries)):
        index = FaqIndex(faq, vectors, lemmatizer)
        features, labels, _ = rows(index, cases)
        xs += features
        ys += labels
    weights = fit(np.array(xs), np.array(ys, dtype=float))
    for name, value in zip((*FEATURES, "bias"), weights, strict=True):
        print(f"_FIT_{name.upper()} = {value:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
