"""Free-text search over FAQ entries: Russian/English stemming, typo tolerance, BM25.

``FaqIndex`` is built once from ``FaqEntry`` values and answers "which entries does this
message ask about?" with a confidence in 0..1. Only matches at or above
``MATCH_THRESHOLD`` are returned, so that an off-topic message ("какая погода
завтра?") gets no answer rather than a confident wrong one. Pure Python, no I/O.

How a query is scored against an entry:

* text → words: lower case, ё → е, punctuation dropped, stop words dropped; each word
  is stemmed by the Snowball stemmer of its script (Russian or English);
* each query word becomes a *slot*: the index terms it may stand for — its own stem,
  stems that differ only in a derivational ending (подтверждать / подтверждение), or,
  for an unknown word, the closest known word by rapidfuzz (a typo); for
  a thesaurus word, the other words of its group (faq_thesaurus); with the Russian
  models, a word's dictionary form (pymorphy3) when its stem is unknown;
* without word vectors (English, or the models not loaded), confidence = a weighted sum of
  - coverage: the IDF-weighted share of the query's words that the entry contains
    (question and aliases in full, the answer with a reduced credit); unknown words
    weigh as much as the rarest known word, which is what keeps "продам гараж" out;
  - phrase match: the best F-score between the query and one question or alias;
  - string similarity: rapidfuzz token_set_ratio against the question and aliases;
* with word vectors (Russian), a fitted logit of those and more signals: word
  vectors close to the entry's words (faq_meaning), the gist of the message against
  the entry's question and against its answer and category, BM25F, whether the
  message asks the way the entry's question does (a place, a date, a price, see
  faq_intents); the logits of all candidates and of "none of them" make
  probabilities, so an answer needs to be both strong and clearly ahead;
* entries are ranked by confidence (logit); BM25F (title-weighted) breaks near-ties.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.services.faq_file import FaqEntry
from bot.services.faq_intents import intents
from bot.services.faq_meaning import EntryMeanings
from bot.services.faq_sentences import EntrySentences, SentenceScores
from bot.services.faq_thesaurus import SYNONYM_GROUPS
from bot.services.lemmas import Lemmatizer
from bot.services.sentence_vectors import SentenceVectors
from bot.services.word_vectors import WordVectors

__all__ = [
    "MATCH_THRESHOLD",
    "SUGGESTION_LIMIT",
    "SUGGESTION_THRESHOLD",
    "FaqIndex",
    "FaqLookup",
    "FaqMatch",
    "analyze",
    "normalize",
    "words",
]

# A match is returned only when its confidence reaches this value. Two reasons for
# 0.42, measured with benchmarks/faq_accuracy.py on tests/faq_eval.yml:
# * a one-word query found only in some entry's answer scores 0.55 × 0.7 = 0.385, and
#   such a match is noise (answers mention many things), so the threshold must be above
#   it; the worst off-topic messages score 0.38–0.39 ("продам гараж", "расписание
#   поездов до Москвы": one rare FAQ word plus unknown words);
# * top-1 accuracy falls slowly above it (0.40: 92.9%, 0.42: 92.3%, 0.48: 89.9%), as
#   paraphrases that share only answer words with their entry drop out.
# 0.42 keeps a margin of 0.03 over the worst off-topic message seen.
MATCH_THRESHOLD = 0.42
# Below MATCH_THRESHOLD, entries from this confidence are offered as "maybe you mean".
SUGGESTION_THRESHOLD = 0.3
SUGGESTION_LIMIT = 3

# With word vectors (Russian), the signals are combined into a logit per entry by a
# model fitted by benchmarks/faq_fit.py: a choice among the candidates and "none of
# them" (see _choice), fitted on (FAQ file, set) pairs: the bundled FAQ, as written and
# as its sparse variant (one alias per entry), with its three tuning sets
# (tests/data/faq_eval_*.yml), and an organiser's own FAQ with at most one alias per
# entry (tests/data/faq_own_accelerator.yml) with its set; sparse files count twice.
# Weights in the order of model_values: coverage, phrase, similarity, gist, agreement
# (the lesser of coverage and gist), context gist, title coverage, BM25 share, intent
# match, intent clash, meaning-only coverage, unknown share, brevity, sentence
# closeness and sentence lead (see faq_sentences), sparseness (last: faq_fit reads it).
_FIT_BIAS = -6.44
_FIT_WEIGHTS = (
    *(5.34, 2.39, 1.85, -1.96, 1.13, 3.43, -1.10, 1.02),
    *(-0.12, -1.24, 0.58, -1.45, -2.98, 8.01, 4.81, 1.52),
)
# The answer rule, chosen by the same script on the same data (a wrong answer costs
# two right ones, an off-topic message answered ten): an entry is the answer when its
# probability reaches MEANING_MATCH_THRESHOLD — SPARSE_MATCH_THRESHOLD for an entry
# with one or two wordings (sparseness from SPARSE_ENTRY: question and at most one
# alias, as organisers write), whose probability reads lower than a richly aliased
# entry's — and it explains at least _ANSWER_MIN_COVERAGE of the message's words (the
# domain anchor: an off-topic message that shares a word or two with an entry leaves
# most of its words unexplained). Checked by fitting without a set, or without half
# of the own FAQ's entries, and scoring what was left out (README, "FAQ search").
# Below, while the best entry's probability reaches MEANING_SUGGESTION_THRESHOLD,
# the entries from that probability (up to three) are offered as suggestions.
MEANING_MATCH_THRESHOLD = 0.76
SPARSE_ENTRY = 0.5
SPARSE_MATCH_THRESHOLD = 0.48
_ANSWER_MIN_COVERAGE = 0.45
MEANING_SUGGESTION_THRESHOLD = 0.1

# Shares of the three signals in the confidence (they sum to 1). Coverage carries most
# because it knows which words are rare; the phrase match prefers the entry whose one
# question/alias the query rephrases; the string similarity rewards near-verbatim
# wording and is robust to stemming mistakes.
_COVERAGE_SHARE = 0.55
_PHRASE_SHARE = 0.25
_SIMILARITY_SHARE = 0.2

# Coverage credit for a query word found only in an entry's answer, not in its
# question or aliases: such a word says less about what the question is.
_ANSWER_ONLY_CREDIT = 0.7
# A query word the index does not know (even after typo correction) weighs this share
# of the IDF of a word found in no entry: it is usually content the FAQ does not talk
# about ("погода", "гараж"), so it must pull the confidence down hard.
_UNKNOWN_WORD_WEIGHT = 1.0

# F-beta of a phrase match: recall (how much of the query the phrase explains) counts
# more than precision (how much of the phrase the query mentions).
_PHRASE_BETA = 1.5
# A phrase word that matches the query's only by stem, not by form, counts this much.
_STEM_ONLY_FACTOR = 0.85
# token_set_ratio gives 30–50 to unrelated strings of similar letters; only the part
# above this floor is treated as evidence.
_SIMILARITY_FLOOR = 50.0
# Only this many entries, those with the highest coverage, get the string similarity.
_SIMILARITY_CANDIDATES = 8
# Only this many, those with the highest coverage, are scored and ranked.
_RANKED_CANDIDATES = 20

# BM25F, used to break near-ties: people type something close to a question or an
# alias; the answer repeats many generic words, so it only helps a little.
_TITLE_WEIGHT = 3.0
_ANSWER_WEIGHT = 0.6
_K1 = 1.2
_B_TITLE = 0.5
_B_ANSWER = 0.75

# Typo tolerance: only for words long enough that one wrong letter is not another word.
_FUZZY_MIN_LENGTH = 4
_FUZZY_MIN_STEM_LENGTH = 5
_FUZZY_MIN_RATIO = 85.0
# A long word may carry two slips ("дабратся" for "добраться": 82).
_FUZZY_LONG_WORD = 8
_FUZZY_LONG_MIN_RATIO = 80.0
# Two neighbouring letters swapped count as a typo in a word of this length or more,
# trusted as a correction of this ratio.
_SWAP_MIN_LENGTH = 5
_SWAP_RATIO = 90.0
# Stems sharing a long beginning (see _related) count as the same word, trusted less.
_RELATED_MIN_PREFIX = 6
_RELATED_TRUST = 0.8
# A word whose dictionary form (pymorphy3) is an index term, though its stem is not.
_LEMMA_TRUST = 0.9
# A word of the domain thesaurus (faq_thesaurus) stands for the other words of its group
# at this trust.
_SYNONYM_TRUST = 0.85
# A query word close in meaning to an entry's words (see faq_meaning) counts at most
# this share of a word found verbatim.
_MEANING_TRUST = 0.8
# Entries that only the meaning layer connects to a query: at most this many, the
# closest, are scored (see _LanguageIndex._meaning_credits).
_MEANING_CANDIDATES = 10
# In a message of several sentences, the words outside the asking sentence count this
# much (see _weighted_words).
_STORY_WEIGHT = 0.25
# Words of one message searched at most (the last ones, asking sentences first): a
# question is a few dozen words; a pasted document must not cost a second.
_MAX_QUERY_WORDS = 80
# Entries that only the sentence vectors bring (see faq_sentences): the closest this many.
_SENTENCE_CANDIDATES = 3
# Without word vectors (English): a message whose closeness to one entry reaches
# _SENTENCE_ANSWER and leads the next entry's by _SENTENCE_ANSWER_LEAD is answered by it
# when the words found nothing. Chosen on
# the English tuning questions (second and third sets, the organiser's own FAQ; the
# sentence vectors are cross-lingual, so the Russian off-topic messages stand in for
# English ones: none of them reaches the answer rule). The English benchmark figures
# are on the same data, so they are not held-out figures.
_SENTENCE_ANSWER = 0.5
_SENTENCE_ANSWER_LEAD = 0.06
# In both languages, when nothing else is found, the closest entries are offered if the
# closest reaches _MEANING_OFFER (those within _MEANING_OFFER_SPREAD of it, up to three):
# a question put in words no entry uses still gets a way forward.
_MEANING_OFFER = 0.35
_MEANING_OFFER_SPREAD = 0.1
# Per-index memo of query words; bounded so that a flood of random text cannot grow it.
_SLOT_CACHE_SIZE = 20_000


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words, greetings and request fillers ("подскажите, пожалуйста"): they
# carry no topic, and unknown words are penalised, so they must not count as unknown.
_RU_STOP_WORDS = _word_set(
    """
    а без более бы был была были было быть в вам вас ведь весь во вот все всего всех
    вы да даже для до его ее ей если есть еще ж же за здесь и из или им их к как
    какая какие каким какими каких какое какой ко ли либо мне меня мной
    мы на нам нас наш наша наше наши не него нее ней нет ни них но ну о об однако он
    она они оно от очень по под при про раз с сам со так также такой там те тем то того
    тоже той только том ту тут ты у уже чем что чтоб чтобы чье чья эта эти это этого
    этой этом этот эту я себя свой своя свое свои свою своего моя мое мои мой мою
    здравствуйте здравствуй привет приветствую добрый доброе доброго день дня вечер утро
    пожалуйста подскажите подскажи скажите скажи расскажите расскажи спасибо благодарю
    хочу хотел хотела хотим хотелось хотелось бы можно нельзя нужно нужен нужна нужны
    надо должен должна должны какую каком разве вообще просто
    вопрос вопросы ответ делать сделать знать узнать будет будут бывает есть ещё
    который которая которое которые которых которым бывает бывают считается считаются
    является являются может могут могу можем мочь чему такое такая такие таких
    объясните объясни поясните поясни означает значит дела простыми словами
    моих моим моими моей моего моему твой твоя твое твои твоих ваш ваша ваше ваши вашего
    вашей ваших вашим нашего нашей наших нашим нашему своих своим своей своему
    лично прямо именно сейчас кстати чо че эт плиз пжл интересует интересно
    всем всему всеми пока утра вечера ночи спокойной свидания хорошего
    через после перед между около возле кроме среди ради насчет
    """
)

_EN_STOP_WORDS = _word_set(
    """
    a about am an and any are as at be been being but by can could did do does doing
    for from get got had has have hello hey hi how i if in into is it its just me my
    need no not of on or our please should so tell than thank thanks that the their
    them then there these they this to too us want was we were what which
    will with would yes you your something anything someone somebody anybody
    """
)

# Question words tell what is asked about ("кто проводит" vs "как записаться") but
# say nothing about the topic: they take part in ranking at a fraction of their weight,
# and a query made only of them ("кто ты?") never matches.
_QUESTION_WORDS = _word_set("кто кому когда где куда сколько зачем почему who when where why")
_QUESTION_WORD_SHARE = 0.3

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
    "помен": ("смен",),
    # Russian: "соц-" compounds and the NGO abbreviation.
    "соцпредприят": ("социальн", "предприят"),
    "соцпредпринимательств": ("социальн", "предпринимательств"),
    "соцпредпринимател": ("социальн", "предпринимател"),
    "соцбизнес": ("социальн", "бизнес"),
    "некоммерческ": ("нко",),
    "фпг": ("грант",),  # Фонд президентских грантов
    "соцпред": ("социальн", "предпринимательств"),
    "иоп": ("исполнител", "общественн", "полезн", "услуг"),  # исполнитель ОПУ
    "оп": ("общественн", "полезн", "услуг"),  # общественно полезные услуги
    "учредител": ("учред",),
    "инвалидн": ("инвалид",),
    "организу": ("организатор",),
    "организова": ("организатор",),
    # English: spelling variants and the NGO abbreviation.
    "organiz": ("organis",),
    "organ": ("organis",),
    "nonprofit": ("ngo",),
    "ngos": ("ngo",),
    "registr": ("regist",),
}

# Whole words that Snowball gets wrong for this FAQ: стать (become) and статья
# (article) both stem to "стат"; "лет" is the plural of "год" (year); "кому" asks the
# same as "кто".
_WORD_STEMS: dict[str, str] = {
    **{form: "статья" for form in ("статья", "статьи", "статье", "статью", "статьей", "статей")},
    "лет": "год",
    "кому": "кто",
    "тел": "телефон",  # "тел. организаторов"
    "соц": "социальн",
}

_TOKEN_RE = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# Numbers of one or two digits ("2+2", "в 10 утра") say nothing about the topic; longer
# ones are law numbers (209, 245) and are kept.
_SHORT_NUMBER = re.compile(r"\d{1,2}")
_CYRILLIC_RE = re.compile(r"[а-я]")
_LATIN_RE = re.compile(r"[a-z]")


@dataclass(frozen=True)
class FaqMatch:
    """An entry that answers the query, with a confidence in 0..1 (higher is better)."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class FaqLookup:
    """What a message finds: confident answers, or else up to three plausible entries."""

    answers: list[FaqMatch]
    suggestions: list[FaqMatch]


_RU_STEMMER = snowballstemmer.stemmer("russian")
_EN_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def _stem(token: str) -> tuple[str, ...]:
    """Stem one normalised token with the stemmer of its script, then apply the lexicon."""
    if token in _WORD_STEMS:
        return (_WORD_STEMS[token],)
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
        for token in normalize(text).split()
        if token not in _RU_STOP_WORDS
        and token not in _EN_STOP_WORDS
        and not _SHORT_NUMBER.fullmatch(token)
    ]


_REQUEST_CUE = re.compile(r"\b(подскажите|скажите|объясните|расскажите|поясните|помогите)\b")


def _sentences(text: str) -> list[tuple[str, bool]]:
    """The sentences of ``text`` that have words, each with whether it asks.

    A sentence asks when it ends with "?"; when none does, when it makes a request
    ("подскажите, ...") or asks the way questions do (see faq_intents); else the last.
    """
    raw = [part.rstrip() for part in _SENTENCE_END.split(text) if words(part)]
    asking = {number for number, part in enumerate(raw) if part.endswith("?")}
    if not asking and len(raw) > 1:
        asking = {
            number
            for number, part in enumerate(raw)
            if _REQUEST_CUE.search(normalize(part)) or intents(normalize(part))
        }
    asking = asking or {len(raw) - 1}
    return [(part, number in asking) for number, part in enumerate(raw)]


def _asking_text(text: str) -> str:
    """The asking sentences of ``text``, normalised (the whole text when it is one)."""
    return " ".join(normalize(part) for part, asks in _sentences(text) if asks)


def _weighted_words(text: str) -> list[tuple[str, float]]:
    """The words of ``text``, each with its share of attention.

    A message that tells a story before its question ("Мы небольшая НКО из Ишима ...
    подскажите, ...") is mostly about its question: the words of the asking sentences
    (see _sentences) count in full, the story's words at ``_STORY_WEIGHT``. They still
    count: the story often names the topic.
    """
    sentences = _sentences(text)
    if len(sentences) < 2:
        return [(token, 1.0) for part, _ in sentences for token in words(part)][-_MAX_QUERY_WORDS:]
    weighted = [
        (token, 1.0 if asks else _STORY_WEIGHT) for part, asks in sentences for token in words(part)
    ]
    if len(weighted) <= _MAX_QUERY_WORDS:
        return weighted
    # A very long message: its asking words, then the story words nearest the end.
    keep = {i for i, (_, factor) in enumerate(weighted) if factor == 1.0}
    for i in reversed(range(len(weighted))):
        if len(keep) >= _MAX_QUERY_WORDS:
            break
        keep.add(i)
    return [item for i, item in enumerate(weighted) if i in keep][-_MAX_QUERY_WORDS:]


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
    """One entry's signals for one query (kept separate for the benchmark and tuning)."""

    entry_id: str
    confidence: float
    strength: float  # what entries are ranked by (see _confidence)
    bm25: float
    coverage: float
    phrase: float
    similarity: float
    gist: float  # cosine of the query's and the best phrase's mean word vectors
    context_gist: float  # the same for the entry's answer and category
    title_coverage: float  # coverage by the question and aliases alone (words, not meaning)
    bm25_share: float  # BM25F per unit of the query's weight
    intent_match: float  # share of the message's kinds of question the entry's title asks too
    intent_clash: float  # 1 when both ask some kind of question and no kind is shared
    unknown_cover: float  # coverage given by meaning alone to words no entry uses
    unknown_share: float  # the message's share of words no entry uses (same for all entries)
    brevity: float  # 1 / the number of topical words it asks with (same for all entries)
    sentence: float  # closeness of the whole message to the entry (see faq_sentences)
    sentence_lead: float  # the entry's lead in it over the closest other entry
    # 1 / the number of the entry's question and aliases: one wording gives fewer
    # chances of a close match than many, so its signals read lower.
    sparseness: float

    @property
    def signals(self) -> tuple[float, ...]:
        """The signals in the order ``model_values`` takes them."""
        return (
            self.coverage,
            self.phrase,
            self.similarity,
            self.gist,
            self.context_gist,
            self.title_coverage,
            self.bm25_share,
            self.intent_match,
            self.intent_clash,
            self.unknown_cover,
            self.unknown_share,
            self.brevity,
            self.sentence,
            self.sentence_lead,
            self.sparseness,
        )


@dataclass(frozen=True)
class _Slot:
    """One query word: the index terms it may stand for, each with a trust factor."""

    candidates: dict[str, float]
    weight: float  # its share of the query's information (IDF), matched or not
    topical: bool = True  # False for question words


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


class _Vocabulary:
    """Words grouped by their first and by their second letter, for typo correction.

    A misspelt word is compared only with words that start with its first letter, or
    whose first letter is its second or whose second letter is its first (a lost or an
    extra first letter: "оставить" / "поставить"); people rarely mistype the first
    letter otherwise. That keeps a correction at a fraction of a millisecond on a large FAQ.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self._by_first: dict[str, list[str]] = {}
        self._by_second: dict[str, list[str]] = {}
        for word in words:
            self._by_first.setdefault(word[0], []).append(word)
            if len(word) > 1:
                self._by_second.setdefault(word[1], []).append(word)

    def near(self, word: str) -> list[str]:
        found = self._by_first.get(word[0], []) + self._by_second.get(word[0], [])
        if len(word) > 1:
            found += self._by_first.get(word[1], [])
        return found


def _synonyms() -> dict[str, tuple[str, ...]]:
    """Each stem of a thesaurus group → the stems of its group (itself excluded)."""
    result: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = {stem for word in group.split() for stem in _stem(word)}
        for stem in stems:
            result.setdefault(stem, set()).update(stems - {stem})
    # Sorted, so that candidates are met in the same order in every process (Python
    # orders sets by string hashes, which change from run to run) and equal scores
    # rank the same way.
    return {stem: tuple(sorted(others)) for stem, others in result.items()}


_SYNONYMS = _synonyms()


class _LanguageIndex:
    """The entries of one language, indexed for scoring."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        vectors: WordVectors | None,
        lemmatizer: Lemmatizer | None,
        sentences: SentenceVectors | None = None,
    ) -> None:
        self._lemmatizer = lemmatizer
        self.docs: list[_Doc] = []
        surfaces: set[str] = set()
        # Question and aliases one by one ("phrases"): a query usually rephrases one
        # of them, so matching against each separately is sharper than against their
        # union.
        phrase_terms: list[set[str]] = []
        self._phrase_words: list[frozenset[str]] = []
        self._stem_phrases: list[str] = []
        self._surface_phrases: list[str] = []
        self._phrase_owner: list[int] = []
        for position, entry in enumerate(entries):
            title_texts = (entry.question, *entry.aliases)
            title_terms: list[str] = []
            for text in title_texts:
                terms = analyze(text)
                title_terms.extend(terms)
                if terms:
                    phrase_terms.append(set(terms))
                    self._phrase_words.append(frozenset(words(text)))
                    self._stem_phrases.append(" ".join(terms))
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

        self._phrases_of: list[list[int]] = [[] for _ in self.docs]
        for phrase, owner in enumerate(self._phrase_owner):
            self._phrases_of[owner].append(phrase)
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

        # Postings, so that a query only touches the entries that share its words.
        # Each posting: the entry, its BM25F term frequency saturated (tf·(k1+1)/(tf+k1)),
        # and the coverage credit of the term there (full in the question or aliases,
        # reduced in the answer only).
        self._doc_postings: dict[str, list[tuple[int, float, float]]] = {}
        for position, doc in enumerate(self.docs):
            title_norm = 1 - _B_TITLE + _B_TITLE * doc.title_len / self.avg_title
            answer_norm = 1 - _B_ANSWER + _B_ANSWER * doc.answer_len / self.avg_answer
            for term in set(doc.title_tf) | set(doc.answer_tf):
                # BM25F: field-weighted, length-normalised term frequency.
                tf = (
                    _TITLE_WEIGHT * doc.title_tf.get(term, 0) / title_norm
                    + _ANSWER_WEIGHT * doc.answer_tf.get(term, 0) / answer_norm
                )
                credit = 1.0 if doc.title_tf.get(term, 0) > 0 else _ANSWER_ONLY_CREDIT
                saturated = tf * (_K1 + 1) / (tf + _K1)
                self._doc_postings.setdefault(term, []).append((position, saturated, credit))
        phrase_counts = Counter(self._phrase_owner)
        self._sparseness = [1.0 / max(1, phrase_counts[p]) for p in range(len(self.docs))]
        self._phrase_postings: dict[str, list[int]] = {}
        self._phrase_weight: list[float] = []
        for number, phrase_set in enumerate(phrase_terms):
            self._phrase_weight.append(sum(self.idf[term] for term in sorted(phrase_set)))
            for term in phrase_set:
                self._phrase_postings.setdefault(term, []).append(number)

        # Typo tolerance compares a query word with the words the entries really use
        # (surface forms) and with their stems, because a typo may sit in the ending.
        self.surface_vocab: list[str] = sorted(surfaces)
        self.stem_vocab: list[str] = sorted(self.idf)
        self._surface_near = _Vocabulary(self.surface_vocab)
        self._stem_near = _Vocabulary(self.stem_vocab)
        self._by_prefix: dict[str, list[str]] = {}
        for term in self.stem_vocab:
            self._by_prefix.setdefault(term[:_RELATED_MIN_PREFIX], []).append(term)
        self._slots: dict[str, list[_Slot]] = {}
        # Dictionary forms of the stop words (see _filler).
        self._fillers: frozenset[str] = frozenset(
            lemmatizer.lemma(word) for word in sorted(_RU_STOP_WORDS) if lemmatizer is not None
        )
        # The entries' words by their letters, to find two neighbouring letters swapped.
        self._swaps: dict[str, list[str]] = {}
        for word in self.surface_vocab:
            if len(word) >= _SWAP_MIN_LENGTH:
                self._swaps.setdefault("".join(sorted(word)), []).append(word)
        self._intents = [intents(normalize(e.question)) for e in entries]
        self._meaning: EntryMeanings | None = None
        if vectors is not None:
            self._meaning = EntryMeanings(
                [words(" ".join((e.question, *e.aliases))) for e in entries],
                [words(f"{e.answer} {e.category}") for e in entries],
                [[words(text) for text in (e.question, *e.aliases)] for e in entries],
                self._word_weight,
                vectors,
            )
        self._sentences = EntrySentences(entries, sentences) if sentences is not None else None

    def _word_weight(self, token: str) -> float:
        """A word's information for averaging vectors: its IDF, the most for unknown words."""
        stems = [stem for stem in _stem(token) if stem in self.idf]
        if token in _QUESTION_WORDS:
            return 0.0
        return max((self.idf[stem] for stem in stems), default=self.max_idf)

    def slots(self, token: str) -> list[_Slot]:
        """What one query word means to this index (cached: queries repeat words)."""
        cached = self._slots.get(token)
        if cached is None:
            stems = _stem(token)
            if self._filler(token, stems):
                cached = []
            else:
                cached = [self._slot(stem, token) for stem in stems]
            if len(self._slots) < _SLOT_CACHE_SIZE:
                self._slots[token] = cached
        return cached

    def _filler(self, token: str, stems: tuple[str, ...]) -> bool:
        """Whether a word the entries never use is a form of a stop word ("рассказать"
        of "расскажите", "можете" of "может"): it carries no topic, so it must not
        count as unknown content either."""
        if not self._fillers or self._lemmatizer is None or any(s in self.idf for s in stems):
            return False
        return self._lemmatizer.lemma(token) in self._fillers

    def _slot(self, stem: str, token: str) -> _Slot:
        candidates = self._known(stem, 1.0)
        self._add_synonyms(candidates, stem, _SYNONYM_TRUST)
        if not candidates and self._lemmatizer is not None:
            # The dictionary form, for the entries' words and the thesaurus ("поделок"
            # is "поделка"); only for words not known otherwise: it costs time.
            lemma = self._lemmatizer.lemma(token)
            for lemma_stem in _stem(lemma) if lemma != token else ():
                candidates.update(self._known(lemma_stem, _LEMMA_TRUST))
                self._add_synonyms(candidates, lemma_stem, _LEMMA_TRUST * _SYNONYM_TRUST)
        if not candidates and len(token) >= _FUZZY_MIN_LENGTH:
            corrected = self._correct(token, stem)
            if corrected is not None:
                term, ratio = corrected
                candidates[term] = _typo_trust(ratio)
        if not candidates:
            return _Slot({}, _UNKNOWN_WORD_WEIGHT * self.max_idf)
        # The word's own IDF when the index knows it; a related form must not make a
        # common word look rare.
        weight = self.idf[stem] if stem in self.idf else max(self.idf[t] for t in candidates)
        if token in _QUESTION_WORDS:
            share = _QUESTION_WORD_SHARE
            return _Slot({t: v * share for t, v in candidates.items()}, weight * share, False)
        return _Slot(candidates, weight)

    def _add_synonyms(self, candidates: dict[str, float], stem: str, trust: float) -> None:
        """The index terms of ``stem``'s thesaurus group, at ``trust`` (see faq_thesaurus)."""
        for synonym in _SYNONYMS.get(stem, ()):
            if synonym in self.idf and synonym not in candidates:
                candidates[synonym] = trust

    def _known(self, stem: str, trust: float) -> dict[str, float]:
        """Index terms that ``stem`` stands for: itself and related forms."""
        candidates: dict[str, float] = {}
        if stem in self.idf:
            candidates[stem] = trust
        for term in self._by_prefix.get(stem[:_RELATED_MIN_PREFIX], ()):
            if term != stem and _related(stem, term):
                candidates[term] = _RELATED_TRUST * trust
        return candidates

    def _correct(self, token: str, stem: str) -> tuple[str, float] | None:
        """The index term closest to a misspelt word, if it is close enough."""
        best: tuple[str, float] | None = None
        cutoff = _FUZZY_LONG_MIN_RATIO if len(token) >= _FUZZY_LONG_WORD else _FUZZY_MIN_RATIO
        found = process.extractOne(
            token,
            self._surface_near.near(token),
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
        )
        if found is not None:
            term = _stem(found[0])[0]
            if term in self.idf:
                best = (term, found[1])
        elif len(token) >= _SWAP_MIN_LENGTH:
            # Two neighbouring letters swapped ("гарнты"): one slip for a typist,
            # two edits for the ratio above.
            for word in self._swaps.get("".join(sorted(token)), ()):
                term = _stem(word)[0]
                if OSA.distance(token, word) == 1 and term in self.idf:
                    best = (term, _SWAP_RATIO)
                    break
        # Stems only when long: two short stems one letter apart are usually different
        # words (дел / дела), not a typo.
        if len(stem) >= _FUZZY_MIN_STEM_LENGTH:
            found = process.extractOne(
                stem,
                self._stem_near.near(stem),
                scorer=fuzz.ratio,
                score_cutoff=_FUZZY_MIN_RATIO,
            )
            if found is not None and (best is None or found[1] > best[1]):
                best = (found[0], found[1])
        return best

    def lookup(self, text: str, limit: int) -> FaqLookup:
        if self._meaning is None:
            return self._lexical_lookup(text, limit)
        near = self._near(text)
        scored = self.score(text, near)
        chances = _choice(scored)
        answers = [
            _match(item, chance)
            for item, chance in zip(scored[:limit], chances, strict=False)
            if chance
            >= (
                SPARSE_MATCH_THRESHOLD
                if item.sparseness >= SPARSE_ENTRY
                else MEANING_MATCH_THRESHOLD
            )
            and item.coverage >= _ANSWER_MIN_COVERAGE
        ]
        if answers:
            return FaqLookup(answers, [])
        suggestions = [
            _match(item, chance)
            for item, chance in zip(scored[:SUGGESTION_LIMIT], chances, strict=False)
            if chance >= MEANING_SUGGESTION_THRESHOLD
        ]
        return FaqLookup([], suggestions or self._offers(near))

    def _lexical_lookup(self, text: str, limit: int) -> FaqLookup:
        """Without word vectors (English): the word signals decide; when they find no
        answer, a message very close in meaning to one entry and clearly closer to it
        than to any other is answered by it, and entries close in meaning are offered."""
        scored = self.score(text)
        answers = [
            _match(item, item.confidence)
            for item in scored[:limit]
            if item.confidence >= MATCH_THRESHOLD
        ]
        if answers:
            return FaqLookup(answers, [])
        suggestions = [
            _match(item, item.confidence)
            for item in scored[:SUGGESTION_LIMIT]
            if item.confidence >= SUGGESTION_THRESHOLD
        ]
        near = self._near(text)
        if near is None:
            return FaqLookup([], suggestions)
        closest = near.nearest(1)
        if (
            closest
            and near.closeness[closest[0]] >= _SENTENCE_ANSWER
            and near.lead[closest[0]] >= _SENTENCE_ANSWER_LEAD
        ):
            entry_id = self.docs[closest[0]].entry_id
            return FaqLookup([FaqMatch(entry_id, round(float(near.closeness[closest[0]]), 4))], [])
        return FaqLookup([], suggestions or self._offers(near))

    def _near(self, text: str) -> SentenceScores | None:
        """Closeness of each entry to the message and to its asking sentence."""
        if self._sentences is None:
            return None
        return self._sentences.scores([text, _asking_text(text)])

    def _offers(self, near: SentenceScores | None) -> list[FaqMatch]:
        """When nothing else is found: the entries closest in meaning, if close enough
        (a question in words no entry uses, «где машину оставить?» for parking)."""
        if near is None:
            return []
        closest = near.nearest(SUGGESTION_LIMIT)
        if not closest or near.closeness[closest[0]] < _MEANING_OFFER:
            return []
        floor = max(_MEANING_OFFER, float(near.closeness[closest[0]]) - _MEANING_OFFER_SPREAD)
        return [
            FaqMatch(self.docs[position].entry_id, round(float(near.closeness[position]), 4))
            for position in closest
            if near.closeness[position] >= floor
        ]

    def nearest(self, text: str, limit: int) -> list[FaqMatch]:
        """The entries closest to ``text`` by the word signals, then by meaning."""
        near = self._near(text)
        found = [_match(item, item.confidence) for item in self.score(text, near)[:limit]]
        if near is not None:
            known = {match.entry_id for match in found}
            for position in near.nearest(limit):
                entry_id = self.docs[position].entry_id
                if len(found) < limit and entry_id not in known:
                    found.append(FaqMatch(entry_id, round(float(near.closeness[position]), 4)))
                    known.add(entry_id)
        return found

    def score(self, text: str, near: SentenceScores | None = None) -> list[_Scored]:
        """Entries that ``text`` may ask about, best first, with their signals.

        A message of several sentences is scored as a whole (its story's words
        weighed down) and by its asking sentences alone; each entry keeps its best.
        With word vectors, ``near`` (see _near) adds the sentence signals for the
        fitted model to weigh with the others.
        """
        weighted = _weighted_words(text)
        asked = intents(_asking_text(text))
        if self._meaning is None:
            near = None
        scored = self._score_words(weighted, asked, near)
        asking = [(token, factor) for token, factor in weighted if factor == 1.0]
        if len(asking) == len(weighted):
            return scored
        best = {item.entry_id: item for item in scored}
        for item in self._score_words(asking, asked, near):
            if item.entry_id not in best or item.confidence > best[item.entry_id].confidence:
                best[item.entry_id] = item
        return sorted(best.values(), key=_rank, reverse=True)

    def _score_words(
        self,
        weighted: list[tuple[str, float]],
        asked: frozenset[str],
        near: SentenceScores | None,
    ) -> list[_Scored]:
        slots: list[_Slot] = []
        slot_words: list[str] = []
        focus: list[int] = []  # the slots of the asking sentence
        for token, factor in weighted:
            for slot in self.slots(token):
                if factor == 1.0:
                    focus.append(len(slots))
                slots.append(slot if factor == 1.0 else replace(slot, weight=slot.weight * factor))
                slot_words.append(token)
        meaning = self._meaning_credits(slots, slot_words)
        linked = any(slot.candidates and slot.topical for slot in slots) or meaning
        if not slots or not (linked or near is not None):
            return []
        query_weight = sum(slot.weight for slot in slots)
        # Two facts about the message itself, the same for every entry: how much of it
        # no entry's words explain, and how few topical words it has.
        unknown_share = sum(slot.weight for slot in slots if not slot.candidates) / query_weight
        brevity = 1.0 / max(1, sum(1 for i in focus if slots[i].topical))

        # Per entry: what each query word contributes (coverage, BM25) — the best of
        # its candidate terms, never more than the word's own weight.
        cover: dict[int, list[float]] = {}
        title_cover: dict[int, list[float]] = {}
        bm25: dict[int, list[float]] = {}
        # Per phrase: what each query word matches in it, and which phrase terms it hit.
        phrase_recall: dict[int, list[float]] = {}
        phrase_hits: dict[int, dict[str, float]] = {}
        blank = [0.0] * len(slots)
        for number, slot in enumerate(slots):
            word = slot_words[number]
            for term, trust in slot.candidates.items():
                value = min(self.idf[term] * trust, slot.weight)
                for position, saturated, share in self._doc_postings.get(term, ()):
                    row = cover.get(position)
                    if row is None:
                        row = cover[position] = blank.copy()
                        bm25[position] = blank.copy()
                        title_cover[position] = blank.copy()
                    credit = value * share
                    if credit > row[number]:
                        row[number] = credit
                    if share == 1.0:
                        row = title_cover[position]
                        if value > row[number]:
                            row[number] = value
                    row = bm25[position]
                    credit = value * saturated
                    if credit > row[number]:
                        row[number] = credit
                hit = self.idf[term] * trust
                for phrase in self._phrase_postings.get(term, ()):
                    # The same word form counts a little more than a shared stem: it
                    # tells "на какие семинары я записан" from "как записаться".
                    if word in self._phrase_words[phrase]:
                        value_here = value
                    else:
                        value_here = value * _STEM_ONLY_FACTOR
                    row = phrase_recall.get(phrase)
                    if row is None:
                        row = phrase_recall[phrase] = blank.copy()
                        phrase_hits[phrase] = {}
                    if value_here > row[number]:
                        row[number] = value_here
                    hits = phrase_hits[phrase]
                    if hit > hits.get(term, 0.0):
                        hits[term] = hit

        # A word close in meaning to an entry's words covers it too, at most as much as
        # the word itself would. What only the meaning layer explains, for words the
        # entries never use, is kept apart too.
        meaning_only: dict[int, float] = {}
        for position, credits in meaning.items():
            row = cover.get(position)
            if row is None:
                row = cover[position] = blank.copy()
                bm25[position] = blank.copy()
                title_cover[position] = blank.copy()
            for number, credit in enumerate(credits):
                value = _MEANING_TRUST * credit * slots[number].weight
                if not slots[number].candidates:
                    meaning_only[position] = meaning_only.get(position, 0.0) + value
                row[number] = max(row[number], value)

        best_phrase: dict[int, float] = {}
        for phrase, row in phrase_recall.items():
            recall = sum(row) / query_weight
            precision = sum(phrase_hits[phrase].values()) / self._phrase_weight[phrase]
            beta2 = _PHRASE_BETA**2
            f_score = (1 + beta2) * precision * recall / (beta2 * precision + recall)
            owner = self._phrase_owner[phrase]
            best_phrase[owner] = max(best_phrase.get(owner, 0.0), f_score)

        # String similarity is the costly signal: only for the best-covered entries; and
        # only the best-covered ones are scored at all: the others would not change
        # the outcome, and scoring each one costs time.
        # Coverage ties are common (a message of one common word and unknown ones):
        # the phrase match breaks them.
        covered = {position: sum(row) for position, row in cover.items()}
        leaders = sorted(
            covered,
            key=lambda position: (covered[position], best_phrase.get(position, 0.0)),
            reverse=True,
        )[:_RANKED_CANDIDATES]
        if near is not None:
            # Entries close in meaning compete too, even when they share no word.
            leaders += [p for p in near.nearest(_SENTENCE_CANDIDATES) if p not in leaders]
        similarity = self._similarity(
            [slot_words[i] for i in focus],
            [slots[i] for i in focus],
            set(leaders[:_SIMILARITY_CANDIDATES]),
        )
        gists = (
            self._meaning.gist_similarity([slot_words[i] for i in focus])
            if self._meaning is not None
            else None
        )
        scored: list[_Scored] = []
        for position in leaders:
            coverage = covered.get(position, 0.0) / query_weight
            unknown_cover = meaning_only.get(position, 0.0) / query_weight
            phrase_score = best_phrase.get(position, 0.0)
            sim = similarity.get(position, 0.0)
            gist = float(gists[0][position]) if gists is not None else 0.0
            context_gist = float(gists[1][position]) if gists is not None else 0.0
            title_coverage = sum(title_cover.get(position, blank)) / query_weight
            bm25_share = sum(bm25.get(position, blank)) / query_weight
            offered = self._intents[position]
            intent_match = len(asked & offered) / len(asked) if asked else 0.0
            intent_clash = float(bool(asked and offered and not asked & offered))
            signals = (
                coverage,
                phrase_score,
                sim,
                gist,
                context_gist,
                title_coverage,
                bm25_share,
                intent_match,
                intent_clash,
                unknown_cover,
                unknown_share,
                brevity,
                float(near.closeness[position]) if near is not None else 0.0,
                float(near.lead[position]) if near is not None else 0.0,
                self._sparseness[position],
            )
            confidence, strength = _confidence(signals, gists is not None)
            scored.append(
                _Scored(
                    self.docs[position].entry_id,
                    confidence,
                    strength,
                    sum(bm25.get(position, blank)),
                    *signals,
                )
            )
        # Confidence decides whether to answer; BM25 breaks near-ties because it also
        # counts how strongly (not just whether) an entry uses the words.
        scored.sort(key=_rank, reverse=True)
        return scored

    def _meaning_credits(self, slots: list[_Slot], slot_words: list[str]) -> dict[int, list[float]]:
        """Per entry, the meaning credit (0..1) of each topical slot.

        Only the ``_MEANING_CANDIDATES`` entries with the most weighted credit are
        kept: every entry's answer has some word loosely close to some query word,
        and scoring all of them costs time without changing the best few.
        """
        if self._meaning is None:
            return {}
        topical = [number for number, slot in enumerate(slots) if slot.topical]
        if not topical:
            return {}
        credits = self._meaning.credits([slot_words[number] for number in topical])
        weights = np.array([slots[number].weight for number in topical], dtype=np.float32)
        mass = weights @ credits
        best = np.argsort(-mass)[:_MEANING_CANDIDATES]
        table = credits.T.tolist()
        result: dict[int, list[float]] = {}
        for position in best[mass[best] > 0].tolist():
            row = [0.0] * len(slots)
            for column, number in enumerate(topical):
                row[number] = table[position][column]
            result[position] = row
        return result

    def _similarity(
        self, tokens: list[str], slots: list[_Slot], candidates: Collection[int]
    ) -> dict[int, float]:
        """Best whole-string similarity (0..1) of the query to each candidate's phrases.

        Computed on stems (word forms do not matter) and on surface words (they tell
        "записан" from "записаться"), and only the part above a floor counts:
        token_set_ratio gives 30–50 to unrelated strings of similar letters. Only
        entries that share a word with the query are scored, so only their phrases
        are compared: that keeps the search at a fraction of a millisecond.

        With meaning, token_sort_ratio instead: token_set_ratio gives 100 to a message
        that contains a whole alias among other words ("лист ожидания в детский сад"),
        and the fitted model needs to tell that from the alias itself.
        """
        scorer = fuzz.token_set_ratio if self._meaning is None else fuzz.token_sort_ratio
        stem_query = " ".join(
            max(slot.candidates, key=slot.candidates.__getitem__) if slot.candidates else "?"
            for slot in slots
        )
        best: dict[int, float] = {}
        wanted = sorted(phrase for owner in candidates for phrase in self._phrases_of[owner])
        for query, phrases in (
            (stem_query, {i: self._stem_phrases[i] for i in wanted}),
            (" ".join(tokens), {i: self._surface_phrases[i] for i in wanted}),
        ):
            for _, ratio, phrase in process.extract(
                query,
                phrases,
                scorer=scorer,
                limit=None,
                score_cutoff=_SIMILARITY_FLOOR,
            ):
                owner = self._phrase_owner[phrase]
                value = (ratio - _SIMILARITY_FLOOR) / (100.0 - _SIMILARITY_FLOOR)
                best[owner] = max(best.get(owner, 0.0), value)
        return best


def _confidence(features: Sequence[float], with_meaning: bool) -> tuple[float, float]:
    """The signals combined: a confidence in 0..1 and the strength to rank by.

    ``features``: coverage, phrase, similarity, gist, context gist, title coverage,
    BM25 share (see ``_Scored``). Without meaning, a fixed weighted sum of the first
    three. With it, the fitted logit (the strength); ``lookup`` turns the logits of all
    candidates into probabilities (see ``_choice``).
    """
    if not with_meaning:
        coverage, phrase, similarity = features[:3]
        linear = (
            _COVERAGE_SHARE * coverage + _PHRASE_SHARE * phrase + _SIMILARITY_SHARE * similarity
        )
        return linear, linear
    values = model_values(features)
    logit = _FIT_BIAS + sum(map(operator.mul, _FIT_WEIGHTS, values))
    return 1.0 / (1.0 + math.exp(-logit)), logit


def model_values(features: Sequence[float]) -> tuple[float, ...]:
    """What the fitted model weighs: the signals, with the agreement after the gist."""
    coverage, phrase, similarity, gist, context_gist, *rest = features
    return (coverage, phrase, similarity, gist, min(coverage, gist), context_gist, *rest)


def _choice(scored: Sequence[_Scored]) -> list[float]:
    """Probability that the message asks for each entry, in the order of ``scored``.

    The candidates compete with one another and with "none of them" (logit 0): an
    entry is likely only when it is both strong and clearly ahead of the runner-up.
    """
    if not scored:
        return []
    top = max(0.0, max(item.strength for item in scored))
    exps = [math.exp(item.strength - top) for item in scored]
    total = math.exp(-top) + sum(exps)
    return [value / total for value in exps]


def _rank(item: _Scored) -> tuple[float, float]:
    return round(item.strength, 2), item.bm25


def _match(item: _Scored, chance: float) -> FaqMatch:
    return FaqMatch(entry_id=item.entry_id, score=round(chance, 4))


def _typo_trust(ratio: float) -> float:
    """Trust in a typo correction: 1.0 for identical, 0.6 at the cut-off, 0.5 at the least."""
    return max(0.5, 0.6 + 0.4 * (ratio - _FUZZY_MIN_RATIO) / (100.0 - _FUZZY_MIN_RATIO))


class FaqIndex:
    """Search index over FAQ entries in several languages; build once, query often."""

    def __init__(
        self,
        entries: Iterable[FaqEntry],
        vectors: WordVectors | None = None,
        lemmatizer: Lemmatizer | None = None,
        sentences: SentenceVectors | None = None,
    ) -> None:
        """``vectors`` and ``lemmatizer`` (Russian) help the Russian entries' search;
        ``sentences`` (with them) the meaning of whole messages."""
        by_lang: dict[str, list[FaqEntry]] = {}
        for entry in entries:
            by_lang.setdefault(entry.lang, []).append(entry)
        self._indexes = {
            lang: (
                _LanguageIndex(items, vectors, lemmatizer, sentences)
                if lang == "ru"
                else _LanguageIndex(items, None, None, sentences)
            )
            for lang, items in by_lang.items()
        }

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._indexes)

    def search(self, text: str, lang: str, limit: int = 4) -> list[FaqMatch]:
        """Entries of ``lang`` that answer ``text`` confidently, best first, at most ``limit``."""
        return self.lookup(text, lang, limit).answers

    def lookup(self, text: str, lang: str, limit: int = 4) -> FaqLookup:
        """Confident answers of ``lang`` (at most ``limit``), or else suggestions.

        Falls back to another language only when there are no entries in ``lang``
        at all (e.g. an FAQ file without translations).
        """
        index = self._index(lang)
        if limit <= 0 or index is None:
            return FaqLookup([], [])
        return index.lookup(text, limit)

    def nearest(self, text: str, lang: str, limit: int) -> list[FaqMatch]:
        """The ``limit`` entries closest to ``text`` whatever their confidence."""
        index = self._index(lang)
        return [] if index is None else index.nearest(text, limit)

    def _index(self, lang: str) -> _LanguageIndex | None:
        index = self._indexes.get(lang)
        if index is None and self._indexes:
            index = self._indexes.get("ru") or next(iter(self._indexes.values()))
        return index
