"""Load and validate the site's content: facts, guides and life situations.

The content folder is the contract between writers and the site (see content/SCHEMA.md).
Everything is checked once at start-up, so a broken guide stops the app with a message that
names the file, the section and the rule, instead of showing a wrong fee to a reader.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml

LANGUAGES = ("kk", "ru", "en")

# Plain-language limit (PLAIN-LANGUAGE.md); longer statements are warned about, not refused.
MAX_STATEMENT_WORDS = 20

# Sources older than this year are shown with their date beside them.
FIRST_RECENT_SOURCE_YEAR = 2025

# "865 теңге", "4 325 тенге", "1262,5 tenge", "865 ₸": fees must come from cost.fee instead.
TENGE_AMOUNT = re.compile(r"\d[\d\s\u00a0\u202f.,]*(?:тенге|теңге|tenge|₸)", re.IGNORECASE)
DIGIT = re.compile(r"\d")
WORD = re.compile(r"\w", re.UNICODE)
MRP_FACT_KEY = re.compile(r"^mrp_(\d{4})_kzt$")
URL = re.compile(r"^https?://[^\s/]+\.[^\s]+$")

MRP_TOPIC = "mrp"

# Guide sections made of statements, in reading order (the cost comes right after in_short).
GUIDE_STATEMENT_SECTIONS = (
    "in_short",
    "documents",
    "where",
    "duration",
    "on_behalf",
    "steps",
    "if_refused",
    "free_help",
    "unknowns",
)
# Only procedural advice may go without a fact ref (SCHEMA.md, "A statement").
SECTIONS_WITHOUT_REQUIRED_REFS = frozenset({"steps", "free_help", "if_refused"})
SECTIONS_ALLOWED_EMPTY = frozenset({"if_refused", "unknowns"})
IN_SHORT_MIN, IN_SHORT_MAX = 2, 5

GUIDE_KEYS = frozenset(
    {"slug", "title", "summary", "search_terms", "official_url", "cost",
     "in_person_only", "in_person_fact", *GUIDE_STATEMENT_SECTIONS}
)
COST_KEYS = frozenset({"status", "fee", "free_fact", "notes"})
FEE_KEYS = frozenset({"label", "mrp_fact", "mrp_key"})
STATEMENT_KEYS = frozenset({"text", "facts", "caveat"})
SITUATION_KEYS = frozenset({"slug", "title", "summary", "search_terms", "questions", "guides"})
QUESTION_KEYS = frozenset({"question", "answer"})
COST_STATUSES = ("fee", "free", "unknown")


class ContentError(Exception):
    """A content file breaks a rule of content/SCHEMA.md."""

    def __init__(self, file: str, section: str, rule: str):
        self.file = file
        self.section = section
        self.rule = rule
        super().__init__(f"{file}: {section}: {rule}")


# --------------------------------------------------------------------------- data classes


# eq=False: a fact is identified by its ref, and its value may be an unhashable list or mapping.
@dataclass(frozen=True, eq=False)
class Fact:
    ref: str
    topic: str
    key: str
    value: Any
    unit: str | None
    source_url: str | None
    quote: str | None
    quote_lang: str | None
    source_date: str | None
    checked: datetime.date | None
    confidence: str | None
    note: str | None
    is_unknown: bool
    review_by: datetime.date | None

    @property
    def source_year(self) -> int | None:
        match = re.match(r"\s*(\d{4})", self.source_date or "")
        return int(match.group(1)) if match else None

    @property
    def show_date(self) -> bool:
        """Old or undated sources carry their date on the page, so readers can judge them."""
        year = self.source_year
        return year is None or year < FIRST_RECENT_SOURCE_YEAR

    def is_stale(self, today: datetime.date) -> bool:
        return self.review_by is not None and today > self.review_by


@dataclass(frozen=True)
class Statement:
    text: dict[str, str]
    facts: tuple[Fact, ...]
    caveat: bool = False

    def text_in(self, lang: str) -> str:
        return self.text[lang]


@dataclass(frozen=True)
class FeeAmount:
    label: dict[str, str]
    mrp: float | int
    tenge: int | Decimal
    year: int
    year_is_current: bool
    fact: Fact


@dataclass(frozen=True)
class Cost:
    status: str
    fees: tuple[FeeAmount, ...]
    free_fact: Fact | None
    notes: tuple[Statement, ...]


def _unique_facts(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    by_ref: dict[str, Fact] = {}
    for fact in facts:
        by_ref.setdefault(fact.ref, fact)
    return tuple(by_ref.values())


def _sources_of(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    """One fact per source URL, first seen first; unknowns have no source."""
    by_url: dict[str, Fact] = {}
    for fact in facts:
        if fact.source_url:
            by_url.setdefault(fact.source_url, fact)
    return tuple(by_url.values())


@dataclass(frozen=True)
class Guide:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    search_terms: dict[str, tuple[str, ...]]
    official_url: str
    in_short: tuple[Statement, ...]
    cost: Cost
    documents: tuple[Statement, ...]
    where: tuple[Statement, ...]
    duration: tuple[Statement, ...]
    on_behalf: tuple[Statement, ...]
    steps: tuple[Statement, ...]
    if_refused: tuple[Statement, ...]
    free_help: tuple[Statement, ...]
    unknowns: tuple[Statement, ...]
    in_person_only: bool
    in_person_fact: Fact | None

    def statements(self) -> Iterator[tuple[str, Statement]]:
        """Every statement with its section name, in reading order (cost notes after in_short)."""
        for section in GUIDE_STATEMENT_SECTIONS:
            for statement in getattr(self, section):
                yield section, statement
            if section == "in_short":
                for statement in self.cost.notes:
                    yield "cost.notes", statement

    def cost_facts(self) -> Iterator[Fact]:
        yield from (fee.fact for fee in self.cost.fees)
        if self.cost.free_fact:
            yield self.cost.free_fact

    @property
    def all_facts(self) -> tuple[Fact, ...]:
        """Every fact the guide rests on, unknowns included, in reading order."""
        def walk() -> Iterator[Fact]:
            # The page reads: "In short", then the cost, then the other sections.
            for statement in self.in_short:
                yield from statement.facts
            yield from self.cost_facts()
            for _section, statement in self.statements():
                yield from statement.facts
            if self.in_person_fact:
                yield self.in_person_fact

        return _unique_facts(walk())

    @property
    def sources(self) -> tuple[Fact, ...]:
        return _sources_of(self.all_facts)


@dataclass(frozen=True)
class Question:
    question: dict[str, str]
    answer: tuple[Statement, ...]


@dataclass(frozen=True)
class Situation:
    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    search_terms: dict[str, tuple[str, ...]]
    questions: tuple[Question, ...]
    guides: tuple[str, ...]

    @property
    def all_facts(self) -> tuple[Fact, ...]:
        return _unique_facts(
            fact for q in self.questions for statement in q.answer for fact in statement.facts
        )

    @property
    def sources(self) -> tuple[Fact, ...]:
        return _sources_of(self.all_facts)


@dataclass(frozen=True)
class Content:
    facts: dict[str, Fact]
    guides: dict[str, Guide]
    situations: dict[str, Situation]
    warnings: list[str]
    mrp_year: int
    mrp_is_current: bool


# --------------------------------------------------------------------------- loading


def load_content(content_dir: Path, today: datetime.date) -> Content:
    content_dir = Path(content_dir)
    warnings: list[str] = []
    facts = _load_facts(content_dir, today, warnings)
    mrp = _MrpTable.from_facts(facts, today, warnings)
    guides = {}
    for path in sorted((content_dir / "guides").glob("*.yaml")):
        guide = _FileReader(content_dir, path, facts, warnings).read_guide(mrp)
        guides[guide.slug] = guide
    situations = {}
    for path in sorted((content_dir / "situations").glob("*.yaml")):
        situation = _FileReader(content_dir, path, facts, warnings).read_situation(guides)
        situations[situation.slug] = situation
    return Content(
        facts=facts,
        guides=guides,
        situations=situations,
        warnings=warnings,
        mrp_year=mrp.year,
        mrp_is_current=mrp.is_current,
    )


def _relative_name(content_dir: Path, path: Path) -> str:
    return path.relative_to(content_dir).as_posix()


def _read_yaml(content_dir: Path, path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(_relative_name(content_dir, path), "file", f"not valid YAML: {error}")


def _as_date(value: Any, file: str, section: str) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(file, section, f"date must be YYYY-MM-DD, got {value!r}")


def _load_facts(content_dir: Path, today: datetime.date, warnings: list[str]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for path in sorted((content_dir / "facts").glob("*.yaml")):
        file = _relative_name(content_dir, path)
        topic = path.stem
        data = _read_yaml(content_dir, path) or {}
        if not isinstance(data, dict):
            raise ContentError(file, "file", "must be a mapping with 'facts' and 'unknowns'")
        for index, raw in enumerate(data.get("facts") or []):
            section = f"facts[{index}]"
            key = raw.get("key") if isinstance(raw, dict) else None
            if not key:
                raise ContentError(file, section, "a fact needs a 'key'")
            if not raw.get("source_url"):
                raise ContentError(file, f"{section} ({key})", "a fact needs a 'source_url'")
            fact = Fact(
                ref=f"{topic}.{key}",
                topic=topic,
                key=key,
                value=raw.get("value"),
                unit=raw.get("unit"),
                source_url=raw["source_url"],
                quote=raw.get("quote"),
                quote_lang=raw.get("quote_lang"),
                source_date=None if raw.get("source_date") is None else str(raw["source_date"]),
                checked=_as_date(raw.get("checked"), file, f"{section}.checked"),
                confidence=raw.get("confidence"),
                note=raw.get("note"),
                is_unknown=False,
                review_by=_as_date(raw.get("review_by"), file, f"{section}.review_by"),
            )
            _add_fact(facts, fact, file, section)
            if fact.is_stale(today):
                warnings.append(
                    f"{file}: fact {fact.ref} was due for review on {fact.review_by.isoformat()}:"
                    " the value may have changed"
                )
        for index, raw in enumerate(data.get("unknowns") or []):
            section = f"unknowns[{index}]"
            key = raw.get("key") if isinstance(raw, dict) else None
            if not key:
                raise ContentError(file, section, "an unknown needs a 'key'")
            unknown = Fact(
                ref=f"{topic}.unknowns.{key}", topic=topic, key=key, value=None, unit=None,
                source_url=None, quote=None, quote_lang=None, source_date=None, checked=None,
                confidence=None, note=raw.get("note"), is_unknown=True, review_by=None,
            )
            _add_fact(facts, unknown, file, section)
    return facts


def _add_fact(facts: dict[str, Fact], fact: Fact, file: str, section: str) -> None:
    if fact.ref in facts:
        raise ContentError(file, section, f"duplicate fact key {fact.key!r}")
    facts[fact.ref] = fact


@dataclass(frozen=True)
class _MrpTable:
    """The МРП value used to turn fees in МРП into tenge."""

    year: int
    value: int | Decimal
    is_current: bool

    @classmethod
    def from_facts(
        cls, facts: dict[str, Fact], today: datetime.date, warnings: list[str]
    ) -> "_MrpTable":
        by_year: dict[int, Any] = {}
        for fact in facts.values():
            match = MRP_FACT_KEY.match(fact.key)
            if fact.topic == MRP_TOPIC and not fact.is_unknown and match:
                by_year[int(match.group(1))] = fact.value
        if not by_year:
            raise ContentError("facts/mrp.yaml", "facts", "no МРП value (mrp_<year>_kzt) found")
        if today.year in by_year:
            year, is_current = today.year, True
        else:
            year, is_current = max(by_year), False
            warnings.append(
                f"No МРП value for {today.year}: amounts shown for {year} may be out of date"
            )
        return cls(year=year, value=Decimal(str(by_year[year])), is_current=is_current)

    def to_tenge(self, mrp: float | int) -> int | Decimal:
        tenge = (Decimal(str(mrp)) * self.value).quantize(Decimal("0.01"))
        return int(tenge) if tenge == tenge.to_integral_value() else tenge


class _FileReader:
    """Reads one guide or situation file; every error it raises names that file."""

    def __init__(self, content_dir: Path, path: Path, facts: dict[str, Fact], warnings: list[str]):
        self.content_dir = content_dir
        self.path = path
        self.file = _relative_name(content_dir, path)
        self.facts = facts
        self.warnings = warnings

    def fail(self, section: str, rule: str) -> ContentError:
        return ContentError(self.file, section, rule)

    # ---- generic pieces

    def mapping(self, raw: Any, section: str, allowed_keys: frozenset[str]) -> dict:
        if not isinstance(raw, dict):
            raise self.fail(section, "must be a mapping")
        unknown_keys = sorted(set(raw) - allowed_keys)
        if unknown_keys:
            raise self.fail(
                section, f"unknown key(s) {', '.join(map(str, unknown_keys))}"
                f" (allowed: {', '.join(sorted(allowed_keys))})"
            )
        return raw

    def text(self, raw: Any, section: str) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise self.fail(section, f"text must have {', '.join(LANGUAGES)}")
        extra = sorted(set(raw) - set(LANGUAGES))
        if extra:
            raise self.fail(section, f"unknown language(s) {', '.join(map(str, extra))}")
        for lang in LANGUAGES:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                raise self.fail(section, f"missing or empty text in language '{lang}'")
            if TENGE_AMOUNT.search(value):
                raise self.fail(
                    f"{section}.{lang}",
                    "tenge amount in text: state fees in cost.fee, which converts МРП to tenge",
                )
        return {lang: raw[lang].strip() for lang in LANGUAGES}

    def search_terms(self, raw: Any) -> dict[str, tuple[str, ...]]:
        if not isinstance(raw, dict):
            raise self.fail("search_terms", f"must have lists for {', '.join(LANGUAGES)}")
        terms = {}
        for lang in LANGUAGES:
            words = raw.get(lang)
            if not isinstance(words, list) or not words:
                raise self.fail("search_terms", f"missing or empty list in language '{lang}'")
            if not all(isinstance(word, str) and word.strip() for word in words):
                raise self.fail(f"search_terms.{lang}", "every search term must be non-empty text")
            terms[lang] = tuple(word.strip() for word in words)
        return terms

    def fact(self, ref: Any, section: str) -> Fact:
        fact = self.facts.get(ref) if isinstance(ref, str) else None
        if fact is None:
            raise self.fail(section, f"unknown fact ref {ref!r}")
        return fact

    def statement(self, raw: Any, section: str, refs_required: bool) -> Statement:
        raw = self.mapping(raw, section, STATEMENT_KEYS)
        text = self.text(raw.get("text"), f"{section}.text")
        refs = raw.get("facts") or []
        if not isinstance(refs, list):
            raise self.fail(f"{section}.facts", "must be a list of fact refs")
        facts = tuple(self.fact(ref, f"{section}.facts") for ref in refs)
        if refs_required and not facts:
            raise self.fail(section, "statement needs at least one fact ref")
        caveat = raw.get("caveat", False)
        if not isinstance(caveat, bool):
            raise self.fail(f"{section}.caveat", "must be true or false")
        for lang in LANGUAGES:
            words = sum(1 for token in text[lang].split() if WORD.search(token))
            if words > MAX_STATEMENT_WORDS:
                self.warnings.append(
                    f"{self.file}: {section} ({lang}): {words} words, more than"
                    f" {MAX_STATEMENT_WORDS}; split the sentence"
                )
        return Statement(text=text, facts=facts, caveat=caveat)

    def statements(
        self, raw: Any, section: str, *, refs_required: bool, allow_empty: bool
    ) -> tuple[Statement, ...]:
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            raise self.fail(section, "must be a list of statements")
        if not raw and not allow_empty:
            raise self.fail(section, "needs at least one statement")
        return tuple(
            self.statement(item, f"{section}[{index}]", refs_required)
            for index, item in enumerate(raw)
        )

    def slug(self, raw: dict) -> str:
        slug = raw.get("slug")
        if slug != self.path.stem:
            raise self.fail("slug", f"slug {slug!r} must equal the file name {self.path.stem!r}")
        return slug

    def read_mapping_file(self, allowed_keys: frozenset[str]) -> dict:
        return self.mapping(_read_yaml(self.content_dir, self.path), "file", allowed_keys)

    # ---- guides

    def read_guide(self, mrp: _MrpTable) -> Guide:
        raw = self.read_mapping_file(GUIDE_KEYS)
        slug = self.slug(raw)
        title = self.text(raw.get("title"), "title")
        summary = self.text(raw.get("summary"), "summary")
        search_terms = self.search_terms(raw.get("search_terms"))
        sections = {
            name: self.statements(
                raw.get(name),
                name,
                refs_required=name not in SECTIONS_WITHOUT_REQUIRED_REFS,
                allow_empty=name in SECTIONS_ALLOWED_EMPTY,
            )
            for name in GUIDE_STATEMENT_SECTIONS
        }
        if not IN_SHORT_MIN <= len(sections["in_short"]) <= IN_SHORT_MAX:
            raise self.fail("in_short", f"needs {IN_SHORT_MIN} to {IN_SHORT_MAX} statements")
        for index, statement in enumerate(sections["unknowns"]):
            if not statement.caveat:
                raise self.fail(f"unknowns[{index}]", "unknowns statements need caveat: true")

        in_person_only = raw.get("in_person_only", False)
        if not isinstance(in_person_only, bool):
            raise self.fail("in_person_only", "must be true or false")
        in_person_fact = None
        if raw.get("in_person_fact") is not None:
            in_person_fact = self.fact(raw["in_person_fact"], "in_person_fact")
        if in_person_only and in_person_fact is None:
            raise self.fail("in_person_fact", "in_person_only: true needs an in_person_fact")

        guide = Guide(
            slug=slug,
            title=title,
            summary=summary,
            search_terms=search_terms,
            official_url=raw.get("official_url") or "",
            cost=self.cost(raw.get("cost"), mrp),
            in_person_only=in_person_only,
            in_person_fact=in_person_fact,
            **sections,
        )
        self.check_official_url(guide)
        return guide

    def cost(self, raw: Any, mrp: _MrpTable) -> Cost:
        raw = self.mapping(raw, "cost", COST_KEYS)
        status = raw.get("status")
        if status not in COST_STATUSES:
            raise self.fail("cost.status", f"must be one of {', '.join(COST_STATUSES)}")
        fees_raw = raw.get("fee") or []
        if not isinstance(fees_raw, list):
            raise self.fail("cost.fee", "must be a list of amounts")
        fees = tuple(self.fee(item, f"cost.fee[{i}]", mrp) for i, item in enumerate(fees_raw))
        if status == "fee" and not fees:
            raise self.fail("cost.fee", "status fee needs at least one fee with an mrp_fact")

        free_fact = None
        if raw.get("free_fact") is not None:
            free_fact = self.fact(raw["free_fact"], "cost.free_fact")
        if status == "free" and (free_fact is None or free_fact.value is not True):
            raise self.fail(
                "cost.free_fact", "status free needs a free_fact whose value is true"
            )
        notes = self.statements(raw.get("notes"), "cost.notes", refs_required=True, allow_empty=True)
        return Cost(status=status, fees=fees, free_fact=free_fact, notes=notes)

    def fee(self, raw: Any, section: str, mrp: _MrpTable) -> FeeAmount:
        raw = self.mapping(raw, section, FEE_KEYS)
        label = self.text(raw.get("label"), f"{section}.label")
        fact = self.fact(raw.get("mrp_fact"), f"{section}.mrp_fact")
        if fact.unit != "MRP":
            raise self.fail(f"{section}.mrp_fact", f"fact {fact.ref} must have unit MRP")
        value = fact.value
        if isinstance(value, dict):
            mrp_key = raw.get("mrp_key")
            if mrp_key not in value:
                raise self.fail(
                    f"{section}.mrp_key",
                    f"mrp_key must be one of {', '.join(map(str, value))} for {fact.ref}",
                )
            value = value[mrp_key]
        elif raw.get("mrp_key") is not None:
            raise self.fail(f"{section}.mrp_key", f"{fact.ref} is a single value: remove mrp_key")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{section}.mrp_fact", f"{fact.ref} must be a number of МРП")
        return FeeAmount(
            label=label,
            mrp=value,
            tenge=mrp.to_tenge(value),
            year=mrp.year,
            year_is_current=mrp.is_current,
            fact=fact,
        )

    def check_official_url(self, guide: Guide) -> None:
        if not URL.match(guide.official_url):
            raise self.fail("official_url", "must be an http(s) URL")
        if guide.official_url not in {fact.source_url for fact in guide.all_facts}:
            raise self.fail(
                "official_url", "must equal the source_url of a fact the guide cites"
            )

    # ---- situations

    def read_situation(self, guides: dict[str, Guide]) -> Situation:
        raw = self.read_mapping_file(SITUATION_KEYS)
        slug = self.slug(raw)
        title = self.text(raw.get("title"), "title")
        summary = self.text(raw.get("summary"), "summary")
        search_terms = self.search_terms(raw.get("search_terms"))
        questions_raw = raw.get("questions")
        if not isinstance(questions_raw, list) or not questions_raw:
            raise self.fail("questions", "needs at least one question")
        questions = tuple(
            self.question(item, f"questions[{index}]") for index, item in enumerate(questions_raw)
        )
        guide_slugs = raw.get("guides")
        if not isinstance(guide_slugs, list) or not guide_slugs:
            raise self.fail("guides", "needs at least one guide slug")
        for guide_slug in guide_slugs:
            if guide_slug not in guides:
                raise self.fail("guides", f"unknown guide {guide_slug!r}")
        if len(set(guide_slugs)) != len(guide_slugs):
            raise self.fail("guides", "a guide is listed twice")
        return Situation(
            slug=slug,
            title=title,
            summary=summary,
            search_terms=search_terms,
            questions=questions,
            guides=tuple(guide_slugs),
        )

    def question(self, raw: Any, section: str) -> Question:
        raw = self.mapping(raw, section, QUESTION_KEYS)
        question = self.text(raw.get("question"), f"{section}.question")
        answer = self.statements(
            raw.get("answer"), f"{section}.answer", refs_required=False, allow_empty=False
        )
        for index, statement in enumerate(answer):
            if not statement.facts and any(DIGIT.search(t) for t in statement.text.values()):
                raise self.fail(
                    f"{section}.answer[{index}]",
                    "an answer with a number needs at least one fact ref",
                )
        return Question(question=question, answer=answer)
