"""Measure the FAQ search on tests/faq_eval.yml: accuracy, misses, false positives, speed.

Run by hand from the project root: ``python benchmarks/faq_accuracy.py``
(optionally ``--faq PATH`` and ``--eval PATH``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that it runs as a plain script, without installing

from bot.services.faq_file import load_faq_file  # noqa: E402
from bot.services.faq_search import MATCH_THRESHOLD, FaqIndex  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--faq", type=Path, default=ROOT / "bot" / "data" / "faq.yml")
    parser.add_argument("--eval", type=Path, default=ROOT / "tests" / "faq_eval.yml")
    args = parser.parse_args()

    entries = load_faq_file(args.faq)
    started = time.perf_counter()
    index = FaqIndex(entries)
    build_ms = (time.perf_counter() - started) * 1000
    evaluation: dict[str, Any] = yaml.safe_load(args.eval.read_text(encoding="utf-8"))
    paraphrases: list[dict[str, str]] = evaluation["paraphrases"]
    off_topic: list[str] = evaluation["off_topic"]

    timings: list[float] = []

    def timed_search(text: str, lang: str) -> list[Any]:
        began = time.perf_counter()
        result = index.search(text, lang)
        timings.append((time.perf_counter() - began) * 1000)
        return result

    hits = 0
    in_top4 = 0
    misses: list[tuple[str, str, str, float]] = []
    hit_scores: list[float] = []
    for case in paraphrases:
        matches = timed_search(case["q"], case.get("lang", "ru"))
        got = matches[0].entry_id if matches else "-"
        score = matches[0].score if matches else 0.0
        if got == case["expected"]:
            hits += 1
            hit_scores.append(score)
        else:
            misses.append((case["q"], case["expected"], got, score))
        if any(m.entry_id == case["expected"] for m in matches):
            in_top4 += 1

    false_positives: list[tuple[str, str, str, float]] = []
    for text in off_topic:
        for lang in ("ru", "en"):
            matches = timed_search(text, lang)
            if matches:
                false_positives.append((text, lang, matches[0].entry_id, matches[0].score))

    total = len(paraphrases)
    print(f"FAQ: {len(entries)} entries; index built in {build_ms:.1f} ms")
    print(f"threshold: {MATCH_THRESHOLD}")
    print(f"top-1 accuracy: {hits}/{total} = {hits / total:.1%}")
    print(f"expected entry among returned matches: {in_top4}/{total} = {in_top4 / total:.1%}")
    if hit_scores:
        print(
            f"scores of correct answers: min {min(hit_scores):.3f}, "
            f"median {statistics.median(hit_scores):.3f}"
        )
    print(f"\nmisses ({len(misses)}):")
    for query, expected, got, score in misses:
        print(f"  {query!r}\n      expected {expected}, got {got} ({score:.3f})")
    print(f"\noff-topic false positives ({len(false_positives)} of {len(off_topic) * 2} searches):")
    for text, lang, got, score in false_positives:
        print(f"  [{lang}] {text!r} -> {got} ({score:.3f})")
    known = evaluation.get("known_false_positives") or []
    if known:
        print(f"\nknown false positives ({len(known)}, see tests/faq_eval.yml):")
        for case in known:
            matches = timed_search(case["text"], case["lang"])
            got = f"{matches[0].entry_id} ({matches[0].score:.3f})" if matches else "no match now"
            print(f"  [{case['lang']}] {case['text']!r} -> {got}")
    print(
        f"\nsearch time: mean {statistics.fmean(timings):.3f} ms, "
        f"max {max(timings):.3f} ms over {len(timings)} searches"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
