"""Tests for services/codes.py: generated codes, forgiving reading back, and keyed hashing."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from services.codes import (
    ALPHABET,
    codes_match,
    format_reference,
    hash_code,
    new_reference,
    new_return_code,
    new_secret_code,
    normalise_code,
    parse_reference,
    parse_return_code,
    parse_secret_code,
)

CHAR = f"[{ALPHABET}]"
GENERATORS = {
    "reference": (new_reference, re.compile(f"KMK-{CHAR}{{4}}-{CHAR}{{4}}"), parse_reference),
    "secret": (new_secret_code, re.compile(f"{CHAR}{{4}}-{CHAR}{{4}}"), parse_secret_code),
    "return": (new_return_code, re.compile(f"{CHAR}{{4}}-{CHAR}{{4}}-{CHAR}{{2}}"), parse_return_code),
}
SAMPLE = 10_000
KEY = b"test key that is long enough to be a real key"

# Every Cyrillic letter we read as Latin, lower and upper case.
CYRILLIC_TO_LATIN = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "Ү": "Y", "Қ": "K",
    "а": "A", "в": "B", "е": "E", "к": "K", "м": "M", "н": "H", "о": "O", "р": "P", "с": "C", "т": "T",
    "х": "X", "у": "Y", "ү": "Y", "қ": "K",
}


def test_alphabet_has_no_look_alikes():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set(ALPHABET) & set("0O1I")
    assert set(ALPHABET) == set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")


@pytest.mark.parametrize("kind", GENERATORS)
def test_generated_codes_have_the_printed_form(kind):
    generate, pattern, parse = GENERATORS[kind]
    codes = [generate() for _ in range(SAMPLE)]
    for code in codes:
        assert pattern.fullmatch(code), code
        assert parse(code) == code
    assert len(set(codes)) == SAMPLE
    body = "".join(code.removeprefix("KMK-") for code in codes)
    assert not set(body) & set("0O1I")
    # Every character of the alphabet turns up: no character is accidentally never chosen.
    assert set(body.replace("-", "")) == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "KMK-7Q4M-9XPD", "kmk-7q4m-9xpd", "kmk7q4m9xpd", "KMK 7Q4M 9XPD", "7Q4M 9XPD", "7q4m9xpd", "7Q4M-9XPD",
        "КМК-7Q4М-9ХРD", "кмк 7q4м 9хрd", " KMK-7Q4M-9XPD ", "KMK\u00a07Q4M\u00a09XPD", "KMK.7Q4M.9XPD",
        "K\u200bMK-7Q4M-9XPD\ufeff", "KMK–7Q4M—9XPD", "ＫＭＫ－７Ｑ４Ｍ－９ＸＰＤ", "Қмк-7Q4M-9XPD", "KMK - 7Q4M - 9XPD",
    ],
)
def test_parse_reference_forms(typed):
    assert parse_reference(typed) == "KMK-7Q4M-9XPD"


def test_reference_body_may_itself_start_with_kmk():
    assert parse_reference("KMK2ABCD") == "KMK-KMK2-ABCD"
    assert parse_reference("KMK-KMK2-ABCD") == "KMK-KMK2-ABCD"


@pytest.mark.parametrize(
    "typed",
    ["", "KMK", "KMK-7Q4M-9XP", "KMK-7Q4M-9XPDD", "7Q4M9XP", "7Q4M9XPDA", "KMK-7Q4M-9XP0", "KMK-7Q4M-9XPO",
     "KMK-7Q4M-9XP1", "KMK-7Q4M-9XPI", "KMK-7Q4M-9XP!", "XYZ-7Q4M-9XPD", "KMK-7Q4M-9XPÉ", "КМК-7Q4М-9ХРД"],
)
def test_parse_reference_rejects(typed):
    assert parse_reference(typed) is None


@pytest.mark.parametrize("value", [None, 12345678, 7.5, b"KMK7Q4M9XPD", ["KMK7Q4M9XPD"], object()])
def test_non_strings(value):
    assert normalise_code(value) == ""
    assert parse_reference(value) is None
    assert parse_secret_code(value) is None
    assert parse_return_code(value) is None


def test_format_reference():
    assert format_reference("7Q4M9XPD") == "KMK-7Q4M-9XPD"
    assert format_reference("KMK7Q4M9XPD") == "KMK-7Q4M-9XPD"
    assert format_reference("KMK2ABCD") == "KMK-KMK2-ABCD"


@pytest.mark.parametrize(
    "typed", ["R7TX-4KQ9", "r7tx4kq9", "R7TX 4KQ9", "R7ТХ-4КQ9", "r7тх 4кq9", " r7tx-4kq9\u00a0", "R7TX\u20114KQ9"]
)
def test_parse_secret_code(typed):
    assert parse_secret_code(typed) == "R7TX-4KQ9"


@pytest.mark.parametrize(
    "typed", ["7Q4M-9XPD-K2", "7q4m9xpdk2", "7Q4M 9XPD K2", "7Q4М-9ХРD-К2", "7q4m.9xpd.k2", "7Q4M9XPDҚ2"]
)
def test_parse_return_code(typed):
    assert parse_return_code(typed) == "7Q4M-9XPD-K2"


@pytest.mark.parametrize(
    "parse, typed",
    [
        (parse_secret_code, "R7TX-4KQ"), (parse_secret_code, "R7TX-4KQ99"), (parse_secret_code, "R7TX-4KQO"),
        (parse_secret_code, "KMK-R7TX-4KQ9"), (parse_secret_code, "7Q4M-9XPD-K2"),
        (parse_return_code, "7Q4M-9XPD-K"), (parse_return_code, "7Q4M-9XPD-K22"), (parse_return_code, "7Q4M-9XPD-K1"),
        (parse_return_code, "R7TX-4KQ9"), (parse_return_code, ""),
    ],
)
def test_wrong_codes_are_rejected(parse, typed):
    assert parse(typed) is None


@pytest.mark.parametrize("cyrillic, latin", CYRILLIC_TO_LATIN.items())
def test_every_cyrillic_look_alike(cyrillic, latin):
    assert normalise_code(cyrillic) == latin


def test_normalise_code():
    assert normalise_code(" km-k 7q.4m\u00a09xpd\u200b ") == "KMK7Q4M9XPD"
    assert normalise_code("٧Q٤M") == "7Q4M"  # Arabic-Indic digits
    # Characters outside the alphabet are kept, so the lookup fails rather than matching something else.
    assert normalise_code("0O1I") == "0O1I"
    assert normalise_code("Д!") == "Д!"


def test_hash_code_is_stable_keyed_and_ignores_grouping():
    code = new_secret_code()
    digest = hash_code(code, KEY)
    assert re.fullmatch("[0-9a-f]{64}", digest)
    assert hash_code(code, KEY) == digest
    assert hash_code(code.replace("-", "").lower(), KEY) == digest
    assert hash_code(code, KEY + b"!") != digest
    assert hash_code("R7TX-4KQ9", KEY) != hash_code("R7TX-4KQ8", KEY)


def test_hash_code_is_plain_hmac_sha256_of_the_characters():
    assert hash_code("R7TX-4KQ9", KEY) == hmac.new(KEY, b"R7TX4KQ9", hashlib.sha256).hexdigest()


def test_hash_code_refuses_an_empty_key():
    with pytest.raises(ValueError):
        hash_code("R7TX-4KQ9", b"")


def test_codes_match():
    digest = hash_code("R7TX-4KQ9", KEY)
    assert codes_match(digest, hash_code("r7tx 4kq9", KEY))
    assert not codes_match(digest, hash_code("R7TX-4KQ8", KEY))
    assert not codes_match(digest, "")
    assert not codes_match(digest, None)
    assert not codes_match(None, None)
    assert not codes_match(digest, "ключ")  # non-ASCII text must not raise
