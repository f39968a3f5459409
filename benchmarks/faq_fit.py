"""Fit the weights that combine the FAQ search's signals (Russian, with word vectors).

Run by hand: ``python benchmarks/faq_fit.py [--fit SET.yml ...] [--check SET.yml ...]``
(by default it fits on the three independent sets in tests/data/).
Every message of the fitting sets is scored against the bundled FAQ and against its
sparse variant (one alias per entry, as an organiser's file; counted twice, since that
is what an organiser's own file looks like). The model is a choice among a message's
candidate entries and "none of them": each entry's logit is a weighted sum of its
signals, the probabilities are their softmax with "none" at logit 0, and the fit
maximises the probability of the expected entry (of "none" for an off-topic message,
or when the expected entry is not among the candidates). Newton's method, a little L2.

Then it picks the answer rule on the fitting sets (the probability threshold and the
least coverage an answer needs, by utility: a right answer +1, a wrong one -2, an
off-topic message answered -10) and prints the weights and the rule for
bot/services/faq_search.py with the figures they give on the fitting sets and on the
check sets (fit on one set, check on the other, before fitting on both).
``--leave-one-out`` judges a change to the search: for each fitting set in turn, it
fits on the others and prints what the fit gives on the one left out.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that it runs as a plain script, without installing

import bot.services.faq_search as faq_search  # noqa: E402
from benchmarks.faq_accuracy import INDEPENDENT, Case, load_cases, sparse  # noqa: E402
from bot.services.faq_file import FaqEntry, load_faq_file  # noqa: E402
from bot.services.faq_search import FaqIndex, model_values  # noqa: E402
from bot.services.lemmas import Lemmatizer  # noqa: E402
from bot.services.word_vectors import WordVectors, load_word_vectors  # noqa: E402

SECOND = ROOT / "tests" / "data" / "faq_eval_second.yml"
THIRD = ROOT / "tests" / "data" / "faq_eval_third.yml"
L2 = 0.1
SPARSE_COPIES = 2
# An off-topic message answered is worse than a question left to the organisers.
OFF_TOPIC_WEIGHT = 3.0
# Costs that pick the answer threshold (see threshold).
WRONG_COST = 2.0
OFF_TOPIC_COST = 10.0
# Candidates for the least coverage an answer needs (the share of the message's words
# the entry explains): an off-topic message that shares a word or two with an entry
# leaves most of its words unexplained.
LEAST_COVERAGE = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5)
ROUNDS = 3  # fit, rescore with the new weights (they decide which sentence wins), refit

Array = npt.NDArray[np.float64]

# Two "off-topic" messages of the independent set are questions the FAQ answers word for
# word (its tester filed them under off-topic): the fit learns them as what they are.
RELABELLED = {
    "семинары платные?": "participation-cost",
    "дают ли сертификат после семинара": "certificates",
}


@dataclass(frozen=True)
class Sample:
    """One message against one FAQ: its candidates' values and the expected one's row."""

    values: Array  # candidates × (values + bias)
    ids: list[str]
    label: int  # row of the expected entry; -1 for "none of them"
    off_topic: bool


def samples(index: FaqIndex, cases: list[Case]) -> list[Sample]:
    language = index._index("ru")
    assert language is not None
    result: list[Sample] = []
    for case in cases:
        scored = language.score(case.text)
        ids = [item.entry_id for item in scored]
        rows = [[*model_values(item.signals), 1.0] for item in scored]
        values = np.array(rows, dtype=np.float64).reshape(
            len(rows), len(faq_search._FIT_WEIGHTS) + 1
        )
        label = ids.index(case.expected) if case.expected in ids else -1
        result.append(Sample(values, ids, label, case.expected is None))
    return result


def probabilities(sample: Sample, weights: Array) -> Array:
    """Softmax over the candidates and "none" (logit 0, last)."""
    logits = np.append(sample.values @ weights, 0.0)
    logits -= logits.max()
    exps = np.exp(logits)
    result: Array = exps / exps.sum()
    return result


def loss(data: list[Sample], weights: Array) -> float:
    """Weighted negative log-likelihood of the expected choices, with the L2 term."""
    total = 0.5 * L2 * float(weights @ weights)
    for sample in data:
        if len(sample.ids):
            p = probabilities(sample, weights)
            weight = OFF_TOPIC_WEIGHT if sample.off_topic else 1.0
            total -= weight * math.log(max(float(p[sample.label]), 1e-300))
    return total


def fit(data: list[Sample]) -> Array:
    """Newton's method, halving a step that does not lower the loss."""
    size = data[0].values.shape[1]
    weights = np.zeros(size)
    current = loss(data, weights)
    for _ in range(50):
        gradient = L2 * weights
        hessian = L2 * np.eye(size)
        for sample in data:
            if not len(sample.ids):
                continue
            weight = OFF_TOPIC_WEIGHT if sample.off_topic else 1.0
            p = probabilities(sample, weights)[:-1]
            mean = p @ sample.values
            if sample.label >= 0:
                gradient -= weight * (sample.values[sample.label] - mean)
            else:
                gradient += weight * mean
            hessian += weight * ((sample.values.T * p) @ sample.values - np.outer(mean, mean))
        step = np.linalg.solve(hessian, gradient)
        scale = 1.0
        while scale > 1e-4:
            trial = weights - scale * step
            trial_loss = loss(data, trial)
            if trial_loss <= current:
                break
            scale /= 2
        else:
            break
        weights, improvement, current = trial, current - trial_loss, trial_loss
        if improvement < 1e-6:
            break
    return weights


def decide(sample: Sample, weights: Array, rule: tuple[float, float], suggest_from: float) -> str:
    """'right', 'wrong', 'suggested' or 'none' (for an off-topic message: 'answered').

    ``rule``: the answer threshold and the least coverage an answer needs (as lookup)."""
    if not sample.ids:
        return "none"
    answer_from, least_coverage = rule
    p = probabilities(sample, weights)[:-1]
    best = int(np.argmax(p))
    if p[best] >= answer_from and sample.values[best][0] >= least_coverage:
        if sample.off_topic:
            return "answered"
        return "right" if best == sample.label else "wrong"
    return "suggested" if p[best] >= suggest_from else "none"


def report(name: str, data: list[Sample], weights: Array, rule: tuple[float, float]) -> str:
    outcomes = [decide(s, weights, rule, faq_search.MEANING_SUGGESTION_THRESHOLD) for s in data]
    on_topic = [o for o, s in zip(outcomes, data, strict=True) if not s.off_topic]
    off = [o for o, s in zip(outcomes, data, strict=True) if s.off_topic]
    right = on_topic.count("right")
    return (
        f"  {name}: top-1 {right}/{len(on_topic)} = {right / max(len(on_topic), 1):.1%}, "
        f"wrong {on_topic.count('wrong')}, suggested {on_topic.count('suggested')}, "
        f"off-topic answered {off.count('answered')}/{len(off)}"
    )


def score_sets(
    paths: list[Path], variants: dict[str, list[FaqEntry]], vectors: WordVectors, lemmas: Lemmatizer
) -> dict[tuple[str, str], list[Sample]]:
    result: dict[tuple[str, str], list[Sample]] = {}
    for variant, faq in variants.items():
        index = FaqIndex(faq, vectors, lemmas)
        for path in paths:
            cases = [
                replace(c, expected=RELABELLED.get(c.text, c.expected))
                for c in load_cases(path, None)
                if c.lang == "ru"
            ]
            result[(path.stem, variant)] = samples(index, cases)
    return result


def threshold(data: list[Sample], weights: Array) -> tuple[float, float]:
    """The answer rule (threshold, least coverage) with the best utility on ``data``: a
    right answer +1, a wrong one -WRONG_COST (a suggestion would have been better), an
    off-topic message answered -OFF_TOPIC_COST."""
    best = (-math.inf, (1.0, 1.0))
    for least_coverage in LEAST_COVERAGE:
        for step in range(30, 100):
            rule = (step / 100, least_coverage)
            outcomes = [decide(s, weights, rule, 1.0) for s in data]
            utility = (
                outcomes.count("right")
                - WRONG_COST * outcomes.count("wrong")
                - OFF_TOPIC_COST * outcomes.count("answered")
            )
            if utility > best[0]:
                best = (utility, rule)
    return best[1]


def fit_sets(
    fit_paths: list[Path],
    variants: dict[str, list[FaqEntry]],
    vectors: WordVectors,
    lemmas: Lemmatizer,
) -> tuple[Array, tuple[float, float], dict[tuple[str, str], list[Sample]]]:
    """The weights and the answer rule fitted on ``fit_paths``, and what they score there.

    Leaves the weights in faq_search, so that the check sets are scored with them."""
    weights = np.zeros(len(faq_search._FIT_WEIGHTS) + 1)
    for _ in range(ROUNDS):
        weights = fit(_fitting_data(fit_paths, variants, vectors, lemmas, weights)[0])
    data, scored = _fitting_data(fit_paths, variants, vectors, lemmas, weights)
    return weights, threshold(data, weights), scored


def _fitting_data(
    fit_paths: list[Path],
    variants: dict[str, list[FaqEntry]],
    vectors: WordVectors,
    lemmas: Lemmatizer,
    weights: Array,
) -> tuple[list[Sample], dict[tuple[str, str], list[Sample]]]:
    """The fitting sets scored with ``weights`` (they decide which sentence of a story
    wins), the sparse variant counted SPARSE_COPIES times."""
    faq_search._FIT_WEIGHTS = tuple(float(w) for w in weights[:-1])
    faq_search._FIT_BIAS = float(weights[-1])
    scored = score_sets(fit_paths, variants, vectors, lemmas)
    data = [
        sample
        for (_, variant), items in scored.items()
        for sample in items * (SPARSE_COPIES if variant == "sparse" else 1)
    ]
    return data, scored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", type=Path, action="append", help="a set to fit on (repeatable)")
    parser.add_argument("--check", type=Path, action="append", help="a set to check on")
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="for each --fit set: fit on the others, check on it (prints the checks only)",
    )
    args = parser.parse_args()
    fit_paths: list[Path] = args.fit or [INDEPENDENT, SECOND, THIRD]
    check_paths: list[Path] = args.check or []
    entries = load_faq_file(ROOT / "bot" / "data" / "faq.yml")
    vectors = load_word_vectors()
    assert vectors is not None
    lemmas = Lemmatizer()
    variants = {"full": entries, "sparse": sparse(entries)}
    if args.leave_one_out:
        for held_out in fit_paths:
            others = [path for path in fit_paths if path != held_out]
            weights, rule, _ = fit_sets(others, variants, vectors, lemmas)
            print(f"fitted on {', '.join(p.stem for p in others)}, rule {rule}; held out:")
            for (name, variant), items in score_sets([held_out], variants, vectors, lemmas).items():
                print(report(f"{name} {variant}", items, weights, rule))
        return 0
    weights, rule, scored = fit_sets(fit_paths, variants, vectors, lemmas)
    print(f"_FIT_BIAS = {weights[-1]:.2f}")
    print(f"_FIT_WEIGHTS = ({', '.join(f'{w:.2f}' for w in weights[:-1])})")
    print(f"MEANING_MATCH_THRESHOLD = {rule[0]}")
    print(f"_ANSWER_MIN_COVERAGE = {rule[1]}")
    print("fitted on:")
    for (name, variant), items in scored.items():
        print(report(f"{name} {variant}", items, weights, rule))
    if check_paths:
        print("checked on:")
        for (name, variant), items in score_sets(check_paths, variants, vectors, lemmas).items():
            print(report(f"{name} {variant}", items, weights, rule))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
