"""Fit the weights that combine the FAQ search's signals (Russian, with word vectors).

Run by hand::

    python benchmarks/faq_fit.py [--fit FAQ.yml SET.yml ...] [--check FAQ.yml SET.yml ...]
                                 [--half-check FAQ.yml SET.yml]

It fits on (FAQ file, evaluation set) pairs, by default the bundled FAQ with its three
tuning sets (tests/data/faq_eval_{independent,second,third}.yml) and an organiser's own
FAQ with its set (tests/data/faq_own_accelerator.yml with
tests/data/faq_eval_own_accelerator.yml: a file written by someone who never saw the
search, with at most one alias per entry, half of them none — tuning data, not a
held-out set). A FAQ file with aliases is scored as written and as its sparse variant
(at most one alias per entry, as an organiser's file); a sparse file, and the sparse
variant, count twice, since that is what an organiser's own file looks like.
``--half-check`` checks how the fit carries to entries it has not seen: that pair's
paraphrases of every other entry (and every other off-topic message) are fitted on,
the rest checked. The model is a choice among a message's
candidate entries and "none of them": each entry's logit is a weighted sum of its
signals, the probabilities are their softmax with "none" at logit 0, and the fit
maximises the probability of the expected entry (of "none" for an off-topic message,
or when the expected entry is not among the candidates). Newton's method, a little L2.

Then it picks the answer rule on the fitting sets (the probability threshold for an
entry with several wordings, the one for an entry with one or two, and the least
coverage an answer needs, by utility: a right answer +1, a wrong one -2, an off-topic
message answered -10) and prints the weights and the rule for
bot/services/faq_search.py with the figures they give on the fitting sets and on the
check sets (e.g. fit without a set, check on it). Python's
string hashing changes from run to run the order in which equal candidates are met,
so a refit may differ in the second decimal.
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
from bot.services.sentence_vectors import SentenceVectors, load_sentence_vectors  # noqa: E402
from bot.services.word_vectors import WordVectors, load_word_vectors  # noqa: E402

DATA = ROOT / "tests" / "data"
BUNDLED = ROOT / "bot" / "data" / "faq.yml"
OWN_FAQ = DATA / "faq_own_accelerator.yml"
DEFAULT_PAIRS = [
    (BUNDLED, INDEPENDENT),
    (BUNDLED, DATA / "faq_eval_second.yml"),
    (BUNDLED, DATA / "faq_eval_third.yml"),
    (OWN_FAQ, DATA / "faq_eval_own_accelerator.yml"),
]
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
# The column of model_values that holds an entry's sparseness (1 / its wordings).
SPARSENESS = len(faq_search._FIT_WEIGHTS) - 1
SPARSE_ENTRY = faq_search.SPARSE_ENTRY
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
        scored = language.score(case.text, language._near(case.text))
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


Rule = tuple[float, float, float]


def decide(sample: Sample, weights: Array, rule: Rule, suggest_from: float) -> str:
    """'right', 'wrong', 'suggested' or 'none' (for an off-topic message: 'answered').

    ``rule``: the answer threshold for an entry with several wordings, the one for an
    entry with one or two (see faq_search.SPARSE_ENTRY), and the least coverage an
    answer needs (as lookup)."""
    if not sample.ids:
        return "none"
    rich_from, sparse_from, least_coverage = rule
    p = probabilities(sample, weights)[:-1]
    best = int(np.argmax(p))
    answer_from = sparse_from if sample.values[best][SPARSENESS] >= SPARSE_ENTRY else rich_from
    if p[best] >= answer_from and sample.values[best][0] >= least_coverage:
        if sample.off_topic:
            return "answered"
        return "right" if best == sample.label else "wrong"
    return "suggested" if p[best] >= suggest_from else "none"


def report(name: str, data: list[Sample], weights: Array, rule: Rule) -> str:
    outcomes = [decide(s, weights, rule, faq_search.MEANING_SUGGESTION_THRESHOLD) for s in data]
    on_topic = [o for o, s in zip(outcomes, data, strict=True) if not s.off_topic]
    off = [o for o, s in zip(outcomes, data, strict=True) if s.off_topic]
    right = on_topic.count("right")
    return (
        f"  {name}: top-1 {right}/{len(on_topic)} = {right / max(len(on_topic), 1):.1%}, "
        f"wrong {on_topic.count('wrong')}, suggested {on_topic.count('suggested')}, "
        f"off-topic answered {off.count('answered')}/{len(off)}"
    )


@dataclass(frozen=True)
class Job:
    """Messages to score against one FAQ file (as written and as its sparse variant)."""

    faq: Path
    name: str
    cases: list[Case]


def jobs(pairs: list[tuple[Path, Path]]) -> list[Job]:
    """The Russian messages of each (FAQ file, evaluation set) pair."""
    return [
        Job(
            faq,
            f"{faq.stem} × {path.stem}",
            [
                replace(c, expected=RELABELLED.get(c.text, c.expected))
                for c in load_cases(path, None)
                if c.lang == "ru"
            ],
        )
        for faq, path in pairs
    ]


def halves(job: Job) -> tuple[Job, Job]:
    """The job split by entry: the paraphrases of every other entry of its FAQ (in file
    order) and every other off-topic message go to the first half, the rest to the second."""
    order = {entry.id: n for n, entry in enumerate(load_faq_file(job.faq))}
    first: list[Case] = []
    second: list[Case] = []
    off_topic = 0
    for case in job.cases:
        if case.expected is None:
            side = off_topic % 2 == 0
            off_topic += 1
        else:
            side = order[case.expected] % 2 == 0
        (first if side else second).append(case)
    return (
        Job(job.faq, f"{job.name} (fitted half)", first),
        Job(job.faq, f"{job.name} (unseen half)", second),
    )


def variants(faq: Path) -> dict[str, list[FaqEntry]]:
    """The FAQ as written and its sparse variant; one of them when they are the same."""
    entries = load_faq_file(faq)
    thin = sparse(entries)
    return {"sparse": thin} if thin == entries else {"full": entries, "sparse": thin}


Scored = dict[tuple[str, str], list[Sample]]


# The Russian models the index is built with: word vectors, lemmas, sentence vectors.
Models = tuple[WordVectors, Lemmatizer, SentenceVectors | None]


def score_jobs(work: list[Job], models: Models) -> Scored:
    result: Scored = {}
    for job in work:
        for variant, faq in variants(job.faq).items():
            result[(job.name, variant)] = samples(FaqIndex(faq, *models), job.cases)
    return result


def pooled(scored: Scored) -> list[Sample]:
    """All samples, the sparse ones counted SPARSE_COPIES times."""
    return [
        sample
        for (_, variant), items in scored.items()
        for sample in items * (SPARSE_COPIES if variant == "sparse" else 1)
    ]


def use(weights: Array) -> None:
    """Make the search score with ``weights`` (the last one is the bias)."""
    faq_search._FIT_WEIGHTS = tuple(float(w) for w in weights[:-1])
    faq_search._FIT_BIAS = float(weights[-1])


def fitted(work: list[Job], models: Models) -> Array:
    """Weights fitted on ``work``; the search is left scoring with them."""
    weights = np.zeros(len(faq_search._FIT_WEIGHTS) + 1)
    for _ in range(ROUNDS):
        use(weights)
        weights = fit(pooled(score_jobs(work, models)))
    use(weights)
    return weights


def threshold(data: list[Sample], weights: Array) -> Rule:
    """The answer rule (see decide) with the best utility on ``data``: a right answer
    +1, a wrong one -WRONG_COST (a suggestion would have been better), an off-topic
    message answered -OFF_TOPIC_COST."""
    # Per message, what answering its best candidate would be worth, and what decides it.
    worth, chance, coverage, thin = [], [], [], []
    for sample in data:
        if not sample.ids:
            continue
        p = probabilities(sample, weights)[:-1]
        best = int(np.argmax(p))
        if sample.off_topic:
            worth.append(-OFF_TOPIC_COST)
        else:
            worth.append(1.0 if best == sample.label else -WRONG_COST)
        chance.append(p[best])
        coverage.append(sample.values[best][0])
        thin.append(sample.values[best][SPARSENESS] >= SPARSE_ENTRY)
    value, p_best, covered, sparse_entry = map(np.array, (worth, chance, coverage, thin))
    steps = [step / 100 for step in range(20, 100)]
    best: tuple[float, Rule] = (-math.inf, (1.0, 1.0, 1.0))
    for least_coverage in LEAST_COVERAGE:
        anchored = covered >= least_coverage
        # The two thresholds are independent: each sums over its own entries.
        rich = max(steps, key=lambda t: value[anchored & ~sparse_entry & (p_best >= t)].sum())
        thin_from = max(steps, key=lambda t: value[anchored & sparse_entry & (p_best >= t)].sum())
        rule = (rich, thin_from, least_coverage)
        answered = anchored & (p_best >= np.where(sparse_entry, thin_from, rich))
        utility = float(value[answered].sum())
        if utility > best[0]:
            best = (utility, rule)
    return best[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    pair = {"nargs": 2, "type": Path, "metavar": ("FAQ", "SET")}
    parser.add_argument("--fit", action="append", help="a pair to fit on (repeatable)", **pair)
    parser.add_argument("--check", action="append", help="a pair to check on", **pair)
    parser.add_argument(
        "--half-check", help="fit on half of this pair's entries, check the rest", **pair
    )
    parser.add_argument(
        "--no-sentences", action="store_true", help="without the sentence vectors (to compare)"
    )
    args = parser.parse_args()
    work = jobs([tuple(p) for p in args.fit or DEFAULT_PAIRS])
    checks = jobs([tuple(p) for p in args.check or []])
    if args.half_check:
        split = jobs([tuple(args.half_check)])[0]
        work = [job for job in work if job.faq.resolve() != split.faq.resolve()]
        fitted_half, unseen_half = halves(split)
        work.append(fitted_half)
        checks.append(unseen_half)
    vectors = load_word_vectors()
    assert vectors is not None
    models: Models = (
        vectors,
        Lemmatizer(),
        None if args.no_sentences else load_sentence_vectors(),
    )
    weights = fitted(work, models)
    scored = score_jobs(work, models)
    rule = threshold(pooled(scored), weights)
    print(f"_FIT_BIAS = {weights[-1]:.2f}")
    print(f"_FIT_WEIGHTS = ({', '.join(f'{w:.2f}' for w in weights[:-1])})")
    print(f"MEANING_MATCH_THRESHOLD = {rule[0]}")
    print(f"SPARSE_MATCH_THRESHOLD = {rule[1]}")
    print(f"_ANSWER_MIN_COVERAGE = {rule[2]}")
    print("fitted on:")
    for (name, variant), items in scored.items():
        print(report(f"{name} {variant}", items, weights, rule))
    if checks:
        print("checked on:")
        for (name, variant), items in score_jobs(checks, models).items():
            print(report(f"{name} {variant}", items, weights, rule))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
