"""Measure the FAQ search: accuracy, suggestion band, off-topic answers, speed, model cost.

Run by hand from the project root::

    python benchmarks/faq_accuracy.py [--faq FAQ.yml] [--eval SET.yml ...] [--sparse]

It scores each evaluation set (by default tests/data/faq_eval_independent.yml and
tests/faq_eval.yml; both halves of the independent set have been used for tuning)
per language against the FAQ file as written and against a SPARSE variant in which
every entry keeps at most one alias (as an organiser's file would); ``--sparse``
scores the sparse variant only. An organiser's own FAQ, written by someone who never
saw the search (at most one alias per entry), and its set are tuning data too::

    python benchmarks/faq_accuracy.py --faq tests/data/faq_own_accelerator.yml \
        --eval tests/data/faq_eval_own_accelerator.yml

``--lexical`` adds the scores without the models, ``--misses`` lists what each set
misses. Last, it measures in fresh processes the
start-up time and memory the models add.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that it runs as a plain script, without installing

from bot.services.faq_file import FaqEntry, load_faq_file  # noqa: E402
from bot.services.faq_search import FaqIndex  # noqa: E402
from bot.services.lemmas import Lemmatizer  # noqa: E402
from bot.services.sentence_vectors import SentenceVectors, load_sentence_vectors  # noqa: E402
from bot.services.word_vectors import WordVectors, load_word_vectors  # noqa: E402

INDEPENDENT = ROOT / "tests" / "data" / "faq_eval_independent.yml"
OWN = ROOT / "tests" / "faq_eval.yml"


@dataclass(frozen=True)
class Case:
    text: str
    expected: str | None  # None: off-topic
    lang: str = "ru"


def _text(item: dict[str, Any]) -> str:
    for key in ("q", "text", "question"):
        if key in item:
            return str(item[key])
    raise ValueError(f"an evaluation item without a text: {item!r}")


def load_cases(path: Path, split: str | None) -> list[Case]:
    """Paraphrases (``q``, ``expected``, optional ``lang``), English questions (``english``:
    ``q``, ``expected``) and off-topic messages (a string: both languages; a mapping: its
    ``lang``, Russian by default)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data.get("paraphrases") or []:
        if split is None or item.get("split") == split:
            cases.append(Case(_text(item), item["expected"], item.get("lang", "ru")))
    for item in data.get("english") or []:
        if split is None or item.get("split") == split:
            cases.append(Case(_text(item), item["expected"], "en"))
    for item in data.get("off_topic") or []:
        if isinstance(item, str):
            cases.extend(Case(item, None, lang) for lang in ("ru", "en"))
        elif split is None or item.get("split") == split:
            cases.append(Case(_text(item), None, item.get("lang", "ru")))
    return cases


def sparse(entries: list[FaqEntry]) -> list[FaqEntry]:
    """Each entry keeps at most its first alias."""
    return [replace(entry, aliases=entry.aliases[:1]) for entry in entries]


def evaluate(index: FaqIndex, cases: list[Case], show_misses: bool) -> str:
    timings: list[float] = []
    cpu_timings: list[float] = []
    top1 = suggested = suggested_right = suggested_first = total = 0
    off_total = off_answered = off_suggested = 0
    misses: list[str] = []
    for case in cases:
        began, began_cpu = time.perf_counter(), time.thread_time()
        found = index.lookup(case.text, case.lang)
        timings.append((time.perf_counter() - began) * 1000)
        cpu_timings.append((time.thread_time() - began_cpu) * 1000)
        if case.expected is None:
            off_total += 1
            off_answered += bool(found.answers)
            off_suggested += bool(found.suggestions)
            if found.answers and show_misses:
                misses.append(f"  OFF-TOPIC ANSWERED {case.text!r} -> {found.answers[0]}")
            continue
        total += 1
        if found.answers and found.answers[0].entry_id == case.expected:
            top1 += 1
            continue
        if found.suggestions:
            suggested += 1
            suggested_right += any(m.entry_id == case.expected for m in found.suggestions)
            suggested_first += found.suggestions[0].entry_id == case.expected
        if show_misses:
            got = found.answers[:1] or found.suggestions
            misses.append(f"  {case.text!r}\n      expected {case.expected}, got {got}")
    timings.sort()
    cpu_timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    cpu_p95 = cpu_timings[min(len(cpu_timings) - 1, int(len(cpu_timings) * 0.95))]
    lines = [
        f"    top-1 (confident answer, the right one): {top1}/{total} = {top1 / max(total, 1):.1%}",
        f"    suggestion band: {suggested}/{total} = {suggested / max(total, 1):.1%} "
        f"(expected entry among them: {suggested_right}, first of them: {suggested_first})",
        f"    right entry shown first (the answer, or the first suggestion): "
        f"{(top1 + suggested_first) / max(total, 1):.1%}; shown at all: "
        f"{(top1 + suggested_right) / max(total, 1):.1%}",
        f"    no answer, no suggestion: {total - top1 - suggested}",
        f"    off-topic answered confidently: {off_answered}/{off_total}; "
        f"in the suggestion band: {off_suggested}",
        f"    time per search: p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms "
        f"(CPU time, less disturbed by other load: p50 {statistics.median(cpu_timings):.2f} ms, "
        f"p95 {cpu_p95:.2f} ms)",
        *misses,
    ]
    return "\n".join(lines)


_MODEL_COST = """
import json, sys, time
sys.path.insert(0, {root!r})
texts = json.load(sys.stdin)
began = time.perf_counter()
from bot.services.faq_file import load_faq_file
from bot.services.faq_search import FaqIndex
from pathlib import Path
entries = load_faq_file(Path({faq!r}))
if {with_models}:
    from bot.services.lemmas import shared_lemmatizer
    from bot.services.sentence_vectors import shared_sentence_vectors
    from bot.services.word_vectors import shared_word_vectors
    index = FaqIndex(
        entries, shared_word_vectors(), shared_lemmatizer(), shared_sentence_vectors()
    )
else:
    index = FaqIndex(entries)
index.lookup(texts[0], "ru")
elapsed = time.perf_counter() - began
for text in texts:
    index.lookup(text, "ru")
with open("/proc/self/statm") as file:
    rss = int(file.read().split()[1]) * 4096 / 2**20
print(elapsed, rss)
"""


def model_cost(faq: Path, texts: list[str]) -> tuple[float, float]:
    """Start-up seconds (import, index, first search) and RSS megabytes (after all the
    searches) that the models add, in fresh processes (best of 3)."""
    results: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(3):
        for with_models in (False, True):
            code = _MODEL_COST.format(root=str(ROOT), faq=str(faq), with_models=with_models)
            output = subprocess.run(
                [sys.executable, "-c", code],
                input=json.dumps(texts),
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            results[with_models].append((float(output[0]), float(output[1])))
    loaded, bare = min(results[True]), min(results[False])
    return loaded[0] - bare[0], loaded[1] - bare[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faq", type=Path, default=ROOT / "bot" / "data" / "faq.yml")
    parser.add_argument(
        "--eval",
        type=Path,
        action="append",
        help="an evaluation file (repeatable); default: the independent set and tests/faq_eval.yml",
    )
    parser.add_argument(
        "--sparse", action="store_true", help="only the SPARSE variant of the FAQ (≤1 alias)"
    )
    parser.add_argument("--lexical", action="store_true", help="also score without the models")
    parser.add_argument("--misses", action="store_true", help="list the misses")
    args = parser.parse_args()

    entries = load_faq_file(args.faq)
    started = time.perf_counter()
    vectors: WordVectors | None = load_word_vectors()
    lemmatizer = Lemmatizer()
    sentences = load_sentence_vectors()
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    FaqIndex(entries, vectors, lemmatizer, sentences)
    with_vectors_s = time.perf_counter() - started
    started = time.perf_counter()
    FaqIndex(entries)
    lexical_s = time.perf_counter() - started

    eval_paths: list[Path] = args.eval or [INDEPENDENT, OWN]
    sets = [(str(path), load_cases(path, None)) for path in eval_paths]
    variants = [("SPARSE FAQ (≤1 alias)", sparse(entries))]
    if not args.sparse:
        variants.insert(0, ("FAQ as written", entries))
    modes: list[tuple[str, WordVectors | None, Lemmatizer | None, SentenceVectors | None]] = [
        ("words + lemmas + vectors + sentences (as the bot runs)", vectors, lemmatizer, sentences)
    ]
    if args.lexical:
        modes.append(("words + lemmas + vectors, no sentences", vectors, lemmatizer, None))
        modes.append(("words only", None, None, None))
    print(f"FAQ: {args.faq}")
    for variant, faq in variants:
        for mode, model, lemmas, encoder in modes:
            index = FaqIndex(faq, model, lemmas, encoder)
            print(f"\n== {variant}, {mode}")
            for name, cases in sets:
                for lang in sorted({case.lang for case in cases}):
                    print(f"  -- {name} [{lang}]")
                    print(evaluate(index, [c for c in cases if c.lang == lang], args.misses))
    print(
        f"\nmodel: loading {load_s:.2f} s, index build {with_vectors_s * 1000:.0f} ms "
        f"with vectors vs {lexical_s * 1000:.0f} ms without (this process)"
    )
    texts = [case.text for _, cases in sets for case in cases if case.lang == "ru"]
    seconds, megabytes = model_cost(args.faq, texts)
    print(
        f"fresh process with the models vs without: start-up (import, index, first search) "
        f"+{seconds:.2f} s, RSS after {len(texts)} searches +{megabytes:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
