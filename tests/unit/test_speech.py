"""Text made ready for the speech engine, per language, and the clip names that follow from it."""

import re

import pytest

from services.speech import LANGUAGES, clip_name, normalise, spell_digits


@pytest.mark.parametrize("lang, text, spoken", [
    ("ru", "Удостоверение меняют в ЦОНе.", "Удостоверение меняют в цоне."),
    ("ru", "Нужна ЭЦП.", "Нужна э-цэ-пэ."),
    ("ru", "1 МРП", "1 эм-эр-пэ"),
    ("ru", "Ваш ИИН", "Ваш и-и-эн"),
    ("kk", "ХҚКО-ға барыңыз.", "ха-қы-ко-о-ға барыңыз."),
    ("kk", "ЭЦҚ-мен қол қойыңыз.", "э-цэ-қы-мен қол қойыңыз."),
    ("kk", "1 АЕК", "1 а-е-ка"),
    ("kk", "ЖСН", "жэ-эс-эн"),
    ("en", "Sign with your EDS.", "Sign with your e-signature."),
    ("en", "Your IIN", "Your I-I-N"),
    ("en", "Go to a Public Service Centre (ЦОН).", "Go to a Public Service Centre."),
    ("en", "865 tenge (0.2 МРП)", "865 tenge (0.2 M-R-P)"),
])
def test_abbreviations_are_said_as_people_say_them(lang, text, spoken):
    assert normalise(text, lang) == spoken


def test_an_abbreviation_inside_another_word_is_left_alone():
    assert normalise("ЦОНЫ", "ru") == "ЦОНЫ"
    assert normalise("ОИИН", "ru") == "ОИИН"


@pytest.mark.parametrize("lang, spoken", [
    ("ru", "Позвоните в один-четыре-один-четыре."),
    ("kk", "Позвоните в бір-төрт-бір-төрт."),
    ("en", "Позвоните в one four one four."),
])
def test_1414_is_said_digit_by_digit(lang, spoken):
    assert normalise("Позвоните в 1414.", lang) == spoken


def test_a_kazakh_ending_stays_on_the_number():
    assert normalise("1414-ке қоңырау шалыңыз.", "kk") == "бір-төрт-бір-төрт-ке қоңырау шалыңыз."


def test_phone_numbers_are_said_digit_by_digit_but_other_numbers_are_not():
    assert normalise("+7 701 234 56 78", "en") == "plus seven seven zero one two three four five six seven eight"
    assert normalise("8 (727) 123-45-67", "ru") == "восемь-семь-два-семь-один-два-три-четыре-пять-шесть-семь"
    assert normalise("14140 tenge, age 63, 2026", "en") == "14140 tenge, age 63, 2026"
    assert spell_digits("1414", "kk") == "бір-төрт-бір-төрт"


@pytest.mark.parametrize("lang, text, spoken", [
    ("ru", "4\u00a0325 тенге", "4325 тенге"),
    ("kk", "4\u202f325 теңге", "4325 теңге"),
    ("ru", "1\u2009262,5 тенге", "1262,5 тенге"),
    ("en", "4,325 tenge", "4325 tenge"),
])
def test_an_amount_with_group_spaces_is_one_number(lang, text, spoken):
    assert normalise(text, lang) == spoken


@pytest.mark.parametrize("lang, spoken", [
    ("ru", "до 29 декабря 2025 года"),
    ("kk", "до 2025 жылғы 29 желтоқсан"),
    ("en", "до 29 December 2025"),
])
def test_dates_are_read_as_dates(lang, spoken):
    assert normalise("до 29.12.2025", lang) == spoken


def test_a_number_that_is_not_a_date_is_left_alone():
    assert normalise("31.02.2025", "ru") == "31.02.2025"


@pytest.mark.parametrize("lang, text, spoken", [
    ("en", "See https://www.gov.kz/en/services/3023?lang=en.", "See gov kz."),
    ("en", "Open eGov.kz, then sign.", "Open e-gov kz, then sign."),
    ("ru", "Смотрите https://www.gov.kz/services/3023.", "Смотрите гов кей-зет."),
    ("kk", "eGov.kz-та тапсырыңыз.", "игов кей-зет-та тапсырыңыз."),
])
def test_web_addresses_are_read_as_their_domain(lang, text, spoken):
    assert normalise(text, lang) == spoken


def test_english_speech_has_no_cyrillic_abbreviation_left():
    text = "Go to a ЦОН with your ИИН; the fee is 1 МРП and you need an ЭЦП."
    assert not re.search(r"[А-Яа-яЁё]", normalise(text, "en"))


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        normalise("x", "de")


def test_the_same_text_makes_the_same_file_name():
    assert clip_name("ru", "Удостоверение меняют в цоне.") == clip_name("ru", "Удостоверение меняют в цоне.")
    assert re.fullmatch(r"[0-9a-f]{16}\.opus", clip_name("kk", "Сәлем"))


def test_changed_text_or_voice_makes_a_new_file_name():
    name = clip_name("ru", "Удостоверение меняют в цоне.")
    assert clip_name("ru", "Удостоверение меняют в цоне!") != name
    assert clip_name("kk", "Удостоверение меняют в цоне.") != name


def test_changed_engine_settings_make_a_new_file_name(monkeypatch):
    from services import speech

    name = clip_name("en", "Hello.")
    monkeypatch.setitem(speech.ENGINE, "bitrate_kbps", 24)
    assert clip_name("en", "Hello.") != name


def test_every_language_has_every_table():
    from services import speech

    for table in (speech.DIGIT_WORDS, speech.MONTHS, speech.DOMAIN_WORDS, speech.ABBREVIATIONS, speech.VOICES):
        assert set(table) == set(LANGUAGES)
