"""Tests for services/validation.py: IIN, three-field dates, names, phone numbers and free text."""

from __future__ import annotations

import datetime

import pytest

from services.validation import (
    IinProblem,
    age_on,
    check_free_text,
    check_iin,
    check_name,
    check_past,
    check_phone,
    clean_free_text,
    format_phone,
    iin_birth_date,
    iin_sex,
    normalise_iin,
    normalise_name,
    normalise_phone,
    parse_date_parts,
)

NOT_STRINGS = [None, 0, 850101300124, 3.5, b"850101300124", ["8"], {}, object()]

# --------------------------------------------------------------------------- IIN

CENTURY_DIGIT = {(1800, "male"): 1, (1800, "female"): 2, (1900, "male"): 3,
                 (1900, "female"): 4, (2000, "male"): 5, (2000, "female"): 6}


def control_digit(first_eleven: str) -> int | None:
    """The published algorithm, written out again independently of the code under test."""
    digits = [int(c) for c in first_eleven]
    first = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if first != 10:
        return first
    second = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    return None if second == 10 else second


def build_iin(birth: datetime.date, sex: str, serial: int) -> str | None:
    """A valid IIN for this person and 4-digit serial, or None if the serial cannot have one."""
    first_eleven = f"{birth:%y%m%d}{CENTURY_DIGIT[birth.year // 100 * 100, sex]}{serial:04d}"
    digit = control_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


# Computed with the algorithm above and checked by hand; (IIN, birth date, sex).
KNOWN_VALID = [
    ("850101300124", datetime.date(1985, 1, 1), "male"),
    ("620315400018", datetime.date(1962, 3, 15), "female"),
    ("000229500018", datetime.date(2000, 2, 29), "male"),
    ("451109300008", datetime.date(1945, 11, 9), "male"),
    ("880229400003", datetime.date(1988, 2, 29), "female"),
    ("010101500003", datetime.date(2001, 1, 1), "male"),
    ("180704500005", datetime.date(2018, 7, 4), "male"),
    # Weights 1..11 give 109 mod 11 = 10; weights 3..11,1,2 give 91 mod 11 = 3.
    ("850101300603", datetime.date(1985, 1, 1), "male"),
    ("620315400941", datetime.date(1962, 3, 15), "female"),  # second weights again
]


@pytest.mark.parametrize("iin, birth, sex", KNOWN_VALID)
def test_known_valid_iins(iin, birth, sex):
    assert check_iin(iin) is None
    assert check_iin(iin, birth_date=birth) is None
    assert iin_birth_date(iin) == birth
    assert iin_sex(iin) == sex
    assert build_iin(birth, sex, int(iin[7:11])) == iin


def test_second_weight_set_is_really_needed():
    first_eleven = "85010130060"
    assert sum(int(d) * w for d, w in zip(first_eleven, range(1, 12))) % 11 == 10
    assert check_iin("850101300603") is None
    assert check_iin("850101300600") == IinProblem("check_digit", 12)


def test_both_weight_sets_giving_ten_means_no_valid_iin():
    assert control_digit("85010130069") is None
    assert all(check_iin(f"85010130069{d}") == IinProblem("check_digit", 12) for d in range(10))


@pytest.mark.parametrize(
    "birth",
    [datetime.date(1899, 12, 31), datetime.date(1931, 5, 9), datetime.date(1999, 12, 31),
     datetime.date(2000, 1, 1), datetime.date(2024, 2, 29), datetime.date(1900, 3, 1)],
)
@pytest.mark.parametrize("sex", ["male", "female"])
def test_built_iins_pass_and_decode(birth, sex):
    for serial in (1, 42, 777, 9999):
        iin = build_iin(birth, sex, serial)
        if iin is None:
            continue
        assert check_iin(iin, birth) is None, iin
        assert (iin_birth_date(iin), iin_sex(iin)) == (birth, sex)


def test_every_wrong_check_digit_is_caught():
    for wrong in set(range(10)) - {4}:
        assert check_iin(f"85010130012{wrong}") == IinProblem("check_digit", 12)


@pytest.mark.parametrize(
    "typed",
    ["850101 300 124", "850101-300-124", "8501 0130 0124", "850101\u00a0300\u00a0124", " 850101300124 ",
     "８５０１０１３００１２４", "٨٥٠١٠١٣٠٠١٢٤", "850101\u2009300\u2009124", "850101\u200b300124"],
)
def test_iin_separators_and_other_scripts_digits(typed):
    assert check_iin(typed) is None
    assert normalise_iin(typed) == "850101300124"
    assert iin_birth_date(typed) == datetime.date(1985, 1, 1)


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", IinProblem("empty", 0)),
        ("   ", IinProblem("empty", 0)),
        (" - ", IinProblem("empty", 0)),
        ("85010130012", IinProblem("too_short", 11)),
        ("8501013001245", IinProblem("too_long", 13)),
        ("8", IinProblem("too_short", 1)),
        ("85010130012A", IinProblem("not_digits", 11)),
        ("ИИН 850101300124", IinProblem("not_digits", 12)),
        ("85O101300124", IinProblem("not_digits", 11)),  # letter O for zero
        ("850101.300.124", IinProblem("not_digits", 12)),
        ("850230300124", IinProblem("bad_date", 12)),  # 30 February
        ("851301300124", IinProblem("bad_date", 12)),  # month 13
        ("850100300124", IinProblem("bad_date", 12)),  # day 0
        ("850431300124", IinProblem("bad_date", 12)),  # 31 April
        ("850101000124", IinProblem("bad_century", 12)),  # 0: business number, not a person
        ("850101700124", IinProblem("bad_century", 12)),
        ("850101800124", IinProblem("bad_century", 12)),
        ("850101900124", IinProblem("bad_century", 12)),
        ("850101300123", IinProblem("check_digit", 12)),
    ],
)
def test_iin_problems(typed, problem):
    assert check_iin(typed) == problem


def test_leap_day_depends_on_century():
    leap_2000 = build_iin(datetime.date(2000, 2, 29), "female", 5)
    assert check_iin(leap_2000) is None
    # The same first six digits with a 1900s century digit: 1900 was not a leap year.
    as_1900 = leap_2000[:6] + "4" + leap_2000[7:11]
    as_1900 += str(control_digit(as_1900) or 0)
    assert check_iin(as_1900) == IinProblem("bad_date", 12)
    assert iin_birth_date(as_1900) is None


def test_bad_century_digit_on_a_leap_day_is_reported_as_century():
    # 29.02.84 is real in any century, so the century digit is what is wrong.
    assert check_iin("840229700124").code == "bad_century"


def test_birth_date_mismatch():
    assert check_iin("850101300124", datetime.date(1985, 1, 2)) == IinProblem("birth_date_mismatch", 12)
    # Same day and month, wrong century.
    assert check_iin("850101300124", datetime.date(2085, 1, 1)).code == "birth_date_mismatch"
    # Other problems come first: the date cannot be compared with a number that is not an IIN.
    assert check_iin("850101300123", datetime.date(1990, 1, 1)).code == "check_digit"


@pytest.mark.parametrize("value", NOT_STRINGS)
def test_iin_functions_never_raise_on_other_types(value):
    assert check_iin(value) == IinProblem("empty", 0)
    assert normalise_iin(value) == ""
    assert iin_birth_date(value) is None
    assert iin_sex(value) is None


def test_iin_problem_is_frozen():
    with pytest.raises(AttributeError):
        check_iin("").code = "changed"


def test_decoding_invalid_numbers():
    assert iin_birth_date("85010130012") is None
    assert iin_birth_date("850230300124") is None
    assert iin_sex("850101000124") is None
    assert iin_sex("850101400124") == "female"  # decoding does not need a correct check digit


def test_very_long_input_is_just_too_long():
    assert check_iin("1" * 100_000) == IinProblem("too_long", 100_000)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "day, month, year, expected",
    [
        ("1", "3", "1950", datetime.date(1950, 3, 1)),
        ("01", "03", "1950", datetime.date(1950, 3, 1)),
        (" 1 ", " 03", "1950 ", datetime.date(1950, 3, 1)),
        ("001", "003", "1950", datetime.date(1950, 3, 1)),
        ("29", "2", "2000", datetime.date(2000, 2, 29)),
        ("31", "12", "1999", datetime.date(1999, 12, 31)),
        ("１５", "٠٦", "١٩٦٢", datetime.date(1962, 6, 15)),
        ("5", "6", "1 962", datetime.date(1962, 6, 5)),
        ("5\u00a0", "6", "1962", datetime.date(1962, 6, 5)),
    ],
)
def test_real_dates(day, month, year, expected):
    assert parse_date_parts(day, month, year) == (expected, None)


@pytest.mark.parametrize(
    "day, month, year, problem",
    [
        ("", "", "", "empty"),
        (" ", "\u00a0", "", "empty"),
        (None, None, None, "empty"),
        ("", "3", "1950", "missing_day"),
        ("1", "", "1950", "missing_month"),
        ("1", "3", "", "missing_year"),
        ("", "", "1950", "missing_day"),  # the first missing box is named
        ("1", "", "", "missing_month"),
        ("1", "", "x", "missing_month"),  # a missing box matters more than a wrong one
        ("a", "3", "1950", "not_a_number"),
        ("1", "March", "1950", "not_a_number"),
        ("1", "3", "195O", "not_a_number"),
        ("-1", "3", "1950", "not_a_number"),
        ("1.5", "3", "1950", "not_a_number"),
        ("1", "3", "50", "year_not_four_digits"),
        ("1", "3", "19500", "year_not_four_digits"),
        ("1", "3", "0000", "not_real"),
        ("31", "4", "1950", "not_real"),
        ("29", "2", "2023", "not_real"),
        ("29", "2", "1900", "not_real"),
        ("0", "3", "1950", "not_real"),
        ("1", "13", "1950", "not_real"),
        ("32", "1", "1950", "not_real"),
        ("1" * 5000, "1", "1950", "not_real"),  # int() of a huge string would raise
    ],
)
def test_date_problems(day, month, year, problem):
    assert parse_date_parts(day, month, year) == (None, problem)


def test_check_past():
    today = datetime.date(2026, 5, 1)
    assert check_past(datetime.date(2026, 5, 1), today) is None
    assert check_past(datetime.date(1950, 1, 1), today) is None
    assert check_past(datetime.date(2026, 5, 2), today) == "future"


@pytest.mark.parametrize(
    "born, today, age",
    [
        (datetime.date(1960, 5, 1), datetime.date(2026, 5, 1), 66),
        (datetime.date(1960, 5, 2), datetime.date(2026, 5, 1), 65),
        (datetime.date(1960, 4, 30), datetime.date(2026, 5, 1), 66),
        (datetime.date(1960, 12, 31), datetime.date(2026, 1, 1), 65),
        (datetime.date(2026, 5, 1), datetime.date(2026, 5, 1), 0),
        (datetime.date(1960, 2, 29), datetime.date(2023, 2, 28), 62),
        (datetime.date(1960, 2, 29), datetime.date(2023, 3, 1), 63),
        (datetime.date(1960, 2, 29), datetime.date(2024, 2, 29), 64),
    ],
)
def test_age_on(born, today, age):
    assert age_on(born, today) == age


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name",
    [
        "Иванов", "Пётр", "Ёлкина", "Әсел", "Ғалым", "Қуаныш", "Маңғыстау", "Өмірзақ", "Ұлжан", "Үміт",
        "Һ", "Іңкәр", "ӘҒҚҢӨҰҮҺІ", "Smith", "O'Brien", "O’Brien", "Oʼzbek", "Анна-Мария", "Jean-Luc",
        "А. Б. Сейітова", "Áset", "Ǵalym", "Ańsar", "Ómirzaq", "Úmit", "Aıgúl", "Şoqan", "Çeşme",
        "ÁǴŃÓÚÝŞÇ", "Äset", "Ğalym", "Ñ", "Ömir", "Ūlan", "Ümit", "İlyas", "Aigúl", "  Иван   Иванов  ",
        "A\u0301set",  # decomposed á: NFC makes it one letter
    ],
)
def test_good_names(name):
    assert check_name(name) is None


@pytest.mark.parametrize(
    "name, problem",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u00a0\t\n", "empty"),
        (None, "empty"),
        (42, "empty"),
        ("Иван2", "bad_characters"),
        ("Ivan!", "bad_characters"),
        ("<script>", "bad_characters"),
        ("Иван_Иванов", "bad_characters"),
        ("Ivan\u0000", "bad_characters"),
        ("Ivan\u200b", "bad_characters"),
        ("李", "bad_characters"),
        ("Ιβαν", "bad_characters"),  # Greek
        ("...", "bad_characters"),
        ("-", "bad_characters"),
        ("А" * 101, "too_long"),
    ],
)
def test_bad_names(name, problem):
    assert check_name(name) == problem


def test_name_length_is_counted_after_normalising():
    assert check_name("А" * 100) is None
    assert check_name("  " + "А" * 50 + "     " + "Б" * 49 + "  ") is None
    assert check_name("Иван", max_length=3) == "too_long"


def test_normalise_name():
    assert normalise_name("  Анна \u00a0  Мария\tИванова ") == "Анна Мария Иванова"
    assert normalise_name("A\u0301set") == "Áset"
    assert normalise_name(None) == ""


# --------------------------------------------------------------------------- phone numbers

MOBILE_FORMS = [
    "+7 701 123 45 67", "8 701 123-45-67", "87011234567", "7011234567", "+7(701)1234567",
    "8 (701) 123 45 67", "+7\u00a0701\u00a0123\u00a045\u00a067", "77011234567", "+77011234567",
    "8-701-123-45-67", "+7 (701) 123-45-67", "701 123 45 67", "007 701 123 45 67", "+7.701.123.45.67",
    "８７０１１２３４５６７",
]


@pytest.mark.parametrize("typed", MOBILE_FORMS)
def test_mobile_forms(typed):
    assert check_phone(typed) is None
    assert normalise_phone(typed) == "+77011234567"
    assert format_phone(typed) == "+7 701 123 45 67"


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("8 7172 12 34 56", "+77172123456"),  # Astana landline
        ("+7 727 123 45 67", "+77271234567"),  # Almaty landline
        ("8 747 000 00 00", "+77470000000"),
        ("+7 778 999 88 77", "+77789998877"),
    ],
)
def test_other_kazakh_numbers(typed, normalised):
    assert check_phone(typed) is None
    assert normalise_phone(typed) == normalised


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", "empty"),
        ("  ", "empty"),
        (None, "empty"),
        (87011234567, "empty"),
        ("+", "too_short"),
        ("701 123 45 6", "too_short"),
        ("8 701 123 45", "too_short"),
        ("+7 701 123 45 6", "too_short"),
        ("8 701 123 45 678", "too_long"),
        ("+7 701 123 45 678", "too_long"),
        ("+7 701 123 45 67 89", "too_long"),
        ("+7 916 123 45 67", "not_kazakhstan"),  # Moscow mobile
        ("8 495 123 45 67", "not_kazakhstan"),  # Moscow landline
        ("9161234567", "not_kazakhstan"),
        ("+44 20 7946 0958", "not_kazakhstan"),
        ("+998 90 123 45 67", "not_kazakhstan"),
        ("0044 20 7946 0958", "not_kazakhstan"),
        ("+7 701 CALL NOW", "bad_characters"),
        ("8 701 123 45 67 доб. 5", "bad_characters"),
        ("7+701 123 45 67", "bad_characters"),
        ("++7 701 123 45 67", "bad_characters"),
        ("+7 701 123 45 6O", "bad_characters"),
    ],
)
def test_phone_problems(typed, problem):
    assert check_phone(typed) == problem
    assert normalise_phone(typed) is None


def test_format_phone():
    assert format_phone("+77011234567") == "+7 701 123 45 67"
    assert format_phone("+77172123456") == "+7 717 212 34 56"
    assert format_phone("not a phone") == "not a phone"
    assert format_phone(None) == ""


# --------------------------------------------------------------------------- free text


def test_clean_free_text():
    assert clean_free_text("Line one\r\nLine two\rLine three") == "Line one\nLine two\nLine three"
    assert clean_free_text("Tab\there\nand newline") == "Tab\there\nand newline"
    assert clean_free_text("Bell\x07 null\x00 escape\x1b del\x7f end") == "Bell null escape del end"
    assert clean_free_text("<b>Keep</b> & <script>alert(1)</script>") == "<b>Keep</b> & <script>alert(1)</script>"
    assert clean_free_text("A\u0301") == "Á"  # NFC
    assert clean_free_text("Paragraph\u2029next\u2028line") == "Paragraph\nnext\nline"
    assert clean_free_text("safe\u202etxt.exe") == "safetxt.exe"  # right-to-left override
    assert clean_free_text("lone \ud800 surrogate") == "lone  surrogate"
    assert clean_free_text("  \n Текст на қазақ тілінде. \n\n ") == "Текст на қазақ тілінде."
    assert clean_free_text(None) == ""
    assert clean_free_text(123) == ""


def test_clean_free_text_result_can_be_stored_as_utf8():
    clean_free_text("\ud83d broken pair \udc00").encode("utf-8")


def test_check_free_text():
    assert check_free_text("a" * 10, 10) is None
    assert check_free_text("a" * 11, 10) == "too_long"
    # A browser sends CRLF; the person typed one line break.
    assert check_free_text("a" * 4 + "\r\n" + "b" * 5, 10) is None
    assert check_free_text("", 10) is None
    assert check_free_text(None, 10) is None
