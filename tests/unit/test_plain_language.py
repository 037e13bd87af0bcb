"""Plain language, measured: every rule on small examples, then the real content.

`pytest -s tests/unit/test_plain_language.py` prints the table per page and language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from services.content import LANGUAGES, Statement, load_content
from services.plain_language import (
    AVOID_WORD,
    DATE_FORMAT,
    MEDIAN_LENGTH,
    NUMBER_WORD,
    PASSIVE,
    SENTENCE_LENGTH,
    check_statement,
    format_problems,
    format_table,
    load_rules,
    report,
    sentences,
    words,
)

ROOT = Path(__file__).resolve().parents[2]
RULES_PATH = ROOT / "content" / "plain_language.yaml"
CONTENT_DATE = date(2026, 11, 25)


@pytest.fixture(scope="module")
def rules():
    return load_rules(RULES_PATH)


def rules_broken(text: str, lang: str, rules) -> list[str]:
    return [problem.rule for problem in check_statement(text, lang, rules)]


# --------------------------------------------------------------------------- the rules file


def test_rules_file_has_a_plain_glossary_for_every_language(rules):
    assert rules.max_sentence_words == 20
    assert rules.max_median_words == 12
    for lang in LANGUAGES:
        language = rules.for_language(lang)
        assert 8 <= len(language.avoid) <= 15, lang
        assert all(entry.use.strip() for entry in language.avoid), lang
        assert language.passive, lang
        assert language.number_words, lang


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        # "ЦОН." ends a sentence: it is not a dotted abbreviation.
        ("ru", "Идите в ЦОН. Там вас сфотографируют.", ["Идите в ЦОН.", "Там вас сфотографируют."]),
        ("kk", "ХҚКО-ға барыңыз. Сізді суретке түсіреді!", ["ХҚКО-ға барыңыз.", "Сізді суретке түсіреді!"]),
        ("en", "Is it free? Yes. Ask 1414.", ["Is it free?", "Yes.", "Ask 1414."]),
        # Dotted abbreviations inside a sentence.
        ("ru", "Принесите паспорт, свидетельство и т.п. документы.", ["Принесите паспорт, свидетельство и т.п. документы."]),
        ("ru", "Нужны документы, т.е. паспорт и справка.", ["Нужны документы, т.е. паспорт и справка."]),
        ("en", "Bring a paper, e.g. Your passport.", ["Bring a paper, e.g. Your passport."]),
        ("kk", "Құжаттарды, т.б. қағаздарды әкеліңіз.", ["Құжаттарды, т.б. қағаздарды әкеліңіз."]),
        # "т.б." and "etc." may end a sentence when a capital follows.
        ("kk", "Паспорт, куәлік т.б. Сосын ХҚКО-ға барыңыз.", ["Паспорт, куәлік т.б.", "Сосын ХҚКО-ға барыңыз."]),
        ("en", "Bring your ID, receipts etc. Then go.", ["Bring your ID, receipts etc.", "Then go."]),
        # Decimal commas and points, web names, URLs.
        ("ru", "Пошлина – 0,2 МРП. Оплатите её.", ["Пошлина – 0,2 МРП.", "Оплатите её."]),
        ("en", "The fee is 0.2 MCI. Pay it first.", ["The fee is 0.2 MCI.", "Pay it first."]),
        ("kk", "eGov.kz порталына кіріңіз. eGov Mobile да болады.", ["eGov.kz порталына кіріңіз.", "eGov Mobile да болады."]),
        ("en", "See https://www.gov.kz/a.b?x=1. Then call.", ["See https://www.gov.kz/a.b?x=1.", "Then call."]),
        # A full stop inside a quote does not end the sentence; one that closes the quote does.
        ("ru", "Там написано «Приём окончен. Приходите завтра» на двери.", ["Там написано «Приём окончен. Приходите завтра» на двери."]),
        ("ru", "Нажмите «Далее.» Потом ждите.", ["Нажмите «Далее.»", "Потом ждите."]),
        # A lower-case word after a full stop: not a new sentence (an unknown abbreviation).
        ("ru", "С 1 янв. по 5 марта.", ["С 1 янв. по 5 марта."]),
    ],
)
def test_sentences(lang, text, expected, rules):
    assert sentences(text, lang, rules) == expected


def test_sentences_of_empty_text():
    assert sentences("  ", "kk") == []


# --------------------------------------------------------------------------- words


def test_words_count_tokens_with_letters_or_digits():
    assert words("Новое удостоверение делают до 15 рабочих дней.", "ru") == [
        "Новое", "удостоверение", "делают", "до", "15", "рабочих", "дней",
    ]
    # Dashes are not words; "1–3", "ХҚКО-ға" and "eGov.kz" are one word each.
    assert len(words("Жедел жасату – 1–3 жұмыс күні, ХҚКО-ға немесе eGov.kz-ке.", "kk")) == 8


def test_a_number_with_a_thousands_space_is_one_word():
    assert words("Это 4 325 тенге.", "ru") == ["Это", "4325", "тенге"]


def test_quotes_and_legal_terms_count_no_words(rules):
    assert words("Заплатите в кассе «Казпочты».", "ru", rules) == ["Заплатите", "в", "кассе"]
    assert words("Заплатите в кассе «Казпочты».", "ru", rules, exempt=False) == [
        "Заплатите", "в", "кассе", "Казпочты",
    ]
    assert words("Нужна нотариально заверенная доверенность.", "ru", rules) == ["Нужна"]
    assert words("Оған нотариус растаған сенімхат керек.", "kk", rules) == ["Оған", "керек"]


# --------------------------------------------------------------------------- sentence length


def test_sentence_over_twenty_words_is_a_problem(rules):
    twenty = " ".join(["слово"] * 20) + "."
    assert rules_broken(twenty, "ru", rules) == []
    assert rules_broken(" ".join(["слово"] * 21) + ".", "ru", rules) == [SENTENCE_LENGTH]
    # Split into two sentences, the same words pass.
    split = " ".join(["слово"] * 10) + ". " + " ".join(["Слово"] * 11) + "."
    assert rules_broken(split, "ru", rules) == []


def test_a_long_quote_does_not_make_a_sentence_too_long(rules):
    quote = "«" + " ".join(["сөз"] * 25) + "»"
    assert rules_broken(f"Заңда {quote} деп жазылған.", "kk", rules) == []


# --------------------------------------------------------------------------- officialese


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "В случае потери паспорта идите в ЦОН."),
        ("ru", "Предоставьте документы в ЦОН."),
        ("ru", "Данная услуга бесплатна."),
        ("ru", "Основанием для отказа является неполный пакет."),
        ("ru", "В целях записи позвоните по номеру 1414."),
        ("ru", "Услугополучатель приносит паспорт."),
        ("ru", "Необходимо оплатить пошлину."),
        ("kk", "Құжат болмаған жағдайда ХҚКО-ға барыңыз."),
        ("kk", "Көрсетілетін қызметті алушы құжаттарды әкеледі."),
        ("kk", "Бұл бас тартуға негіз болып табылады."),
        ("kk", "Өтініштерді қабылдауды жүзеге асырамыз."),
        ("en", "Call 1414 in order to book."),
        ("en", "Check the list prior to your visit."),
        ("en", "In the event that you lose it, call 1414."),
        ("en", "You are required to pay a fee."),
        ("en", "Processing will commence tomorrow."),
        ("en", "You can utilise the app."),
    ],
)
def test_avoid_list_words_are_problems(lang, text, rules):
    assert AVOID_WORD in rules_broken(text, lang, rules)


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Если паспорт потерялся, идите в ЦОН."),
        ("ru", "Принесите документы в ЦОН."),
        ("ru", "Эта услуга бесплатна."),
        ("kk", "Құжат жоқ болса, ХҚКО-ға барыңыз."),
        ("en", "Call 1414 to book."),
        ("en", "Check the list before your visit."),
    ],
)
def test_plain_alternatives_pass(lang, text, rules):
    assert rules_broken(text, lang, rules) == []


def test_officialese_inside_a_quote_is_exempt(rules):
    assert rules_broken("В приказе сказано: «в случае утери документа».", "ru", rules) == []
    assert AVOID_WORD in rules_broken("В приказе сказано: в случае утери документа.", "ru", rules)


def test_an_overlapping_phrase_is_one_problem(rules):
    problems = check_statement("Бұл бас тартуға негіз болып табылады.", "kk", rules)
    assert [p.rule for p in problems] == [AVOID_WORD]
    assert "негіз болып табылады" in problems[0].detail


# --------------------------------------------------------------------------- passive


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Заявление рассматривается 5 дней."),
        ("ru", "Справка выдаётся в ЦОНе."),
        ("ru", "Приём производится по записи."),
        ("kk", "Өтініш 5 жұмыс күні ішінде қаралады."),
        ("kk", "Анықтама ХҚКО-да беріледі."),
        ("en", "The certificate is issued at a ЦОН."),
        ("en", "Documents are submitted online."),
        ("en", "The check was carried out in 2025."),
    ],
)
def test_bureaucratic_passive_is_a_problem(lang, text, rules):
    assert rules_broken(text, lang, rules) == [PASSIVE]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Мы рассмотрим заявление за 5 дней."),
        ("ru", "Удостоверение меняется раз в 10 лет."),  # an everyday verb, not officialese
        ("kk", "Өтінішті 5 жұмыс күні ішінде қараймыз."),
        ("en", "The ЦОН issues the certificate."),
        ("en", "If your card is lost, go to a ЦОН."),
    ],
)
def test_active_voice_and_everyday_passives_pass(lang, text, rules):
    assert rules_broken(text, lang, rules) == []


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Удостоверение делают пять рабочих дней."),
        ("ru", "Если вы теряете его больше двух раз, пошлина выше."),
        ("kk", "Куәлік бес жұмыс күнінде дайын болады."),
        ("kk", "Куәлік бір жылда 2 реттен көп жоғалса, баж қымбаттайды."),
        ("en", "It takes five working days."),
        ("en", "One application covers both pensions."),
    ],
)
def test_number_words_are_problems(lang, text, rules):
    assert rules_broken(text, lang, rules) == [NUMBER_WORD]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Удостоверение делают 5 рабочих дней."),
        ("ru", "Обратитесь к одному из юристов."),
        ("ru", "Мы не нашли ни одного источника."),
        ("kk", "Бір ғана өтініш жеткілікті."),
        ("kk", "Бір реттік SMS-кодпен кіріңіз."),
        ("kk", "Бірде-бір дереккөз таппадық."),
        ("kk", "Бірақ бірден барыңыз."),  # words that begin with "бір" are not "бір"
        ("en", "One of our sources says so."),
        ("en", "Your passport, if you have one."),
        ("en", "If you have no EDS, get one online."),
        ("en", "No one can apply for you."),
    ],
)
def test_digits_and_number_word_exceptions_pass(lang, text, rules):
    assert rules_broken(text, lang, rules) == []


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Запись открыта с 03/05/2026."),
        ("en", "The rule changed on 2026-03-05."),
        ("kk", "Ереже 2026-03-05 бастап күшіне енді."),
    ],
)
def test_slash_and_iso_dates_are_problems(lang, text, rules):
    assert rules_broken(text, lang, rules) == [DATE_FORMAT]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("ru", "Запись открыта с 05.03.2026."),
        ("ru", "Запись открыта с 5 марта 2026 года."),
        ("en", "The rule changed on 5 March 2026."),
        ("en", "See https://www.gov.kz/news/2026-03-05/item."),
        ("en", "It applies to 2025–2026."),
    ],
)
def test_dates_in_the_readers_format_pass(lang, text, rules):
    assert rules_broken(text, lang, rules) == []


# --------------------------------------------------------------------------- report


def statement(ru: str) -> Statement:
    return Statement(text={"kk": "Бұл тегін.", "ru": ru, "en": "It is free."}, facts=())


def fake_content(*texts: str) -> SimpleNamespace:
    guide = SimpleNamespace(
        slug="test-guide",
        statements=lambda: [("steps", statement(text)) for text in texts],
    )
    return SimpleNamespace(guides={"test-guide": guide}, situations={})


def test_report_figures_per_page_and_language(rules):
    figures = report(fake_content("Идите в ЦОН.", "Подождите 15 рабочих дней. Потом звоните. Ждите пять дней."), rules)
    page = figures[("test-guide", "ru")]
    assert (page.sentences, page.median_words, page.max_words) == (4, 3, 4)
    assert [(where, p.rule) for where, p in page.problems] == [("steps[1]", NUMBER_WORD)]
    assert figures[("test-guide", "kk")].problems == []


def test_report_flags_a_page_whose_median_sentence_is_too_long(rules):
    thirteen = " ".join(["слово"] * 13) + "."
    figures = report(fake_content(thirteen, thirteen, "Короткое предложение."), rules)
    problems = figures[("test-guide", "ru")].problems
    assert [p.rule for _where, p in problems] == [MEDIAN_LENGTH]
    twelve = " ".join(["слово"] * 12) + "."
    assert report(fake_content(twelve, twelve, "Коротко."), rules)[("test-guide", "ru")].problems == []


# --------------------------------------------------------------------------- real content


def test_real_content_is_plain(rules):
    content = load_content(ROOT / "content", CONTENT_DATE)
    figures = report(content, rules)
    assert len(figures) == (len(content.guides) + len(content.situations)) * len(LANGUAGES)
    print()
    print(format_table(figures))
    problems = format_problems(figures)
    assert not problems, "plain-language problems (page [lang] where: rule: detail: sentence):\n" + problems
