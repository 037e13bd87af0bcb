"""References and codes that people read aloud, type back in, write down and print.

The alphabet leaves out characters that are easily confused (0 and O, 1 and I), so every
character can be read out and copied unambiguously. Reading back is forgiving: case, spaces,
dashes and Cyrillic letters that look like Latin ones (a Kazakh or Russian keyboard) are all fine.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

# 8 digits + 24 letters = 32 characters, so each character carries exactly 5 random bits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

REFERENCE_PREFIX = "KMK"
# Group sizes, as the code is printed and read aloud.
REFERENCE_GROUPS = (4, 4)  # 8 characters, 40 bits: "KMK-7Q4M-9XPD"
SECRET_CODE_GROUPS = (4, 4)  # 8 characters, 40 bits: "R7TX-4KQ9"
RETURN_CODE_GROUPS = (4, 4, 2)  # 10 characters, 50 bits: "7Q4M-9XPD-K2"

# Cyrillic capitals that look like Latin ones. Lowercase needs no entries: text is uppercased first.
_CYRILLIC_LOOKALIKES = str.maketrans(
    {
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
        "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
        # У is a Y to most eyes, and the Kazakh Ү is one outright.
        "У": "Y", "Ү": "Y",
        # People using a Kazakh keyboard layout may type Қ for K.
        "Қ": "K",
    }
)
# Spaces, dashes and dots people add when reading a code out or copying it down.
_READING_AIDS = re.compile(r"[\s\-\u2010-\u2015\u2212.·]")


def _random_characters(count: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def _grouped(characters: str, groups: tuple[int, ...]) -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(characters[start : start + size])
        start += size
    return "-".join(parts)


def normalise_code(text: object) -> str:
    """What someone typed -> canonical characters: uppercase, no separators, Latin look-alikes.

    0, O, 1 and I are left as they are: they never occur in our codes, so a lookup simply fails.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text).upper().translate(_CYRILLIC_LOOKALIKES)
    # Invisible characters (zero-width space, joiners, BOM) come along when a code is pasted.
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    # Digits from other scripts (e.g. Arabic-Indic) become ASCII.
    text = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
    return _READING_AIDS.sub("", text)


def _parse(text: object, groups: tuple[int, ...], prefix: str = "") -> str | None:
    characters = normalise_code(text)
    if prefix and len(characters) == len(prefix) + sum(groups):
        characters = characters.removeprefix(prefix)
    if len(characters) != sum(groups) or not set(characters) <= set(ALPHABET):
        return None
    return _grouped(characters, groups)


def new_reference() -> str:
    return format_reference(_random_characters(sum(REFERENCE_GROUPS)))


def format_reference(canonical: str) -> str:
    """'7Q4M9XPD' (with or without the KMK prefix) -> 'KMK-7Q4M-9XPD'."""
    body = canonical.removeprefix(REFERENCE_PREFIX) if len(canonical) > sum(REFERENCE_GROUPS) else canonical
    return f"{REFERENCE_PREFIX}-{_grouped(body, REFERENCE_GROUPS)}"


def parse_reference(text: object) -> str | None:
    """'kmk 7q4m 9xpd', '7Q4M9XPD' or 'КМК-7Q4М-9ХРD' -> 'KMK-7Q4M-9XPD'; None if it cannot be one."""
    body = _parse(text, REFERENCE_GROUPS, REFERENCE_PREFIX)
    return f"{REFERENCE_PREFIX}-{body}" if body else None


def new_secret_code() -> str:
    return _grouped(_random_characters(sum(SECRET_CODE_GROUPS)), SECRET_CODE_GROUPS)


def parse_secret_code(text: object) -> str | None:
    return _parse(text, SECRET_CODE_GROUPS)


def new_return_code() -> str:
    return _grouped(_random_characters(sum(RETURN_CODE_GROUPS)), RETURN_CODE_GROUPS)


def parse_return_code(text: object) -> str | None:
    return _parse(text, RETURN_CODE_GROUPS)


def hash_code(canonical: str, key: bytes) -> str:
    """HMAC-SHA256 of the code's characters, as hex.

    Deterministic, so a draft can be found by its code; keyed, so someone holding a copy of the
    database but not the key cannot try all 2^40 codes offline. Grouping does not matter:
    'R7TX-4KQ9' and 'r7tx4kq9' hash alike.
    """
    if not key:
        raise ValueError("hash_code needs a secret key; an empty key would make stored codes guessable")
    return hmac.new(key, normalise_code(canonical).encode(), hashlib.sha256).hexdigest()


def codes_match(a_hash: object, b_hash: object) -> bool:
    """Constant-time comparison of two hashes, so timing does not reveal how much of a guess was right."""
    if not isinstance(a_hash, str) or not isinstance(b_hash, str):
        return False
    return hmac.compare_digest(a_hash.encode(), b_hash.encode())
