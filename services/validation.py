"""Checks for what people type into application forms: IIN, dates, names, phone numbers, free text.

Every check takes whatever arrived (any type), never raises, and returns a short problem code or None.
The views turn each code into a whole translated sentence, so nothing here is shown to anyone.
Input from people is forgiving: spaces, dashes and non-breaking spaces inside numbers are fine,
and digits from any script (e.g. Arabic-Indic, fullwidth) count as digits.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# What people put inside numbers to make them readable, removed before checking. Zero-width
# characters come along when a number is copied from a web page or a messenger.
_SPACES = r"\s\u200b-\u200d\u2060\ufeff"
_DASHES = r"\-\u2010-\u2015\u2212"
_DATE_SEPARATORS = re.compile(f"[{_SPACES}]")
_IIN_SEPARATORS = re.compile(f"[{_SPACES}{_DASHES}]")
_PHONE_SEPARATORS = re.compile(f"[{_SPACES}{_DASHES}.()]")


def _text(value: object) -> str:
    """Form values are strings; anything else is treated as nothing typed rather than an error."""
    return value if isinstance(value, str) else ""


def _without(separators: re.Pattern[str], value: object) -> str:
    # NFKC turns fullwidth digits and the like into their plain forms.
    return separators.sub("", unicodedata.normalize("NFKC", _text(value)))


def _ascii_digits(text: str) -> str | None:
    """'٨٥0101' -> '850101'; None if anything other than a decimal digit is present."""
    if text and not text.isdecimal():
        return None
    return "".join(str(unicodedata.decimal(char)) for char in text)


# --------------------------------------------------------------------------- IIN (ИИН / ЖСН)

IIN_LENGTH = 12

IinProblemCode = Literal[
    "empty", "not_digits", "too_short", "too_long", "bad_date", "bad_century", "check_digit", "birth_date_mismatch"
]


@dataclass(frozen=True)
class IinProblem:
    code: IinProblemCode
    digits: int  # how many digits were typed, so a message can say "you typed 11 digits; it needs 12"


# The 7th digit gives century and sex: odd for men, even for women.
# 0 is not valid for a person: numbers with 0 there are business identifiers (БИН), not an IIN.
# 7, 8 and 9 are not assigned.
_CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def normalise_iin(value: object) -> str:
    """The ASCII digits of what was typed, with separators and anything else dropped."""
    return "".join(str(unicodedata.decimal(char)) for char in _without(_IIN_SEPARATORS, value) if char.isdecimal())


def _iin_check_digit(first_eleven: str) -> int | None:
    """The official control digit; None when both weight sets give 10 (such numbers are never issued)."""
    digits = [int(char) for char in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights)) % 11
        if remainder != 10:
            return remainder
    return None


def _real_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _encoded_birth_date(iin: str) -> datetime.date | None:
    century = _CENTURY_BY_DIGIT.get(int(iin[6]))
    if century is None:
        return None
    return _real_date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))


def iin_birth_date(iin: object) -> datetime.date | None:
    """The birth date written into the first seven digits, or None if they do not make one."""
    digits = normalise_iin(iin)
    return _encoded_birth_date(digits) if len(digits) == IIN_LENGTH else None


def iin_sex(iin: object) -> Literal["male", "female"] | None:
    digits = normalise_iin(iin)
    if len(digits) != IIN_LENGTH or int(digits[6]) not in _CENTURY_BY_DIGIT:
        return None
    return "male" if int(digits[6]) % 2 else "female"


def check_iin(value: object, birth_date: datetime.date | None = None) -> IinProblem | None:
    """The first problem with a typed IIN, or None. With birth_date, the IIN must also encode that date."""
    digits = _ascii_digits(_without(_IIN_SEPARATORS, value))
    if digits is None:
        return IinProblem("not_digits", len(normalise_iin(value)))
    count = len(digits)
    if count == 0:
        return IinProblem("empty", 0)
    if count < IIN_LENGTH:
        return IinProblem("too_short", count)
    if count > IIN_LENGTH:
        return IinProblem("too_long", count)

    year, month, day = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    # Judge the date before the century digit: a mistyped month is the likelier mistake.
    # Without a valid century, 29 February counts as real only if some century makes it so.
    century = _CENTURY_BY_DIGIT.get(int(digits[6]))
    if _real_date((century or 2000) + year, month, day) is None:
        return IinProblem("bad_date", count)
    if century is None:
        return IinProblem("bad_century", count)
    if _iin_check_digit(digits[:11]) != int(digits[11]):
        return IinProblem("check_digit", count)
    if birth_date is not None and _encoded_birth_date(digits) != birth_date:
        return IinProblem("birth_date_mismatch", count)
    return None


# --------------------------------------------------------------------------- dates from three fields

DateProblemCode = Literal[
    "empty", "missing_day", "missing_month", "missing_year", "not_a_number", "year_not_four_digits", "not_real"
]


def parse_date_parts(day: object, month: object, year: object) -> tuple[datetime.date | None, DateProblemCode | None]:
    """A date from separate day, month and year boxes (the GOV.UK date-input pattern).

    When several boxes are empty the first one (day, month, year) is reported.
    """
    parts = [_without(_DATE_SEPARATORS, part) for part in (day, month, year)]
    if not any(parts):
        return None, "empty"
    for text, problem in zip(parts, ("missing_day", "missing_month", "missing_year")):
        if not text:
            return None, problem
    numbers = [_ascii_digits(text) for text in parts]
    if None in numbers:
        return None, "not_a_number"
    day_digits, month_digits, year_digits = numbers
    if len(year_digits) != 4:
        return None, "year_not_four_digits"
    # Leading zeros are fine ("03"); more than two significant digits cannot be a day or month,
    # and stopping here keeps int() away from absurdly long input.
    day_digits, month_digits = day_digits.lstrip("0") or "0", month_digits.lstrip("0") or "0"
    if len(day_digits) > 2 or len(month_digits) > 2:
        return None, "not_real"
    found = _real_date(int(year_digits), int(month_digits), int(day_digits))
    return (found, None) if found else (None, "not_real")


def check_past(when: datetime.date, today: datetime.date) -> Literal["future"] | None:
    """Today counts as the past: a document issued today is fine."""
    return "future" if when > today else None


def age_on(birth_date: datetime.date, today: datetime.date) -> int:
    """Completed years. Someone born on 29 February gets a year older on 1 March in other years.
    Negative for a birth date after today, so call check_past first."""
    birthday_not_reached = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - birthday_not_reached


# --------------------------------------------------------------------------- names

NameProblemCode = Literal["empty", "too_long", "bad_characters"]

_LOWERCASE_NAME_LETTERS = (
    "abcdefghijklmnopqrstuvwxyz"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    "әғқңөұүһі"  # Kazakh Cyrillic
    "áǵńóúýışç"  # Kazakh Latin, 2018 alphabet
    "äğñöūü"  # Kazakh Latin, 2021 alphabet, which is also in use
)
# upper() maps both ı and i to I, so the dotted capital İ of the 2021 alphabet is added by hand.
_NAME_LETTERS = frozenset(_LOWERCASE_NAME_LETTERS + _LOWERCASE_NAME_LETTERS.upper() + "İ")
# Hyphen for double names, apostrophes in all three forms phones and keyboards produce,
# full stop for initials ("А. Б. Сейітова"), and the space between names.
_NAME_PUNCTUATION = frozenset("-'’ʼ. ")


def normalise_name(value: object) -> str:
    """Composed characters (NFC), any run of spaces (including non-breaking ones) becomes one space."""
    return " ".join(unicodedata.normalize("NFC", _text(value)).split())


def check_name(value: object, max_length: int = 100) -> NameProblemCode | None:
    name = normalise_name(value)
    if not name:
        return "empty"
    if len(name) > max_length:
        return "too_long"
    # A "name" of only dots and hyphens is a slip of the finger; the letters message fits it.
    if not set(name) <= _NAME_LETTERS | _NAME_PUNCTUATION or not set(name) & _NAME_LETTERS:
        return "bad_characters"
    return None


# --------------------------------------------------------------------------- phone numbers

PhoneProblemCode = Literal["empty", "too_short", "too_long", "not_kazakhstan", "bad_characters"]

_NATIONAL_LENGTH = 10


def _parse_phone(value: object) -> tuple[str | None, PhoneProblemCode | None]:
    """The 10-digit national number, or the problem that stops us finding it."""
    text = _without(_PHONE_SEPARATORS, value)
    if not text:
        return None, "empty"
    international = text.startswith("+")
    digits = _ascii_digits(text.removeprefix("+"))
    if digits is None:
        return None, "bad_characters"
    if digits.startswith("00"):  # "00 7 701 …" is the international prefix written out
        international, digits = True, digits[2:]
    if international:
        if digits and not digits.startswith("7"):
            return None, "not_kazakhstan"
        national = digits[1:]
    elif len(digits) > _NATIONAL_LENGTH and digits[0] in "78":
        national = digits[1:]  # country code 7, or the trunk prefix 8 used for calls inside the country
    else:
        national = digits
    if len(national) < _NATIONAL_LENGTH:
        return None, "too_short"
    if len(national) > _NATIONAL_LENGTH:
        return None, "too_long"
    # +7 is shared with Russia, whose numbers start 3, 4, 8 or 9. Kazakh mobiles (70x, 747, 77x)
    # and landlines (7172 Astana, 727 Almaty, 7212 Karaganda …) both start with 7, and either
    # is a fine contact number for an application, so every national number starting 7 is accepted.
    if not national.startswith("7"):
        return None, "not_kazakhstan"
    return national, None


def check_phone(value: object) -> PhoneProblemCode | None:
    return _parse_phone(value)[1]


def normalise_phone(value: object) -> str | None:
    """'8 (701) 123-45-67' -> '+77011234567'; None if it is not a Kazakhstan number."""
    national = _parse_phone(value)[0]
    return f"+7{national}" if national else None


def format_phone(normalised: object) -> str:
    """'+77011234567' -> '+7 701 123 45 67', the way numbers are read out. Unparseable text is returned as it was."""
    national = _parse_phone(normalised)[0]
    if national is None:
        return _text(normalised)
    return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"


# --------------------------------------------------------------------------- free text

# Bidirectional overrides and isolates can make printed text read differently from what was typed.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")


def _is_unwanted(char: str) -> bool:
    category = unicodedata.category(char)
    # Cc: control characters (NUL, escape …); Cs: lone surrogates, which cannot be stored as UTF-8.
    return (category == "Cc" and char not in "\n\t") or category == "Cs" or char in _BIDI_CONTROLS


def clean_free_text(value: object) -> str:
    """Text as it should be stored: LF line breaks, no control characters, composed (NFC), trimmed.
    HTML is left as text; the templates escape it."""
    text = _LINE_BREAKS.sub("\n", _text(value))
    text = "".join(char for char in text if not _is_unwanted(char))
    return unicodedata.normalize("NFC", text).strip()


def check_free_text(value: object, max_length: int) -> Literal["too_long"] | None:
    # Measured after cleaning, so a browser's CRLF line breaks count as one character, as people see them.
    return "too_long" if len(clean_free_text(value)) > max_length else None
