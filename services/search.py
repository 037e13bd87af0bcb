"""Search ranking for guides and life situations.

A query in any of kk, ru or en finds a document whatever the page language. Both the query and
the documents go through the same folding (`normalise`): casefold, ё→е, Kazakh letters and the
Kazakh Latin alphabets (2018 and 2021) to one plain Latin form, Cyrillic transliterated to that
same form. So "жеке куәлік", "жеке куалик" and "jeke kuálik" all become "jeke kualik", and a
Russian word typed in Latin letters still has a chance.

Words are stemmed (snowball: Russian for Cyrillic words, English for Latin ones) and matched
word by word with rapidfuzz: a few typos per word are forgiven (at least one edit per five
letters), and a word that only shares its beginning with a document word (Kazakh and Russian
endings, or a word typed half-way) still counts, for a little less. A query typed in the wrong
keyboard layout ("ghjgbcrf") is also read in the other layout, and the better reading wins.

All ranking lives in this module; the view only calls `SearchIndex.search`.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import snowballstemmer
import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from services.content import Content

# A real question is never this long; cutting the query keeps the cost of a search bounded
# whatever is pasted into the box.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12

DEFAULT_SYNONYMS_PATH = Path(__file__).resolve().parent.parent / "content" / "search_synonyms.yaml"

# --------------------------------------------------------------------------------------------
# Documents and results (the view depends on these)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchDocument:
    kind: str  # "guide" or "situation"
    slug: str
    texts: dict[str, tuple[str, ...]]  # lang -> (title, summary, *search_terms); title first


@dataclass(frozen=True)
class SearchResult:
    document: SearchDocument
    score: float


# --------------------------------------------------------------------------------------------
# Normalisation: one folding for the query and the documents
# --------------------------------------------------------------------------------------------

# Kazakh Latin letters whose mark changes the sound, so stripping the mark would give the
# wrong letter: 2018 ý is У (not Ы), ş and ç are Ш and Ч, dotless ı is І.
_KAZAKH_LATIN_BEFORE_MARKS = str.maketrans({"ý": "u", "ş": "sh", "ç": "ch", "ı": "i"})

# Cyrillic (Russian and Kazakh) to the plain Latin used by the Kazakh Latin alphabet, with
# Kazakh letters folded onto their Russian look-alikes (қ→к→k, ғ→г→g, ң→н→n, ө→о→o, ұ/ү→у→u,
# ә→а→a, і→и→i, һ→х→h) and the Kazakh Latin q folded onto k. Й and Ё need no entry: their
# marks are removed before this table applies, which turns them into И and Е.
# fmt: off
_TO_PLAIN_LATIN = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
        "ж": "j", "з": "z", "и": "i", "і": "i", "к": "k", "қ": "k", "л": "l", "м": "m",
        "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
        "q": "k",
    }
)
# fmt: on

# Letters and digits, with any combining marks on them: "İ" casefolds to "i" plus a dot above,
# which must not split the word it is in.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def strip_control_characters(text: str) -> str:
    """Replace control, format and unassigned characters (NUL, bidi marks, lone surrogates)
    by spaces, so pasted binary junk can neither crash the search nor glue two words."""
    return "".join(" " if unicodedata.category(char)[0] == "C" else char for char in text)


def _clean(text: str) -> str:
    """Bounded, printable, casefolded text: the starting point of every reading of a query."""
    return strip_control_characters(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS].casefold()


def _words(text: str) -> list[str]:
    # NFKC first so that fullwidth letters, ligatures and decomposed й are single letters.
    return _WORD.findall(unicodedata.normalize("NFKC", text.casefold()))


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_KAZAKH_LATIN_BEFORE_MARKS))
    unmarked = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unmarked.translate(_TO_PLAIN_LATIN)


def normalise(text: str) -> str:
    """Fold text to the plain Latin form that both sides of a search are compared in."""
    return " ".join(_fold_word(word) for word in _words(strip_control_characters(text)))


# --------------------------------------------------------------------------------------------
# Wrong keyboard layout: Russian ЙЦУКЕН and US QWERTY share the keys
# --------------------------------------------------------------------------------------------

_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`{}:\"<>~"
_CYRILLIC_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюёхъжэбюё"
_LATIN_TO_CYRILLIC = str.maketrans(_LATIN_KEYS, _CYRILLIC_KEYS)
_CYRILLIC_TO_LATIN = str.maketrans(
    {cyrillic: latin for latin, cyrillic in zip(_LATIN_KEYS, _CYRILLIC_KEYS) if latin.isalpha()}
)
_ASCII_LETTER = re.compile(r"[a-z]")
_CYRILLIC_LETTER = re.compile(r"[а-яё]")
_KAZAKH_LETTER = re.compile(r"[әғқңөұүһі]")


def switch_keyboard_layout(text: str) -> str | None:
    """Read text as if typed in the other layout: "ghjgbcrf" → "прописка", "шв сфкв" → "id card".

    None when the text is not all in one of the two scripts (then it was not a layout slip).
    """
    lowered = text.casefold()
    has_latin = bool(_ASCII_LETTER.search(lowered))
    has_cyrillic = bool(_CYRILLIC_LETTER.search(lowered) or _KAZAKH_LETTER.search(lowered))
    if has_latin and not has_cyrillic:
        return lowered.translate(_LATIN_TO_CYRILLIC)
    if has_cyrillic and not has_latin and not _KAZAKH_LETTER.search(lowered):
        return lowered.translate(_CYRILLIC_TO_LATIN)
    return None


# --------------------------------------------------------------------------------------------
# Terms: folded stems
# --------------------------------------------------------------------------------------------

_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_ENGLISH_WORD = re.compile(r"[a-z]+")
_RUSSIAN_STEMMER = snowballstemmer.stemmer("russian")
_ENGLISH_STEMMER = snowballstemmer.stemmer("english")

# Words that carry no meaning for finding a service. Matching them would only add noise
# ("как", "how", "қалай"); a query made only of them finds nothing.
_STOP_WORDS_BY_LANGUAGE = {
    "kk": "мен менің маған мені сен сіз сіздің біз бізге ол оның қалай қайда қашан не неге "
    "нені кім керек қажет үшін және немесе да де та те ма ме ба бе па пе бен пен бар жоқ ғой "
    "ғана осы сол бұл туралы",
    "ru": "я мне меня мой моя моё мое мои моего моей ты вы вас ваш он она они его её ее их как "
    "где куда когда что чтобы кто нужно надо нужен нужна хочу можно ли и или а но в во на с со к "
    "ко у о об по для из за от до не нет это этот эта же бы если там тут уже еще ещё",
    "en": "i my me mine you your we our he she they it its how where when what who why which "
    "to do does did a an the of for in on at by is are was be can could should would will need "
    "needs want wants with and or not no this that there please from about",
}


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """The folded stem of one casefolded word; the same function serves query and documents."""
    if _RUSSIAN_WORD.fullmatch(word):
        word = _RUSSIAN_STEMMER.stemWord(word.replace("ё", "е"))
    elif _ENGLISH_WORD.fullmatch(word):
        word = _ENGLISH_STEMMER.stemWord(word)
    return _fold_word(word)


_STOP_STEMS = frozenset(
    _stem(word) for words in _STOP_WORDS_BY_LANGUAGE.values() for word in words.split()
)


@dataclass(frozen=True)
class _Term:
    stem: str  # what words are matched by
    form: str  # the folded word as written: the same form is a closer match than the same stem


def _terms(text: str) -> list[_Term]:
    """Meaningful terms of a text, in order, one per stem (its first form)."""
    by_stem: dict[str, _Term] = {}
    for word in _words(text):
        stem = _stem(word)
        if stem and stem not in _STOP_STEMS and stem not in by_stem:
            by_stem[stem] = _Term(stem, _fold_word(word))
    return list(by_stem.values())


# --------------------------------------------------------------------------------------------
# Term similarity
# --------------------------------------------------------------------------------------------

# Below these scores a word pair or a document is not a match at all.
MIN_TERM_SIMILARITY = 0.7
MIN_SCORE = 0.3
# Results far below the best one are noise for the person reading the list.
MIN_SHARE_OF_BEST = 0.4
# A shared beginning must be this long, and cover this much of the longer word, to count:
# "куәлігімді" shares "куәлі" with "куәлік", but "күтуцфд" shares only chance with "күту".
MIN_PREFIX = 4
MIN_PREFIX_SHARE = 0.6
# Each letter one word has beyond the shared beginning costs this much of the similarity.
COST_PER_EXTRA_LETTER = 0.03
MAX_EXTRA_LETTER_COST = 0.3


def typo_budget(length: int) -> int:
    """Edits forgiven in a word of this many letters: none below 4, then one per 4 letters
    (more generous than one per five, as transliteration makes some letters two)."""
    return 0 if length < 4 else max(1, length // 4)


def term_similarity(query_term: str, document_term: str) -> float:
    """How well a query term matches a document term, from 0 to 1 (0: not a match)."""
    if query_term == document_term:
        return 1.0
    longest = max(len(query_term), len(document_term))
    whole = 0.0
    budget = typo_budget(len(query_term))
    distance = OSA.distance(query_term, document_term, score_cutoff=budget)
    if distance <= budget:
        whole = 1.0 - distance / longest
    shared = min(len(query_term), len(document_term))
    beginning = 0.0
    if shared >= MIN_PREFIX and shared >= MIN_PREFIX_SHARE * longest:
        budget = typo_budget(shared) if shared > MIN_PREFIX else 0
        distance = OSA.distance(query_term[:shared], document_term[:shared], score_cutoff=budget)
        if distance <= budget:
            extra_cost = min(MAX_EXTRA_LETTER_COST, COST_PER_EXTRA_LETTER * (longest - shared))
            beginning = (1.0 - distance / shared) * (1.0 - extra_cost)
    best = max(whole, beginning)
    return best if best >= MIN_TERM_SIMILARITY else 0.0


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------

# How much a match counts by where it is found in a document.
TITLE_WEIGHT = 1.0
SUMMARY_WEIGHT = 0.75
SEARCH_TERM_WEIGHT = 0.95
_FIELD_WEIGHTS = (TITLE_WEIGHT, SUMMARY_WEIGHT, SEARCH_TERM_WEIGHT)  # by position in texts
# A guide is the answer itself; a situation page only points to guides, so on equal matches
# the guide comes first.
KIND_WEIGHT = {"guide": 1.0, "situation": 0.93}
# Added to document counts in the idf: with a few dozen documents, a word in one document is
# not much rarer than a word in two, and the query's main noun must not drown under a rare
# side word ("passport renewal" is about the passport, though only the EDS guide says "renew").
IDF_SMOOTHING = 2
# A query word the documents do not know counts against a match this much (in idf units),
# so "passport photo booth" still finds the passport guide, but less surely than "passport".
UNKNOWN_TERM_WEIGHT = 0.6
# Share of a field's score that depends on the field being matched all over, so a short
# search term matched whole beats one word of a long title.
FIELD_COVERAGE_SHARE = 0.25
# Share of a field's score that depends on the words having the very forms typed: "register
# my address" is closer to "register my address" than to "who is registered at my address".
SAME_FORM_SHARE = 0.1
# Query words found in different fields of one document count, for a bit less than in one.
SPREAD_MATCH_WEIGHT = 0.9
# Reading the query in the other keyboard layout is a guess; the literal reading wins ties.
SWITCHED_LAYOUT_WEIGHT = 0.9


@dataclass(frozen=True)
class _Field:
    """One title, summary or search term of a document, in one language."""

    document: int
    weight: float
    stems: frozenset[int]  # stem ids


class SearchIndex:
    """Documents folded and indexed once, searched many times."""

    def __init__(self, documents: Iterable[SearchDocument]):
        self.documents: tuple[SearchDocument, ...] = tuple(documents)
        self._stem_ids: dict[str, int] = {}
        self._fields: list[_Field] = []
        stem_postings: list[set[int]] = []  # stem id -> fields that contain it
        self._form_postings: dict[str, set[int]] = defaultdict(set)  # word form -> fields
        for document_number, document in enumerate(self.documents):
            for texts in document.texts.values():
                for position, text in enumerate(texts):
                    terms = _terms(text)
                    if not terms:
                        continue
                    field_number = len(self._fields)
                    stem_ids = []
                    for term in terms:
                        if term.stem not in self._stem_ids:
                            self._stem_ids[term.stem] = len(self._stem_ids)
                            stem_postings.append(set())
                        stem_ids.append(self._stem_ids[term.stem])
                        stem_postings[stem_ids[-1]].add(field_number)
                        self._form_postings[term.form].add(field_number)
                    weight = _FIELD_WEIGHTS[min(position, len(_FIELD_WEIGHTS) - 1)]
                    self._fields.append(_Field(document_number, weight, frozenset(stem_ids)))
        self._stems: list[str] = list(self._stem_ids)
        self._stem_postings: list[tuple[int, ...]] = [tuple(fields) for fields in stem_postings]
        document_frequencies = [
            len({self._fields[field].document for field in fields})
            for fields in self._stem_postings
        ]
        self._idf: list[float] = [
            math.log(1.0 + (len(self.documents) + IDF_SMOOTHING) / (frequency + IDF_SMOOTHING))
            for frequency in document_frequencies
        ]
        # The typo search compares a query stem only with stems whose length is within its
        # typo budget: a slice of the stems sorted by length, not the whole vocabulary.
        self._stems_by_length: list[str] = sorted(self._stems, key=len)
        longest = len(self._stems_by_length[-1]) if self._stems else 0
        self._first_of_length: list[int] = [
            bisect.bisect_left(self._stems_by_length, length, key=len)
            for length in range(longest + 2)
        ]
        # Candidates for a shared beginning are looked up by their first letters, so that only
        # a handful of stems need the slower, Python-side comparison.
        self._stems_by_start: dict[str, list[int]] = defaultdict(list)
        for stem, stem_id in self._stem_ids.items():
            if len(stem) >= MIN_PREFIX:
                self._stems_by_start[stem[:3]].append(stem_id)

    def search(self, query: str, limit: int = 10) -> list[SearchResult]:
        """Relevant documents for the query, best first; empty when nothing is relevant."""
        if not isinstance(query, str) or limit <= 0:
            return []
        text = _clean(query)
        best = self._rank(text, every_word_must_match=False)
        switched = switch_keyboard_layout(text)
        # No score exceeds 1, so a literal reading this good cannot lose to the other layout.
        if switched is not None and (not best or best[0][1] < SWITCHED_LAYOUT_WEIGHT):
            # A real word typed in the wrong layout reads as a real word in the right one; a
            # reading where some words find nothing is the gibberish side of the switch.
            ranked = [
                (number, score * SWITCHED_LAYOUT_WEIGHT)
                for number, score in self._rank(switched, every_word_must_match=True)
            ]
            if ranked and (not best or ranked[0][1] > best[0][1]):
                best = ranked
        if not best:
            return []
        floor = max(MIN_SCORE, best[0][1] * MIN_SHARE_OF_BEST)
        return [
            SearchResult(self.documents[number], round(score, 4))
            for number, score in best[:limit]
            if score >= floor
        ]

    def _stems_of_length(self, shortest: int, longest: int) -> list[str]:
        last = len(self._first_of_length) - 1
        start = self._first_of_length[min(max(shortest, 0), last)]
        end = self._first_of_length[min(max(longest + 1, 0), last)]
        return self._stems_by_length[start:end]

    def _matching_stems(self, query_stem: str) -> dict[int, float]:
        """Ids of the index stems similar to one query stem, with their similarity."""
        matches: dict[int, float] = {}
        exact = self._stem_ids.get(query_stem)
        if exact is not None:
            matches[exact] = 1.0
        budget = typo_budget(len(query_stem))
        if budget:
            candidates = self._stems_of_length(len(query_stem) - budget, len(query_stem) + budget)
            for stem, _, _ in process.extract(
                query_stem, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None
            ):
                matches.setdefault(self._stem_ids[stem], term_similarity(query_stem, stem))
        if len(query_stem) >= MIN_PREFIX:
            for stem_id in self._stems_by_start.get(query_stem[:3], ()):
                if stem_id not in matches:
                    matches[stem_id] = term_similarity(query_stem, self._stems[stem_id])
        return {stem_id: similarity for stem_id, similarity in matches.items() if similarity > 0}

    def _rank(self, text: str, every_word_must_match: bool) -> list[tuple[int, float]]:
        """(document number, score) of every matching document, best first."""
        query_terms = _terms(text)[:MAX_QUERY_WORDS]
        matches = [self._matching_stems(term.stem) for term in query_terms]
        if not any(matches) or (every_word_must_match and not all(matches)):
            return []
        weights = [
            self._idf[max(found, key=found.__getitem__)] if found else UNKNOWN_TERM_WEIGHT
            for found in matches
        ]
        total_weight = sum(weights)

        # Each query term adds its weight times its best similarity in a field to that field's
        # share, and its best weighted similarity anywhere in a document to the document's spread.
        field_shares: dict[int, float] = defaultdict(float)
        same_form_shares: dict[int, float] = defaultdict(float)
        document_spreads: dict[int, float] = defaultdict(float)
        for term, weight, found in zip(query_terms, weights, matches):
            best_in_field: dict[int, float] = {}
            for stem_id, similarity in found.items():
                for field_number in self._stem_postings[stem_id]:
                    if similarity > best_in_field.get(field_number, 0.0):
                        best_in_field[field_number] = similarity
            best_in_document: dict[int, float] = {}
            for field_number, similarity in best_in_field.items():
                field_shares[field_number] += weight * similarity
                field = self._fields[field_number]
                weighted = field.weight * similarity
                if weighted > best_in_document.get(field.document, 0.0):
                    best_in_document[field.document] = weighted
            for document, weighted in best_in_document.items():
                document_spreads[document] += weight * weighted
            for field_number in self._form_postings.get(term.form, ()):
                same_form_shares[field_number] += weight

        matched_stems = {stem_id for found in matches for stem_id in found}
        best_field_scores: dict[int, float] = defaultdict(float)
        for field_number, share in field_shares.items():
            field = self._fields[field_number]
            coverage = len(field.stems & matched_stems) / len(field.stems)
            same_form = same_form_shares.get(field_number, 0.0) / total_weight
            score = (
                field.weight
                * share
                / total_weight
                * (1 - FIELD_COVERAGE_SHARE + FIELD_COVERAGE_SHARE * coverage)
                * (1 - SAME_FORM_SHARE + SAME_FORM_SHARE * same_form)
            )
            best_field_scores[field.document] = max(best_field_scores[field.document], score)

        scored = []
        for document, field_score in best_field_scores.items():
            spread_score = (
                SPREAD_MATCH_WEIGHT
                * document_spreads[document]
                / total_weight
                * (1 - FIELD_COVERAGE_SHARE)
                * (1 - SAME_FORM_SHARE)
            )
            kind_weight = KIND_WEIGHT.get(self.documents[document].kind, 1.0)
            scored.append((document, kind_weight * max(field_score, spread_score)))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored


# --------------------------------------------------------------------------------------------
# From the site's content
# --------------------------------------------------------------------------------------------


def _values(collection: Any) -> Iterable[Any]:
    return collection.values() if isinstance(collection, Mapping) else collection


# kind -> slug -> language -> words: {"guide": {"id-card": {"ru": ("удик",)}}}
Synonyms = dict[str, dict[str, dict[str, tuple[str, ...]]]]


def load_synonyms(path: Path = DEFAULT_SYNONYMS_PATH) -> Synonyms:
    """Extra everyday words per kind and slug, from content/search_synonyms.yaml."""
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    synonyms: Synonyms = {}
    for section, kind in (("guides", "guide"), ("situations", "situation")):
        for slug, by_language in (raw.get(section) or {}).items():
            synonyms.setdefault(kind, {})[slug] = {
                language: tuple(str(word) for word in words or ())
                for language, words in (by_language or {}).items()
            }
    return synonyms


def documents_from_content(
    content: Content, synonyms_path: Path | None = DEFAULT_SYNONYMS_PATH
) -> list[SearchDocument]:
    """Search documents for every guide, then every situation, of a loaded `Content`.

    Words from the synonyms file are added to the document's search terms; a slug there that
    the content does not have is an error, so a renamed guide cannot silently lose them.
    """
    synonyms = load_synonyms(synonyms_path) if synonyms_path else {}
    documents = []
    for kind, items in (("guide", content.guides), ("situation", content.situations)):
        extra_by_slug = synonyms.get(kind, {})
        slugs = set()
        for item in _values(items):
            slugs.add(item.slug)
            extra = extra_by_slug.get(item.slug, {})
            languages = dict.fromkeys([*item.title, *item.summary, *item.search_terms, *extra])
            texts = {
                language: (
                    item.title.get(language, ""),
                    item.summary.get(language, ""),
                    *item.search_terms.get(language, ()),
                    *extra.get(language, ()),
                )
                for language in languages
            }
            documents.append(SearchDocument(kind=kind, slug=item.slug, texts=texts))
        unknown = sorted(set(extra_by_slug) - slugs)
        if unknown:
            raise ValueError(
                f"search synonyms name {kind}s that do not exist: {', '.join(unknown)}"
            )
    return documents
