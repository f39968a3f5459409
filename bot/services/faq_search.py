"""Free-text search over FAQ entries: Russian/English stemming, typo tolerance, BM25.

``FaqIndex`` is built once from ``FaqEntry`` values and answers "which entries does this
message ask about?" with a confidence score. Only matches at or above
``MATCH_THRESHOLD`` are returned, so that an off-topic message ("какая погода
завтра?") gets no answer rather than a confident wrong one. Pure Python, no I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

from bot.services.faq_file import FaqEntry

__all__ = ["MATCH_THRESHOLD", "FaqIndex", "FaqMatch", "analyze"]

# A match is returned only when its confidence (0..1) reaches this value. Chosen on
# tests/faq_eval.yml (see benchmarks/faq_accuracy.py): real paraphrases of an entry
# score mostly above 0.6, while off-topic text that happens to share one word with the
# FAQ ("расписание поездов", "удалить сообщение") stays below 0.45.
MATCH_THRESHOLD = 0.5

# How much a field counts in BM25F: people type something close to a question or an
# alias; the answer repeats many generic words, so it only helps a little.
_TITLE_WEIGHT = 3.0
_ANSWER_WEIGHT = 0.6
_K1 = 1.2
_B_TITLE = 0.5
_B_ANSWER = 0.75

# Coverage credit for a query word found only in an entry's answer, not in its
# question or aliases: such a word says less about what the question is.
_ANSWER_ONLY_CREDIT = 0.55
# A query word that the index does not know (after typo correction) counts as this
# share of the rarest word's IDF: it is usually content ("погода", "гараж") that the
# FAQ does not talk about, so it should pull confidence down, but not quite as much as
# a rare word that does match pulls it up.
_UNKNOWN_WORD_WEIGHT = 0.8

# Typo tolerance: only for words long enough that one wrong letter is not another word.
_FUZZY_MIN_LENGTH = 4
_FUZZY_MIN_STEM_LENGTH = 5
_FUZZY_MIN_RATIO = 85.0
# Stems sharing a long beginning (see _related) count as the same word, trusted less.
_RELATED_MIN_PREFIX = 6
_RELATED_TRUST = 0.8
_SLOT_CACHE_SIZE = 20_000

# Final confidence = weighted mix of IDF-weighted coverage and the best whole-string
# similarity to the question/an alias. Coverage carries most of the weight because it
# knows which words are rare; the string similarity rewards near-verbatim phrasing.
_COVERAGE_SHARE = 0.75
_SIMILARITY_SHARE = 0.25
# token_set_ratio gives 30–50 to unrelated strings of similar letters; only the part
# above this floor is treated as evidence.
_SIMILARITY_FLOOR = 50.0

_RU_STOP_WORDS = frozenset(
    """
    а без более бы был была были было быть в вам вас ведь весь во вот все всего всех
    вы где да даже для до его ее ей если есть еще ж же за здесь и из или им их к как
    какая какие каким какими каких какое какой ко когда кто куда ли либо мне меня мной
    мы на нам нас наш наша наше наши не него нее ней нет ни них но ну о об однако он
    она они оно от очень по под при про раз с сам со так также такой там те тем то того
    тоже той только том ту тут ты у уже чем что чтоб чтобы чье чья эта эти это этого
    этой этом этот эту я себя свой своя свое свои свою своего моя мое мои мой мою
    здравствуйте здравствуй привет приветствую добрый доброе доброго день дня вечер утро
    пожалуйста подскажите подскажи скажите скажи расскажите расскажи спасибо благодарю
    хочу хотел хотела хотим хотелось хотелось бы можно нельзя нужно нужен нужна нужны
    надо должен должна должны сколько почему зачем какую каком разве вообще просто
    вопрос вопросы ответ делать сделать знать узнать будет будут бывает есть ещё
    такое такая такие таких объясните объясни поясните поясни означает значит дела
    """.split()
)

_EN_STOP_WORDS = frozenset(
    """
    a about am an and any are as at be been being but by can could did do does doing
    for from get got had has have hello hey hi how i if in into is it its just me my
    need no not of on or our please should so tell than thank thanks that the their
    them then there these they this to too us want was we were what when where which
    who why will with would yes you your
    """.split()
)

# Snowball leaves some words of one family with different stems (запись → "зап",
# записаться → "записа"), and people write compounds the FAQ spells out
# ("соцпредприятие"). This small lexicon joins them; it is applied to the entries and
# to queries alike, so both sides meet on the same terms.
_STEM_ALIASES: dict[str, tuple[str, ...]] = {
    # Russian: verb/noun pairs that Snowball splits.
    "зап": ("записа",),
    "запис": ("записа",),
    "отм": ("отмен",),
    "отменя": ("отмен",),
    "напомн": ("напоминан",),
    "напомина": ("напоминан",),
    "зарегистрирова": ("регистрац",),
    "регистрир": ("регистрац",),
    "регистрирова": ("регистрац",),
    "удал": ("удален",),
    "удаля": ("удален",),
    # Russian: "соц-" compounds and the NGO abbreviation.
    "соцпредприят": ("социальн", "предприят"),
    "соцпредпринимательств": ("социальн", "предпринимательств"),
    "соцпредпринимател": ("социальн", "предпринимател"),
    "соцбизнес": ("социальн", "бизнес"),
    "некоммерческ": ("нко",),
    "нкошк": ("нко",),
    "инвалидн": ("инвалид",),
    "организу": ("организатор",),
    "организова": ("организатор",),
    # English: spelling variants and the NGO abbreviation.
    "organiz": ("organis",),
    "nonprofit": ("ngo",),
    "registr": ("regist",),
}

_TOKEN_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]")
_LATIN_RE = re.compile(r"[a-z]")


@dataclass(frozen=True)
class FaqMatch:
    """An entry that answers the query, with a confidence in 0..1 (higher is better)."""

    entry_id: str
    score: float


_RU_STEMMER = snowballstemmer.stemmer("russian")
_EN_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(token: str) -> tuple[str, ...]:
    """Stem one normalised token with the stemmer of its script, then apply the lexicon."""
    if _CYRILLIC_RE.search(token):
        stem: str = _RU_STEMMER.stemWord(token)
    elif _LATIN_RE.search(token):
        stem = _EN_STEMMER.stemWord(token)
    else:
        stem = token  # numbers such as 209, 245, 773 are kept as they are
    return _STEM_ALIASES.get(stem, (stem,))


def normalize(text: str) -> str:
    """Lower-case, ё → е, punctuation to spaces."""
    text = text.lower().replace("ё", "е")
    return " ".join(_TOKEN_RE.findall(text))


def words(text: str) -> list[str]:
    """Normalised tokens without stop words (surface forms, before stemming)."""
    return [
        token
        for token in _TOKEN_RE.findall(text.lower().replace("ё", "е"))
        if token not in _RU_STOP_WORDS and token not in _EN_STOP_WORDS
    ]


def analyze(text: str) -> list[str]:
    """The terms the index works with: normalised, stop words dropped, stemmed."""
    return [stem for token in words(text) for stem in _stem(token)]


@dataclass
class _Doc:
    entry_id: str
    title_tf: Counter[str]
    title_len: int
    answer_tf: Counter[str]
    answer_len: int


@dataclass(frozen=True)
class _Scored:
    entry_id: str
    confidence: float
    bm25: float
    coverage: float
    similarity: float


@dataclass(frozen=True)
class _Slot:
    """One query word: the index terms it may stand for, each with a trust factor."""

    candidates: dict[str, float]
    weight: float  # its share of the query's information (IDF), matched or not


def _related(a: str, b: str) -> bool:
    """Whether two stems look like forms of one word that Snowball did not join.

    Russian derivation changes the end of a stem (подтверждать → "подтвержда",
    подтверждение → "подтвержден"), so a long common beginning that covers nearly all
    of both stems is taken as the same word. The length conditions keep short roots
    apart (провести / проверить share only "прове").
    """
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    shorter, longer = sorted((len(a), len(b)))
    return common >= _RELATED_MIN_PREFIX and common >= shorter - 2 and common >= longer - 4


class _LanguageIndex:
    """BM25F plus coverage scoring over the entries of one language."""

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.docs: list[_Doc] = []
        surfaces: set[str] = set()
        self._phrases: list[str] = []
        self._surface_phrases: list[str] = []
        self._phrase_owner: list[int] = []
        for position, entry in enumerate(entries):
            title_texts = (entry.question, *entry.aliases)
            title_terms: list[str] = []
            for text in title_texts:
                terms = analyze(text)
                title_terms.extend(terms)
                if terms:
                    self._phrases.append(" ".join(terms))
                    self._surface_phrases.append(" ".join(words(text)))
                    self._phrase_owner.append(position)
            answer_terms = analyze(entry.answer)
            for text in (*title_texts, entry.answer):
                surfaces.update(words(text))
            self.docs.append(
                _Doc(
                    entry_id=entry.id,
                    title_tf=Counter(title_terms),
                    title_len=len(title_terms),
                    answer_tf=Counter(answer_terms),
                    answer_len=len(answer_terms),
                )
            )

        count = len(self.docs)
        self.avg_title = sum(d.title_len for d in self.docs) / count or 1.0
        self.avg_answer = sum(d.answer_len for d in self.docs) / count or 1.0
        df: Counter[str] = Counter()
        for doc in self.docs:
            df.update(set(doc.title_tf) | set(doc.answer_tf))
        self.idf: dict[str, float] = {
            term: math.log(1.0 + (count - n + 0.5) / (n + 0.5)) for term, n in df.items()
        }
        # The IDF a word found in no entry would have; unknown query words are weighed
        # against it.
        self.max_idf = math.log(1.0 + (count + 0.5) / 0.5)
        # Typo tolerance compares a query word with the words the entries really use
        # (surface forms) and with their stems, because a typo may sit in the ending.
        self.surface_vocab: list[str] = sorted(surfaces)
        self.stem_vocab: list[str] = sorted(self.idf)
        self._by_prefix: dict[str, list[str]] = {}
        for term in self.stem_vocab:
            self._by_prefix.setdefault(term[:_RELATED_MIN_PREFIX], []).append(term)
        self._slots: dict[str, list[_Slot]] = {}

    def slots(self, token: str) -> list[_Slot]:
        """What one query word means to this index (cached: queries repeat words)."""
        cached = self._slots.get(token)
        if cached is None:
            cached = [self._slot(stem, token) for stem in _stem(token)]
            if len(self._slots) < _SLOT_CACHE_SIZE:
                self._slots[token] = cached
        return cached

    def _slot(self, stem: str, token: str) -> _Slot:
        candidates: dict[str, float] = {}
        if stem in self.idf:
            candidates[stem] = 1.0
        for term in self._by_prefix.get(stem[:_RELATED_MIN_PREFIX], ()):
            if term != stem and _related(stem, term):
                candidates[term] = _RELATED_TRUST
        if not candidates and len(token) >= _FUZZY_MIN_LENGTH:
            corrected = self._correct(token, stem)
            if corrected is not None:
                term, ratio = corrected
                candidates[term] = _typo_trust(ratio)
        if not candidates:
            return _Slot({}, _UNKNOWN_WORD_WEIGHT * self.max_idf)
        return _Slot(candidates, max(self.idf[term] for term in candidates))

    def _correct(self, token: str, stem: str) -> tuple[str, float] | None:
        """The index term closest to a misspelt word, if it is close enough."""
        best: tuple[str, float] | None = None
        found = process.extractOne(
            token, self.surface_vocab, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_RATIO
        )
        if found is not None:
            term = _stem(found[0])[0]
            if term in self.idf:
                best = (term, found[1])
        # Stems only when long: two short stems one letter apart are usually different
        # words (дел / дела), not a typo.
        if len(stem) >= _FUZZY_MIN_STEM_LENGTH:
            found = process.extractOne(
                stem, self.stem_vocab, scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_RATIO
            )
            if found is not None and (best is None or found[1] > best[1]):
                best = (found[0], found[1])
        return best

    def search(self, text: str, limit: int) -> list[FaqMatch]:
        scored = self.score(text)
        return [
            FaqMatch(entry_id=item.entry_id, score=round(item.confidence, 4))
            for item in scored[:limit]
            if item.confidence >= MATCH_THRESHOLD
        ]

    def score(self, text: str) -> list[_Scored]:
        """Every entry that shares a word with ``text``, best first, with its signals."""
        tokens = words(text)
        slots = [slot for token in tokens for slot in self.slots(token)]
        if not any(slot.candidates for slot in slots):
            return []
        query_weight = sum(slot.weight for slot in slots)

        # Whole-string similarity to the question and aliases, on stems (word forms
        # do not matter) and on surface words (they tell "записан" from "записаться").
        similarity = [0.0] * len(self.docs)
        stem_phrase = " ".join(
            max(slot.candidates, key=slot.candidates.__getitem__) if slot.candidates else "?"
            for slot in slots
        )
        for query, phrases in (
            (stem_phrase, self._phrases),
            (" ".join(tokens), self._surface_phrases),
        ):
            for _, ratio, position in process.extract(
                query,
                phrases,
                scorer=fuzz.token_set_ratio,
                limit=None,
                score_cutoff=_SIMILARITY_FLOOR,
            ):
                owner = self._phrase_owner[position]
                similarity[owner] = max(similarity[owner], ratio)

        scored: list[_Scored] = []
        for position, doc in enumerate(self.docs):
            covered = 0.0
            bm25 = 0.0
            for slot in slots:
                best_cover = 0.0
                best_bm25 = 0.0
                for term, trust in slot.candidates.items():
                    in_title = doc.title_tf.get(term, 0)
                    in_answer = doc.answer_tf.get(term, 0)
                    if not in_title and not in_answer:
                        continue
                    idf = self.idf[term] * trust
                    best_cover = max(best_cover, idf * (1.0 if in_title else _ANSWER_ONLY_CREDIT))
                    tf = _TITLE_WEIGHT * in_title / (
                        1 - _B_TITLE + _B_TITLE * doc.title_len / self.avg_title
                    ) + _ANSWER_WEIGHT * in_answer / (
                        1 - _B_ANSWER + _B_ANSWER * doc.answer_len / self.avg_answer
                    )
                    best_bm25 = max(best_bm25, idf * tf * (_K1 + 1) / (tf + _K1))
                covered += best_cover
                bm25 += best_bm25
            if covered == 0.0:
                continue
            coverage = covered / query_weight
            sim = max(0.0, similarity[position] - _SIMILARITY_FLOOR) / (100.0 - _SIMILARITY_FLOOR)
            confidence = _COVERAGE_SHARE * coverage + _SIMILARITY_SHARE * sim
            scored.append(_Scored(doc.entry_id, confidence, bm25, coverage, sim))

        # Confidence decides whether to answer; BM25 breaks near-ties because it also
        # counts how strongly (not just whether) an entry uses the words.
        scored.sort(key=lambda item: (round(item.confidence, 2), item.bm25), reverse=True)
        return scored


def _typo_trust(ratio: float) -> float:
    """Trust in a typo correction: 1.0 for identical, about 0.6 at the cut-off."""
    return 0.6 + 0.4 * (ratio - _FUZZY_MIN_RATIO) / (100.0 - _FUZZY_MIN_RATIO)


class FaqIndex:
    """Search index over FAQ entries in several languages; build once, query often."""

    def __init__(self, entries: Iterable[FaqEntry]) -> None:
        by_lang: dict[str, list[FaqEntry]] = {}
        for entry in entries:
            by_lang.setdefault(entry.lang, []).append(entry)
        self._indexes = {lang: _LanguageIndex(items) for lang, items in by_lang.items()}

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._indexes)

    def search(self, text: str, lang: str, limit: int = 4) -> list[FaqMatch]:
        """Entries of ``lang`` that answer ``text``, best first, at most ``limit``.

        Falls back to another language only when there are no entries in ``lang``
        at all (e.g. an FAQ file without translations).
        """
        if limit <= 0:
            return []
        index = self._indexes.get(lang)
        if index is None:
            if not self._indexes:
                return []
            index = self._indexes.get("ru") or next(iter(self._indexes.values()))
        return index.search(text, limit)
