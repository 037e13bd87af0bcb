"""Tests for services/content.py: the real content loads, and every rule of SCHEMA.md bites."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from services.content import LANGUAGES, ContentError, load_content

REAL_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
# The date the fact base was checked: nothing in it is stale or missing on that day.
FACT_CHECK_DAY = datetime.date(2026, 11, 25)
SITUATION_SLUGS = {
    "lost-documents", "stranger-registered", "new-baby",
    "retiring", "disability-support", "cannot-travel",
}


# --------------------------------------------------------------------------- real content


@pytest.fixture(scope="module")
def real_content():
    return load_content(REAL_CONTENT_DIR, FACT_CHECK_DAY)


def all_text_dicts(item) -> list[dict]:
    """Every {kk, ru, en} dict of a guide or situation."""
    texts = [item.title, item.summary]
    if hasattr(item, "questions"):
        for question in item.questions:
            texts.append(question.question)
            texts.extend(statement.text for statement in question.answer)
    else:
        texts.extend(statement.text for _section, statement in item.statements())
        texts.extend(fee.label for fee in item.cost.fees)
    return texts


def test_real_content_loads_in_all_three_languages(real_content):
    items = [*real_content.guides.values(), *real_content.situations.values()]
    assert items
    for item in items:
        for text in all_text_dicts(item):
            assert all(text[lang].strip() for lang in LANGUAGES), (item.slug, text)
        assert all(item.search_terms[lang] for lang in LANGUAGES), item.slug
        assert item.sources, f"{item.slug} lists no sources"


def test_real_situations_are_the_six_life_situations(real_content):
    assert set(real_content.situations) == SITUATION_SLUGS
    for situation in real_content.situations.values():
        assert 3 <= len(situation.questions) <= 5, situation.slug


def test_real_mrp_for_2026_is_current(real_content):
    assert real_content.mrp_year == 2026
    assert real_content.mrp_is_current
    assert not any("МРП" in warning for warning in real_content.warnings)


def test_real_facts_include_unknowns_without_source(real_content):
    unknown = real_content.facts["con_service_channels.unknowns.home_visit_by_con_staff"]
    assert unknown.is_unknown and unknown.source_url is None
    fee = real_content.facts["id_card_passport.id_card_fee_mrp"]
    assert (fee.value, fee.unit, fee.checked) == (0.2, "MRP", FACT_CHECK_DAY)


# --------------------------------------------------------------------------- tiny content

FEE_URL = "https://www.gov.kz/fee"
FREE_URL = "https://www.gov.kz/free"
UNCITED_URL = "https://www.gov.kz/uncited"

FACT_FILES: dict[str, dict] = {
    "mrp": {
        "id": "mrp",
        "facts": [
            {"key": "mrp_2025_kzt", "value": 3932, "unit": "KZT",
             "source_url": "https://news.kz/mrp2025", "source_date": "2024-12-09"},
            {"key": "mrp_2026_kzt", "value": 4325, "unit": "KZT",
             "source_url": "https://news.kz/mrp2026", "source_date": "2025-12-08"},
        ],
    },
    "sample": {
        "id": "sample",
        "facts": [
            {"key": "fee_mrp", "value": 0.2, "unit": "MRP", "source_url": FEE_URL,
             "source_date": "unknown", "checked": datetime.date(2026, 11, 25)},
            {"key": "half_mrp", "value": 0.5, "unit": "MRP", "source_url": FEE_URL,
             "source_date": "2020-11-08"},
            {"key": "passport_fee_mrp", "value": {"pages_36": 8, "pages_48": 12},
             "unit": "MRP", "source_url": FEE_URL, "source_date": "2026-01-14"},
            {"key": "fee_kzt", "value": 865, "unit": "KZT", "source_url": FEE_URL},
            {"key": "fee_free", "value": True, "unit": None, "source_url": FREE_URL,
             "source_date": "2025-08 (article)"},
            {"key": "not_free", "value": False, "unit": None, "source_url": FREE_URL},
            {"key": "where", "value": "ЦОН", "unit": None, "source_url": FREE_URL},
            {"key": "uncited", "value": 1, "unit": None, "source_url": UNCITED_URL},
        ],
        "unknowns": [{"key": "processing_days", "note": "not found"}],
    },
}


def text(word: str) -> dict[str, str]:
    return {"kk": f"{word} kk", "ru": f"{word} ru", "en": f"{word} en"}


def statement(word: str, *refs: str, **extra) -> dict:
    return {"text": text(word), "facts": list(refs), **extra}


VALID_GUIDE: dict[str, Any] = {
    "slug": "sample",
    "title": text("Title"),
    "summary": text("Summary"),
    "search_terms": {"kk": ["куәлік"], "ru": ["удостоверение"], "en": ["id card"]},
    "official_url": FEE_URL,
    "in_short": [statement("Short one", "sample.where"), statement("Short two", "sample.where")],
    "cost": {
        "status": "fee",
        "fee": [{"label": text("ID card"), "mrp_fact": "sample.fee_mrp"}],
        "notes": [statement("Pay by QR code", "sample.fee_mrp")],
    },
    "documents": [statement("Bring your ID", "sample.where")],
    "where": [statement("Go to ЦОН", "sample.where")],
    "duration": [statement("It takes a while", "sample.where")],
    "on_behalf": [statement("Apply yourself", "sample.where")],
    "steps": [statement("Take the checklist")],
    "if_refused": [],
    "free_help": [statement("Call for help")],
    "unknowns": [statement("We could not confirm", "sample.unknowns.processing_days", caveat=True)],
    "in_person_only": False,
}

VALID_SITUATION: dict[str, Any] = {
    "slug": "sample-situation",
    "title": text("I lost it"),
    "summary": text("What to do"),
    "search_terms": {"kk": ["жоғалды"], "ru": ["потерял"], "en": ["lost"]},
    "questions": [
        {"question": text("Is it free?"),
         "answer": [statement("The fee is 0.2 МРП", "sample.fee_mrp"), statement("Ask us")]},
    ],
    "guides": ["sample"],
}


def write_content(root: Path, guide: dict | None = None, situation: dict | None = None,
                  facts: dict[str, dict] | None = None) -> Path:
    for folder, files in (
        ("facts", facts or FACT_FILES),
        ("guides", {"sample": guide or VALID_GUIDE}),
        ("situations", {"sample-situation": situation or VALID_SITUATION}),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (root / folder / f"{name}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
    return root


def changed(data: dict, change: Callable[[dict], Any]) -> dict:
    data = copy.deepcopy(data)
    change(data)
    return data


def test_tiny_valid_content_loads(tmp_path):
    content = load_content(write_content(tmp_path), FACT_CHECK_DAY)
    guide = content.guides["sample"]
    assert guide.steps[0].facts == ()  # steps may go without refs
    assert content.situations["sample-situation"].guides == ("sample",)
    assert content.warnings == []


GUIDE_FILE = "guides/sample.yaml"
SITUATION_FILE = "situations/sample-situation.yaml"
REFS_REQUIRED_SECTIONS = ("in_short", "documents", "where", "duration", "on_behalf", "unknowns")
NON_EMPTY_SECTIONS = ("in_short", "documents", "where", "duration", "on_behalf", "steps", "free_help")


def set_in(path: tuple, value: Any) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def remove(key: str) -> Callable[[dict], None]:
    return lambda data: data.pop(key)


GUIDE_RULES = [
    pytest.param(set_in(("title", "en"), ""), "title",
                 "missing or empty text in language 'en'", id="title-missing-en"),
    pytest.param(set_in(("documents", 0, "text"), {"kk": "Бар", "ru": "Есть"}), "documents[0].text",
                 "missing or empty text in language 'en'", id="statement-missing-en"),
    pytest.param(set_in(("summary", "kz"), "typo"), "summary",
                 "unknown language(s) kz", id="unknown-language"),
    pytest.param(set_in(("slug",), "other"), "slug",
                 "slug 'other' must equal the file name 'sample'", id="slug-not-file-name"),
    pytest.param(set_in(("documents", 0, "facts"), ["sample.nope"]), "documents[0].facts",
                 "unknown fact ref 'sample.nope'", id="unknown-fact-ref"),
    pytest.param(set_in(("cost", "notes", 0, "facts"), []), "cost.notes[0]",
                 "statement needs at least one fact ref", id="refs-required-cost-notes"),
    *(
        pytest.param(set_in((section, 0, "facts"), []), f"{section}[0]",
                     "statement needs at least one fact ref", id=f"refs-required-{section}")
        for section in REFS_REQUIRED_SECTIONS
    ),
    *(
        pytest.param(set_in(("where", 0, "text", "ru"), f"Пошлина {amount}"), "where[0].text.ru",
                     "tenge amount in text", id=f"tenge-in-text-{amount}")
        for amount in ("865 тенге", "4 325 тенге", "1262,5 теңге", "865tenge", "865 ₸")
    ),
    pytest.param(set_in(("title", "kk"), "865 теңге"), "title.kk",
                 "tenge amount in text", id="tenge-in-title"),
    pytest.param(set_in(("cost",), {"status": "free"}), "cost.free_fact",
                 "status free needs a free_fact whose value is true", id="free-without-fact"),
    pytest.param(set_in(("cost",), {"status": "free", "free_fact": "sample.not_free"}),
                 "cost.free_fact", "status free needs a free_fact whose value is true",
                 id="free-fact-false"),
    pytest.param(set_in(("cost",), {"status": "fee", "fee": []}), "cost.fee",
                 "status fee needs at least one fee with an mrp_fact", id="fee-without-amount"),
    pytest.param(set_in(("cost", "status"), "cheap"), "cost.status",
                 "must be one of fee, free, unknown", id="unknown-status"),
    pytest.param(set_in(("cost", "fee", 0, "mrp_fact"), "sample.fee_kzt"), "cost.fee[0].mrp_fact",
                 "fact sample.fee_kzt must have unit MRP", id="fee-fact-not-mrp"),
    pytest.param(set_in(("cost", "fee", 0, "mrp_fact"), "sample.passport_fee_mrp"),
                 "cost.fee[0].mrp_key", "mrp_key must be one of pages_36, pages_48",
                 id="mapping-without-mrp-key"),
    pytest.param(set_in(("cost", "fee", 0), {"label": text("Passport"),
                                             "mrp_fact": "sample.passport_fee_mrp",
                                             "mrp_key": "pages_99"}),
                 "cost.fee[0].mrp_key", "mrp_key must be one of pages_36, pages_48",
                 id="mapping-wrong-mrp-key"),
    pytest.param(set_in(("unknowns", 0, "caveat"), False), "unknowns[0]",
                 "unknowns statements need caveat: true", id="unknown-without-caveat"),
    pytest.param(set_in(("in_person_only",), True), "in_person_fact",
                 "in_person_only: true needs an in_person_fact", id="in-person-without-fact"),
    *(
        pytest.param(set_in((section,), []), section, "needs at least one statement",
                     id=f"empty-{section}")
        for section in NON_EMPTY_SECTIONS
    ),
    pytest.param(remove("documents"), "documents", "needs at least one statement",
                 id="missing-documents"),
    pytest.param(lambda g: g["in_short"].append(statement("Third", "sample.where")) or
                 g["in_short"].extend([statement("More", "sample.where")] * 3),
                 "in_short", "needs 2 to 5 statements", id="in-short-too-long"),
    pytest.param(lambda g: g["in_short"].pop(), "in_short", "needs 2 to 5 statements",
                 id="in-short-too-short"),
    pytest.param(set_in(("official_url",), "www.gov.kz/fee"), "official_url",
                 "must be an http(s) URL", id="official-url-not-url"),
    pytest.param(set_in(("official_url",), "https://www.gov.kz/elsewhere"), "official_url",
                 "must equal the source_url of a fact the guide cites", id="official-url-unsourced"),
    pytest.param(set_in(("official_url",), UNCITED_URL), "official_url",
                 "must equal the source_url of a fact the guide cites",
                 id="official-url-of-uncited-fact"),
    pytest.param(set_in(("documnets",), []), "file", "unknown key(s) documnets",
                 id="unknown-top-level-key"),
    pytest.param(set_in(("where", 0, "fact"), ["sample.where"]), "where[0]",
                 "unknown key(s) fact", id="unknown-statement-key"),
    pytest.param(set_in(("search_terms", "ru"), []), "search_terms",
                 "missing or empty list in language 'ru'", id="empty-search-terms"),
]


@pytest.mark.parametrize(("change", "section", "rule"), GUIDE_RULES)
def test_guide_rule_is_enforced(tmp_path, change, section, rule):
    root = write_content(tmp_path, guide=changed(VALID_GUIDE, change))
    with pytest.raises(ContentError) as raised:
        load_content(root, FACT_CHECK_DAY)
    assert (raised.value.file, raised.value.section) == (GUIDE_FILE, section)
    assert rule in raised.value.rule
    assert str(raised.value).startswith(f"{GUIDE_FILE}: {section}: ")


SITUATION_RULES = [
    pytest.param(set_in(("guides",), ["sample", "nope"]), "guides", "unknown guide 'nope'",
                 id="unknown-guide"),
    pytest.param(set_in(("guides",), []), "guides", "needs at least one guide slug",
                 id="no-guides"),
    pytest.param(set_in(("slug",), "lost"), "slug",
                 "slug 'lost' must equal the file name 'sample-situation'", id="slug-not-file-name"),
    pytest.param(set_in(("questions", 0, "answer", 0, "facts"), []), "questions[0].answer[0]",
                 "an answer with a number needs at least one fact ref", id="number-without-ref"),
    pytest.param(set_in(("questions", 0, "question", "ru"), " "), "questions[0].question",
                 "missing or empty text in language 'ru'", id="question-missing-ru"),
    pytest.param(set_in(("questions",), []), "questions", "needs at least one question",
                 id="no-questions"),
    pytest.param(set_in(("questions", 0, "answer", 1, "text", "en"), "Costs 865 tenge"),
                 "questions[0].answer[1].text.en", "tenge amount in text", id="tenge-in-answer"),
]


@pytest.mark.parametrize(("change", "section", "rule"), SITUATION_RULES)
def test_situation_rule_is_enforced(tmp_path, change, section, rule):
    root = write_content(tmp_path, situation=changed(VALID_SITUATION, change))
    with pytest.raises(ContentError) as raised:
        load_content(root, FACT_CHECK_DAY)
    assert (raised.value.file, raised.value.section) == (SITUATION_FILE, section)
    assert rule in raised.value.rule


def test_broken_yaml_names_the_file(tmp_path):
    root = write_content(tmp_path)
    (root / "guides" / "sample.yaml").write_text("slug: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^guides/sample\.yaml: file: not valid YAML"):
        load_content(root, FACT_CHECK_DAY)


def test_duplicate_fact_key_is_an_error(tmp_path):
    facts = copy.deepcopy(FACT_FILES)
    facts["sample"]["facts"].append({"key": "where", "value": 1, "source_url": FREE_URL})
    with pytest.raises(ContentError, match=r"^facts/sample\.yaml: facts\[8\]: duplicate fact key 'where'"):
        load_content(write_content(tmp_path, facts=facts), FACT_CHECK_DAY)


# --------------------------------------------------------------------------- warnings


def test_long_statement_gives_a_warning_not_an_error(tmp_path):
    long_sentence = " ".join(["word"] * 21)
    guide = changed(VALID_GUIDE, set_in(("steps", 0, "text", "en"), long_sentence))
    content = load_content(write_content(tmp_path, guide=guide), FACT_CHECK_DAY)
    assert content.warnings == [
        "guides/sample.yaml: steps[0] (en): 21 words, more than 20; split the sentence"
    ]


def test_twenty_words_and_dashes_give_no_warning(tmp_path):
    sentence = " – ".join(["word"] * 20)  # the dashes are not words
    guide = changed(VALID_GUIDE, set_in(("steps", 0, "text", "ru"), sentence))
    assert load_content(write_content(tmp_path, guide=guide), FACT_CHECK_DAY).warnings == []


def test_fact_past_its_review_date_is_stale_and_warned_about(tmp_path):
    facts = copy.deepcopy(FACT_FILES)
    facts["sample"]["facts"][0]["review_by"] = "2026-06-30"
    content = load_content(write_content(tmp_path, facts=facts), FACT_CHECK_DAY)
    fact = content.facts["sample.fee_mrp"]
    assert fact.review_by == datetime.date(2026, 6, 30)
    assert fact.is_stale(FACT_CHECK_DAY)
    assert not fact.is_stale(datetime.date(2026, 6, 30))
    assert content.warnings == [
        "facts/sample.yaml: fact sample.fee_mrp was due for review on 2026-06-30:"
        " the value may have changed"
    ]


@pytest.mark.parametrize(("ref", "shown"), [
    ("sample.fee_mrp", True),            # "unknown"
    ("sample.half_mrp", True),           # 2020-11-08
    ("sample.passport_fee_mrp", False),  # 2026-01-14
    ("sample.fee_free", False),          # "2025-08 (article)"
    ("sample.fee_kzt", True),            # no date at all
])
def test_old_or_undated_sources_show_their_date(tmp_path, ref, shown):
    content = load_content(write_content(tmp_path), FACT_CHECK_DAY)
    assert content.facts[ref].show_date is shown


# --------------------------------------------------------------------------- sources


def test_sources_are_unique_by_url_in_first_seen_order_without_unknowns(tmp_path):
    guide = changed(VALID_GUIDE, set_in(("in_short", 0, "facts"), ["sample.fee_free"]))
    content = load_content(write_content(tmp_path, guide=guide), FACT_CHECK_DAY)
    guide = content.guides["sample"]
    # "In short" comes first, then the cost; sample.where shares fee_free's URL.
    assert [fact.ref for fact in guide.all_facts] == [
        "sample.fee_free", "sample.where", "sample.fee_mrp", "sample.unknowns.processing_days",
    ]
    assert [fact.ref for fact in guide.sources] == ["sample.fee_free", "sample.fee_mrp"]
    assert [fact.ref for fact in content.situations["sample-situation"].sources] == [
        "sample.fee_mrp"
    ]


# --------------------------------------------------------------------------- МРП


def guide_with_fees(*fees: dict) -> dict:
    return changed(VALID_GUIDE, set_in(("cost", "fee"), list(fees)))


def test_mrp_fee_converts_to_tenge_for_the_current_year(tmp_path):
    content = load_content(write_content(tmp_path), datetime.date(2026, 3, 1))
    fee = content.guides["sample"].cost.fees[0]
    assert (fee.mrp, fee.tenge, fee.year, fee.year_is_current) == (0.2, 865, 2026, True)
    assert isinstance(fee.tenge, int)  # 0.2 × 4325 is shown as 865, not 865.0
    assert fee.fact.ref == "sample.fee_mrp"
    assert (content.mrp_year, content.mrp_is_current, content.warnings) == (2026, True, [])


def test_mrp_uses_the_value_of_today_s_year(tmp_path):
    content = load_content(write_content(tmp_path), datetime.date(2025, 5, 1))
    fee = content.guides["sample"].cost.fees[0]
    assert (fee.tenge, fee.year) == (Decimal("786.40"), 2025)


def test_fractional_tenge_keeps_two_decimals_and_mapping_uses_mrp_key(tmp_path):
    guide = guide_with_fees(
        {"label": text("Certificate"), "mrp_fact": "sample.half_mrp"},
        {"label": text("Passport"), "mrp_fact": "sample.passport_fee_mrp", "mrp_key": "pages_36"},
    )
    content = load_content(write_content(tmp_path, guide=guide), FACT_CHECK_DAY)
    half, passport = content.guides["sample"].cost.fees
    assert half.tenge == Decimal("2162.50")
    assert (passport.mrp, passport.tenge) == (8, 34600)


def test_missing_mrp_for_today_s_year_falls_back_and_warns(tmp_path):
    content = load_content(write_content(tmp_path), datetime.date(2027, 1, 10))
    fee = content.guides["sample"].cost.fees[0]
    assert (content.mrp_year, content.mrp_is_current) == (2026, False)
    assert (fee.tenge, fee.year, fee.year_is_current) == (865, 2026, False)
    assert content.warnings == [
        "No МРП value for 2027: amounts shown for 2026 may be out of date"
    ]


def test_no_mrp_at_all_is_an_error(tmp_path):
    facts = {"sample": FACT_FILES["sample"], "mrp": {"id": "mrp", "facts": []}}
    with pytest.raises(ContentError, match="no МРП value"):
        load_content(write_content(tmp_path, facts=facts), FACT_CHECK_DAY)
