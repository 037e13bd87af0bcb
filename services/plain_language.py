"""Plain language, measured: sentence length, officialese, passives, number words and dates.

Pure functions, no Flask. The rules live in content/plain_language.yaml (load them with
`load_rules`); the thresholds come from ../shared/PLAIN-LANGUAGE.md and issue "Plain language,
measured":

- the median sentence of a page (guide or situation) in one language has at most 12 words;
- no sentence has more than 20 words;
- no word from the language's avoid list (officialese, each with its plain alternative);
- no bureaucratic passive ("рассматривается", "қаралады", "is issued");
- numbers as digits, not number words ("пять дней" → "5 дней");
- dates as 05.03.2026 or "5 March 2026", never 03/05/2026 or 2026-03-05.

Exempt text counts toward no words and no rule: quotes and official names in «…», „…“, “…” or
"…", and the legal terms listed per language in the rules file.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

DEFAULT_RULES_PATH = Path(__file__).resolve().parents[1] / "content" / "plain_language.yaml"
LANGUAGES = ("kk", "ru", "en")

# Rule names, as they appear in problems and in the report.
SENTENCE_LENGTH = "sentence_length"
MEDIAN_LENGTH = "median_length"
AVOID_WORD = "avoid_word"
PASSIVE = "passive"
NUMBER_WORD = "number_word"
DATE_FORMAT = "date_format"

# Dotted short forms that never end a sentence, whatever the rules file says.
BUILT_IN_ABBREVIATIONS = {
    "kk": ("ж.", "жж.", "мыс."),
    "ru": ("т.е.", "г.", "гг.", "напр."),
    "en": ("e.g.", "i.e.", "vs."),
}
BUILT_IN_TERMINAL_ABBREVIATIONS = {"kk": ("т.б.",), "ru": ("т.д.", "т.п."), "en": ("etc.",)}

# Sentence-final punctuation, with any closing quotes or brackets after it, then a space.
SENTENCE_END = re.compile(r"(?:[.!?…]+|\.\.\.)[»”“\"')\]]*(?=\s)")
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "4 325" is one number, not two words.
THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")
WORD_CHAR = re.compile(r"\w")
EDGE_PUNCTUATION = "«»„“”\"'()[]{}.,;:!?…–—-"
SLASH_DATE = re.compile(r"(?<![\w/])\d{1,2}/\d{1,2}/\d{2,4}(?![\w/])")
ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
QUOTE_PAIRS = {"«": "»", "„": "“", "“": "”"}


@dataclass(frozen=True)
class Problem:
    rule: str
    sentence: str
    detail: str


@dataclass(frozen=True)
class AvoidEntry:
    phrase: str
    use: str
    pattern: re.Pattern


@dataclass(frozen=True)
class LanguageRules:
    abbreviations: frozenset[str]
    terminal_abbreviations: frozenset[str]
    avoid: tuple[AvoidEntry, ...]
    passive: tuple[re.Pattern, ...]
    number_words: frozenset[str]
    not_numbers: tuple[re.Pattern, ...]
    exempt_terms: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Rules:
    max_sentence_words: int
    max_median_words: int
    languages: dict[str, LanguageRules]

    def for_language(self, lang: str) -> LanguageRules:
        return self.languages[lang]


@dataclass
class PageFigures:
    """Figures for one page (guide or situation) in one language."""

    kind: str
    slug: str
    lang: str
    sentences: int = 0
    median_words: float = 0.0
    max_words: int = 0
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (where on the page, problem)


# --------------------------------------------------------------------------- rules


def _phrase_pattern(text: str) -> re.Pattern:
    """A regular expression bounded by non-word characters, case-insensitive."""
    return re.compile(rf"(?<!\w)(?:{text})(?!\w)", re.IGNORECASE)


def _literal(phrase: str) -> str:
    return r"\s+".join(re.escape(part) for part in phrase.split())


def _language_rules(raw: dict[str, Any], lang: str) -> LanguageRules:
    avoid = []
    for entry in raw.get("avoid") or []:
        if not entry.get("phrase") or not entry.get("use"):
            raise ValueError(f"plain-language rules: {lang}: every avoid entry needs phrase and use")
        avoid.append(
            AvoidEntry(
                phrase=entry["phrase"],
                use=entry["use"],
                pattern=_phrase_pattern(entry.get("pattern") or _literal(entry["phrase"])),
            )
        )
    passive = [_phrase_pattern(_literal(verb)) for verb in raw.get("passive_verbs") or []]
    passive += [_phrase_pattern(pattern) for pattern in raw.get("passive_patterns") or []]
    return LanguageRules(
        abbreviations=frozenset(
            [*BUILT_IN_ABBREVIATIONS.get(lang, ()), *(raw.get("abbreviations") or [])]
        ),
        terminal_abbreviations=frozenset(
            [*BUILT_IN_TERMINAL_ABBREVIATIONS.get(lang, ()), *(raw.get("terminal_abbreviations") or [])]
        ),
        avoid=tuple(avoid),
        passive=tuple(passive),
        number_words=frozenset(word.lower() for word in raw.get("number_words") or []),
        not_numbers=tuple(_phrase_pattern(p) for p in raw.get("not_numbers") or []),
        exempt_terms=tuple(_phrase_pattern(p) for p in raw.get("exempt_terms") or []),
    )


def load_rules(path: Path | str = DEFAULT_RULES_PATH) -> Rules:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    languages = raw.get("languages") or {}
    missing = [lang for lang in LANGUAGES if lang not in languages]
    if missing:
        raise ValueError(f"plain-language rules: no rules for {', '.join(missing)}")
    return Rules(
        max_sentence_words=int(raw.get("max_sentence_words", 20)),
        max_median_words=int(raw.get("max_median_words", 12)),
        languages={lang: _language_rules(languages[lang] or {}, lang) for lang in LANGUAGES},
    )


def _default_language_rules(lang: str) -> LanguageRules:
    return _language_rules({}, lang)


# --------------------------------------------------------------------------- exempt spans


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text, quote marks included: «…» (nested too), „…“, “…”, "…"."""
    spans = []
    stack: list[tuple[int, str]] = []
    ascii_open: int | None = None
    for index, char in enumerate(text):
        if stack and char == stack[-1][1]:
            start, _closer = stack.pop()
            if not stack:
                spans.append((start, index + 1))
        elif char in QUOTE_PAIRS and ascii_open is None:
            stack.append((index, QUOTE_PAIRS[char]))
        elif char == '"' and not stack:
            if ascii_open is None:
                ascii_open = index
            else:
                spans.append((ascii_open, index + 1))
                ascii_open = None
    return spans


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Quotes and URLs: a full stop inside them never ends a sentence."""
    spans = _quote_spans(text)
    spans += [(m.start(), m.end()) for m in URL.finditer(text)]
    return sorted(spans)


def exempt_spans(text: str, lang: str, rules: Rules | None = None) -> list[tuple[int, int]]:
    """Text that counts toward no words and no rule: quotes, and the language's legal terms."""
    spans = _quote_spans(text)
    if rules is not None:
        for pattern in rules.for_language(lang).exempt_terms:
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return sorted(spans)


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text with the spans replaced by spaces (so positions and word breaks stay)."""
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            chars[index] = " "
    return "".join(chars)


def without_exempt(text: str, lang: str, rules: Rules | None = None) -> str:
    return _blank(text, exempt_spans(text, lang, rules))


# --------------------------------------------------------------------------- sentences and words


def _token_before(text: str, end: int) -> str:
    """The whitespace-delimited token that ends at `end`, leading brackets and quotes removed."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip("([«„“\"'")


def _starts_sentence(rest: str) -> bool:
    """Whether the text after a full stop looks like a new sentence: not a lower-case word.

    "eGov Mobile" starts a sentence although its first letter is lower case: a word with a
    capital inside is a name.
    """
    stripped = rest.lstrip()
    if not stripped:
        return False
    token = stripped.split(None, 1)[0].lstrip("([«„“\"'–—-")
    if not token:
        return True
    first = token[0]
    if not first.isalpha():
        return True  # digits, dashes, quotes
    if first.isupper():
        return True
    return any(char.isupper() for char in token[1:])


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) falls inside a span without reaching its end."""
    return any(s <= start < e and end < e for s, e in spans)


def sentences(text: str, lang: str, rules: Rules | None = None) -> list[str]:
    """Split a statement into sentences.

    A sentence ends at . ! ? or … followed by a space and a word that does not start in lower
    case. Not at: dotted abbreviations ("т.е.", "e.g."), full stops inside quotes or URLs, decimal
    points ("0.2") and web names ("eGov.kz"), which have no space after the dot. Short forms that
    may end a sentence ("т.б.", "etc.") end one only when a capitalised word follows. "ЦОН." is
    not an abbreviation: "… идите в ЦОН. Там …" is two sentences.
    """
    language = rules.for_language(lang) if rules else _default_language_rules(lang)
    text = text.strip()
    protected = _protected_spans(text)
    result = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if _inside(protected, match.start(), match.end()):
            continue
        rest = text[match.end():]
        punctuation = match.group().rstrip("»”“\"')]")
        if punctuation == ".":
            token = _token_before(text, match.start() + 1)
            if token in language.abbreviations:
                continue
            if token in language.terminal_abbreviations:
                first = rest.lstrip()[:1]
                if not (first.isalpha() and first.isupper()):
                    continue
        if not _starts_sentence(rest):
            continue
        sentence = text[start:match.end()].strip()
        if sentence:
            result.append(sentence)
        start = match.end()
    last = text[start:].strip()
    if last:
        result.append(last)
    return result


def words(sentence: str, lang: str, rules: Rules | None = None, *, exempt: bool = True) -> list[str]:
    """The words of a sentence: tokens with a letter or digit; "4 325" is one number.

    With `exempt` (the default), quotes and — when `rules` are given — legal terms are left out.
    """
    text = without_exempt(sentence, lang, rules) if exempt else sentence
    text = THOUSANDS.sub(lambda m: re.sub(r"\s", "", m.group()), text)
    result = []
    for token in text.split():
        token = token.strip(EDGE_PUNCTUATION)
        if token and WORD_CHAR.search(token):
            result.append(token)
    return result


# --------------------------------------------------------------------------- rules on one sentence


def _avoid_problems(sentence: str, checked: str, language: LanguageRules) -> tuple[list[Problem], list[tuple[int, int]]]:
    problems, taken = [], []
    for entry in language.avoid:
        for match in entry.pattern.finditer(checked):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue  # "негіз болып табылады" is one problem, not two
            taken.append((match.start(), match.end()))
            problems.append(
                Problem(AVOID_WORD, sentence, f"«{match.group()}» ({entry.phrase}): use {entry.use}")
            )
    return problems, taken


def _passive_problems(
    sentence: str, checked: str, language: LanguageRules, taken: list[tuple[int, int]]
) -> list[Problem]:
    problems = []
    for pattern in language.passive:
        for match in pattern.finditer(checked):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append((match.start(), match.end()))
            problems.append(
                Problem(PASSIVE, sentence, f"«{match.group()}»: say who does it, in the active voice")
            )
    return problems


def _number_word_problems(sentence: str, checked: str, language: LanguageRules) -> list[Problem]:
    if not language.number_words:
        return []
    allowed = [(m.start(), m.end()) for p in language.not_numbers for m in p.finditer(checked)]
    problems = []
    for match in re.finditer(r"\w+", checked):
        if match.group().lower() not in language.number_words:
            continue
        if any(s <= match.start() and match.end() <= e for s, e in allowed):
            continue
        problems.append(Problem(NUMBER_WORD, sentence, f"«{match.group()}»: write the number in digits"))
    return problems


def _date_problems(sentence: str, checked: str) -> list[Problem]:
    checked = _blank(checked, [(m.start(), m.end()) for m in URL.finditer(checked)])
    problems = [
        Problem(DATE_FORMAT, sentence, f"«{m.group()}»: write 05.03.2026 or the month in words")
        for m in SLASH_DATE.finditer(checked)
    ]
    problems += [
        Problem(DATE_FORMAT, sentence, f"«{m.group()}»: write 05.03.2026 or the month in words")
        for m in ISO_DATE.finditer(checked)
    ]
    return problems


def check_sentence(sentence: str, lang: str, rules: Rules) -> list[Problem]:
    language = rules.for_language(lang)
    checked = without_exempt(sentence, lang, rules)
    problems = []
    count = len(words(sentence, lang, rules))
    if count > rules.max_sentence_words:
        problems.append(
            Problem(SENTENCE_LENGTH, sentence, f"{count} words, more than {rules.max_sentence_words}")
        )
    avoid, taken = _avoid_problems(sentence, checked, language)
    problems += avoid
    problems += _passive_problems(sentence, checked, language, taken)
    problems += _number_word_problems(sentence, checked, language)
    problems += _date_problems(sentence, checked)
    return problems


def check_statement(text: str, lang: str, rules: Rules) -> list[Problem]:
    """Every problem in one statement (which may hold several sentences)."""
    return [
        problem
        for sentence in sentences(text, lang, rules)
        for problem in check_sentence(sentence, lang, rules)
    ]


# --------------------------------------------------------------------------- whole content


def page_texts(content: Any) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(kind, slug, where on the page, {lang: text}) for every guide statement and every
    situation question and answer, in reading order."""
    for guide in content.guides.values():
        counters: dict[str, int] = {}
        for section, statement in guide.statements():
            index = counters.get(section, 0)
            counters[section] = index + 1
            yield "guide", guide.slug, f"{section}[{index}]", statement.text
    for situation in content.situations.values():
        for q_index, question in enumerate(situation.questions):
            yield "situation", situation.slug, f"questions[{q_index}].question", question.question
            for a_index, statement in enumerate(question.answer):
                yield (
                    "situation",
                    situation.slug,
                    f"questions[{q_index}].answer[{a_index}]",
                    statement.text,
                )


def report(content: Any, rules: Rules | None = None) -> dict[tuple[str, str], PageFigures]:
    """Figures per (page slug, language): sentences, median and max words, problems.

    A page whose median sentence is too long gets one `median_length` problem.
    """
    rules = rules or load_rules()
    figures: dict[tuple[str, str], PageFigures] = {}
    lengths: dict[tuple[str, str], list[int]] = {}
    for kind, slug, where, text in page_texts(content):
        for lang in LANGUAGES:
            key = (slug, lang)
            page = figures.setdefault(key, PageFigures(kind=kind, slug=slug, lang=lang))
            for sentence in sentences(text[lang], lang, rules):
                lengths.setdefault(key, []).append(len(words(sentence, lang, rules)))
                page.problems += [(where, p) for p in check_sentence(sentence, lang, rules)]
    for key, page in figures.items():
        counts = lengths.get(key, [])
        page.sentences = len(counts)
        page.median_words = statistics.median(counts) if counts else 0
        page.max_words = max(counts, default=0)
        if page.median_words > rules.max_median_words:
            page.problems.append((
                "page",
                Problem(
                    MEDIAN_LENGTH,
                    "",
                    f"median sentence {page.median_words:g} words, more than {rules.max_median_words}",
                ),
            ))
    return figures


def format_table(figures: dict[tuple[str, str], PageFigures]) -> str:
    """The report as a plain-text table, one row per page and language, then a summary per language."""
    header = f"{'page':<30} {'lang':<4} {'sentences':>9} {'median':>6} {'max':>4} {'problems':>8}"
    lines = [header, "-" * len(header)]
    for (slug, lang), page in figures.items():
        lines.append(
            f"{slug:<30} {lang:<4} {page.sentences:>9} {page.median_words:>6g} "
            f"{page.max_words:>4} {len(page.problems):>8}"
        )
    lines.append("")
    lines.append(format_summary(figures))
    return "\n".join(lines)


def summary(figures: dict[tuple[str, str], PageFigures]) -> dict[str, dict[str, Any]]:
    """Per language: median of the page medians, longest sentence, problems by rule."""
    result = {}
    for lang in LANGUAGES:
        pages = [page for (_slug, page_lang), page in figures.items() if page_lang == lang]
        by_rule: dict[str, int] = {}
        for page in pages:
            for _where, problem in page.problems:
                by_rule[problem.rule] = by_rule.get(problem.rule, 0) + 1
        result[lang] = {
            "pages": len(pages),
            "sentences": sum(page.sentences for page in pages),
            "median_of_medians": statistics.median([p.median_words for p in pages]) if pages else 0,
            "max_words": max((page.max_words for page in pages), default=0),
            "problems": sum(by_rule.values()),
            "by_rule": dict(sorted(by_rule.items())),
        }
    return result


def format_summary(figures: dict[tuple[str, str], PageFigures]) -> str:
    lines = [f"{'lang':<4} {'pages':>5} {'sentences':>9} {'median of medians':>17} {'max':>4} {'problems':>8}  by rule"]
    for lang, row in summary(figures).items():
        rules_text = ", ".join(f"{rule} {count}" for rule, count in row["by_rule"].items()) or "-"
        lines.append(
            f"{lang:<4} {row['pages']:>5} {row['sentences']:>9} {row['median_of_medians']:>17g} "
            f"{row['max_words']:>4} {row['problems']:>8}  {rules_text}"
        )
    return "\n".join(lines)


def format_problems(figures: dict[tuple[str, str], PageFigures]) -> str:
    lines = []
    for (slug, lang), page in figures.items():
        for where, problem in page.problems:
            sentence = f": {problem.sentence}" if problem.sentence else ""
            lines.append(f"{slug} [{lang}] {where}: {problem.rule}: {problem.detail}{sentence}")
    return "\n".join(lines)
