"""Hostile input: Hypothesis-made form data for every POST endpoint, in Kazakh, Russian and English.

Each endpoint (and each question of each application) is one case below. A case brings a fresh test client
to the state where its form can be sent (a draft, a booking found, a signed-in helper...), takes a real
CSRF token, then sends generated data: wrong types, repeated keys, missing and unknown fields, huge values,
control and direction characters, markup and script, SQL, mixed scripts and invalid UTF-8, as
urlencoded, raw or multipart bodies. Every example is sent in all three languages, and every answer must be:

- never a server error;
- a redirect to a path on this site, or an HTML page whose <html lang> is the URL's language;
- when it rejects the input: a message in the reader's language, and no change in the database;
- free of any markup from the input that a browser would run.

A POST endpoint with no case here fails `test_every_post_endpoint_has_a_fuzz_case`.
A wrong or missing CSRF token is tested on its own: always the 400 "this page has expired" page.

`make fuzz` runs this file with KOMEK_FUZZ_EXAMPLES=500; CI runs it with the default 25.
"""

import dataclasses
import functools
import hashlib
import itertools
import os
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from typing import Callable
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from journeys import APPLICATIONS
from services.cases import STATUSES
from services.readability import COLOUR_SCHEMES, SPACINGS, TEXT_SIZES
from settings import ROOT
from tests.journey_support import application_questions, example_answers, submit, walk
from tests.page_registry_help import LIBRARY, a_later_day, find_booking, book_somewhere
from tests.page_registry_staff import EXAMPLE_IDS, _signed_in, _with_a_notice
from tests.support import make_test_app

LANGUAGES = ("kk", "ru", "en")
EXAMPLES = int(os.environ.get("KOMEK_FUZZ_EXAMPLES", 25))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
# A wrong token always gets the same page: a fifth as many examples is plenty.
FUZZ_CSRF = settings(FUZZ, max_examples=max(3, EXAMPLES // 5))

FUZZ_USERNAME = "fuzz-helper"
FUZZ_PASSWORD = "a fuzz password, only for these tests"

# --------------------------------------------------------------------------- hostile values

MARK = "komekxss"
INJECTIONS = [
    f"<script>{MARK}(1)</script>",
    f'"><img src=x onerror={MARK}(2)>',
    f"'><svg onload={MARK}(3)>",
    f"</textarea><script>{MARK}(4)</script>",
    f'<a href="javascript:{MARK}(5)">x</a>',
    f"<ScRiPt >{MARK}(6)</sCrIpT>",
    f'" autofocus onfocus={MARK}(7) x="',
    f"javascript:{MARK}(8)",
    f"<iframe srcdoc='<script>{MARK}(9)</script>'>",
    f"</title><script>{MARK}(10)</script>",
    f"<scr\x00ipt>{MARK}(11)</scr\x00ipt>",
    f"<\u202escript>{MARK}(12)</script>",
    # Template injection: rendered as a template, it would show "komekssti1337".
    "komekssti{{ 7*191 }}",
    "komekssti${7*191}",
]
SQL = [
    "'; DROP TABLE drafts;--",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "1; DELETE FROM submissions",
    "admin'--",
    "%' UNION SELECT username, password_hash FROM staff_accounts --",
    "\\'; --",
    "KMK-7Q4M-9XPD' OR '1'='1",
]
WRONG_TYPES = ["", " ", "0", "-1", "1e309", "NaN", "Infinity", "null", "None", "true", "[]", "{}", "[1, 2]",
               '{"a": 1}', "0x1F", "9" * 40, "-0", "1.5", "²", "١٢٣", "𝟙𝟚", "٣١", "Ⅻ"]
CONTROL = [chr(c) for c in range(0x20)] + ["\x7f", "\x85"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
        "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
MIXED_LETTERS = list("AaZzЖжЁёӘәҒғҚқҢңӨөҰұҮүҺһІіمرحباשלום") + ["😀", "👍🏽", "🇰🇿", "👨‍👩‍👧", " ", "-", "'", "’", ".", "1"]
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xf0\x28\x8c\xbc", b"\xc0\xaf",
                b"\xed\xa0\x80", b"\x80", b"\xd0", "Айгүл".encode()[:3]]
HOSTILE_PATHS = ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/%09/evil.example",
                 "/\t/evil.example", "\x00/kk/", "/kk/\r\nSet-Cookie: x=1", "http:/kk", "/%2F%2Fevil.example",
                 "/kk/" + "a" * 3000, " /kk/", "\\\\evil.example"]
UNKNOWN_NAMES = ["id", "draft_id", "staff_id", "is_admin", "submission", "lang", "answers", "answers[applicant_name]",
                 "status", "__proto__", "csrf_token2", "next", "save", "reset", "", "x" * 300, "имя", "🙂", "a.b", "a[]"]

_seeds = st.sampled_from(["a", "д", "ә", "😀", "<b>", "'", "1", " ", "\u202e", "\x00", "Айгүл "])


def _huge():
    """Up to about 100 KB: a short piece repeated."""
    return st.builds(lambda seed, size: (seed * (size // len(seed) + 1))[:size], _seeds, st.integers(1_000, 100_000))


def _mixed(alphabet, max_size=30):
    return st.lists(st.sampled_from(alphabet), max_size=max_size).map("".join)


HOSTILE = st.one_of(
    st.sampled_from(WRONG_TYPES),
    _huge(),
    _mixed(CONTROL + BIDI + ZERO_WIDTH + list("Айгүл Nurlan 7")),
    st.sampled_from(INJECTIONS),
    st.sampled_from(SQL),
    _mixed(MIXED_LETTERS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(INVALID_UTF8),
    st.binary(max_size=16),
    st.sampled_from(HOSTILE_PATHS),
)


@dataclass(frozen=True)
class FieldSpec:
    valid: tuple = ()
    multi: bool = False  # a list of checkboxes: repeated keys are its normal form
    optional: bool = False


def _value(spec: FieldSpec):
    """One value for a field: valid, hostile, or a valid one with something hostile before or after it."""
    hostile = HOSTILE
    if not spec.valid:
        return hostile
    valid = st.sampled_from(spec.valid)
    glued = st.tuples(valid, st.one_of(_mixed(CONTROL + BIDI + ZERO_WIDTH, 4), st.sampled_from(INJECTIONS + SQL)),
                      st.booleans()).map(lambda t: t[1] + t[0] if t[2] else t[0] + t[1])
    return st.one_of(valid, hostile, glued)


@dataclass
class Payload:
    pairs: list  # [(name, str | bytes)]
    encoding: str
    headers: dict
    path_args: object = None


@st.composite
def payloads(draw, case):
    mode = draw(st.sampled_from(["hostile", "hostile", "one_bad", "valid"]))
    names = list(case.fields)
    bad = draw(st.sampled_from(names)) if names else None
    pairs = []
    for name, spec in case.fields.items():
        if mode == "valid" or (mode == "one_bad" and name != bad):
            if spec.optional and not draw(st.booleans()):
                continue
            if spec.multi:
                pairs += [(name, v) for v in draw(st.lists(st.sampled_from(spec.valid), max_size=3, unique=True))]
            else:
                pairs.append((name, draw(st.sampled_from(spec.valid))))
            continue
        shape = draw(st.sampled_from(["one", "one", "one", "missing", "repeated", "empty"]))
        if shape == "missing":
            continue
        if shape == "empty":
            pairs.append((name, ""))
        elif shape == "repeated":
            pairs += [(name, v) for v in draw(st.lists(_value(spec), min_size=2, max_size=4))]
        else:
            pairs.append((name, draw(_value(spec))))
    if mode != "valid" or draw(st.booleans()):
        extra_names = st.one_of(st.sampled_from(UNKNOWN_NAMES), st.text(max_size=12))
        pairs += draw(st.lists(st.tuples(extra_names, HOSTILE), max_size=3))
    if len(pairs) > 1 and draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    encoding = draw(st.sampled_from(["urlencoded"] * 6 + ["multipart"] * 3 + ["raw", "json", "text"]))
    headers = draw(case.headers) if case.headers is not None else {}
    path_args = draw(case.path_args) if case.path_args is not None else None
    return Payload(pairs, encoding, headers, path_args)


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def encode(pairs, encoding):
    """The request body and content type, written out by hand so raw bytes go through untouched."""
    if encoding == "urlencoded":
        body = "&".join(f"{quote_from_bytes(_bytes(k))}={quote_from_bytes(_bytes(v))}" for k, v in pairs)
        return body.encode("ascii"), "application/x-www-form-urlencoded"
    if encoding == "raw":
        # Invalid UTF-8 straight in the body, as no browser sends it.
        return b"&".join(_bytes(k) + b"=" + _bytes(v) for k, v in pairs), "application/x-www-form-urlencoded"
    if encoding == "multipart":
        boundary = b"komekfuzzboundary7MA4YWxkTrZu0gW"
        parts = []
        for k, v in pairs:
            name = _bytes(k).replace(b'"', b"%22").replace(b"\r", b"%0D").replace(b"\n", b"%0A")
            parts.append(b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n'
                         + _bytes(v).replace(boundary, b"") + b"\r\n")
        return b"".join(parts) + b"--" + boundary + b"--\r\n", f"multipart/form-data; boundary={boundary.decode()}"
    if encoding == "json":
        import json

        return json.dumps({str(k): (v.decode("latin-1") if isinstance(v, bytes) else v) for k, v in pairs}).encode(), \
            "application/json"
    return b"\n".join(_bytes(k) + b"=" + _bytes(v) for k, v in pairs), "text/plain"


# --------------------------------------------------------------------------- the cases: one per endpoint

@dataclass
class Case:
    name: str
    endpoint: str
    # The path to post to: from the language, what `prepare` returned, and the drawn path arguments.
    path: Callable
    fields: dict = field(default_factory=dict)
    # Brings a fresh client to the state where the form can be sent; may return a path (a question page).
    prepare: Callable | None = None
    # A GET page whose form carries the token, for endpoints that only answer POST.
    token_path: Callable | None = None
    # Accepted input that changes the visit (signs in or out, ends the visit): start a fresh client after it.
    reset_on_success: bool = False
    # A lookup (reference and code, sign-in): each miss is counted in these tables, by design.
    counted_in: frozenset = frozenset()
    # A 200 page without an error message that is a success (a pack made, "write down your code").
    quiet_ok: bool = False
    # 204 with no body is the answer (the timeout warning's Continue button, instant reading settings).
    no_content_ok: bool = False
    headers: object = None
    path_args: object = None


def _prepared_path(lang, prepared, args):
    return prepared


def _fixed(template):
    return lambda lang, prepared, args: template.format(lang=lang)


def _walked(slug, for_other=False, stop_before=None):
    return lambda client, lang: walk(client, slug, lang, for_other=for_other, stop_before=stop_before)


_people = itertools.count(1)
_LETTERS = "абвгдежзиклмнопрстуфхэюяәғқңөұүі"


def _new_person() -> dict:
    """A name and phone never used before. Not page_registry_help.random_person: Hypothesis seeds `random`
    the same way for every example, so that would give the same person, who may book only once."""
    number = next(_people)
    name = "".join(_LETTERS[int(digit)] for digit in f"{number:06d}")
    return {"name": f"{name.capitalize()} Фаззова", "phone": f"+7 705 {number:07d}", "phone_owner": "self"}


def _found(client, lang):
    find_booking(client, lang, *book_somewhere(client, lang, _new_person()))


def _with_receipt(client, lang):
    submit(client, "id-card", lang)


LOOKUP = frozenset({"attempts", "reference_locks"})
DATE_VALID = {"day": ("27", "1", "31", "5"), "month": ("3", "12", "5"), "year": ("1958", "2000", "2023")}
NAMES = ("Айгүл Серікқызы Нұрланова", "Иван Петров", "O’Neil-Smith Jane", "Әлия Ерланқызы")
PHONES = ("8 (701) 123-45-67", "+7 701 123 45 67", "87011234567")
REFERENCES = ("KMK-7Q4M-9XPD", "kmk 7q4m 9xpd", "7Q4M9XPD", "КМК-7Q4М-9ХРD")
SECRETS = ("R7TX-4KQ9", "r7tx4kq9")


def _date_fields(name, example=None):
    fields = {}
    for part in ("day", "month", "year"):
        valid = DATE_VALID[part] + ((example[f"{name}-{part}"],) if example else ())
        fields[f"{name}-{part}"] = FieldSpec(valid)
    return fields


def _question_cases():
    cases = []
    for slug, application in APPLICATIONS.items():
        names = set(application_questions(slug)) | set(application_questions(slug, for_other=True))
        for question in application.questions:
            if question.name not in names:
                continue
            for_other = question.name not in application_questions(slug)
            example = example_answers(slug, for_other).get(question.name, {})
            if question.kind == "choice":
                fields = {question.name: FieldSpec(tuple(value for value, _label in question.choices))}
            elif question.kind == "date":
                fields = _date_fields(question.name, example)
            else:
                valid = {"name": NAMES, "phone": PHONES, "iin": ("",), "text": ("Жоғалттым.", "Алматы, Абай даңғылы 1")}
                fields = {question.name: FieldSpec(tuple(dict.fromkeys((*example.values(), *valid[question.kind]))))}
            fields["save"] = FieldSpec(("",), optional=True)
            cases.append(Case(f"apply.question {slug} {question.name}", "apply.question", _prepared_path, fields,
                              prepare=_walked(slug, for_other=for_other, stop_before=question.name)))
    return cases


def _help_times():
    from services.help_points import load_help_points

    point = load_help_points(ROOT / "content" / "help_points.yaml").get(LIBRARY)
    return tuple(start.strftime("%H:%M") for start in point.slots(date.fromisoformat(HELP_DAY))) + ("7:00", "25:99")


HELP_DAY = a_later_day()
TIMES = _help_times()


def _staff_record_path(lang, prepared, args):
    kind = args or "home_visit"
    return f"/{lang}/staff/records/{kind}/{EXAMPLE_IDS[kind]}"


def _staff_unlock_record_path(lang, prepared, args):
    kind, case_id = args or ("home_visit", EXAMPLE_IDS["home_visit"])
    return f"/{lang}/staff/records/{quote_from_bytes(kind.encode())}/{case_id}/unlock"


def build_cases() -> list[Case]:
    signed_in = _signed_in()
    staff_kinds = st.sampled_from(list(EXAMPLE_IDS))
    return [
        *_question_cases(),
        Case("apply.begin", "apply.begin", _fixed("/{lang}/apply/id-card")),
        Case("apply.confirm", "apply.confirm", _prepared_path, prepare=_walked("id-card")),
        Case("apply.save", "apply.save", _fixed("/{lang}/apply/id-card/save"),
             _date_fields("birth_date"), prepare=_walked("id-card", stop_before="applicant_name"),
             reset_on_success=True, quiet_ok=True),
        Case("apply.resume", "apply.resume", _fixed("/{lang}/apply/resume"),
             {"code": FieldSpec(("AAAA-BBBB-CC", "aaaabbbbcc", "2345-6789-AB")), **_date_fields("birth_date")},
             counted_in=LOOKUP),
        Case("readability.settings", "readability.settings", _fixed("/{lang}/settings"),
             {"size": FieldSpec(TEXT_SIZES), "scheme": FieldSpec(COLOUR_SCHEMES), "line": FieldSpec(SPACINGS),
              "letter": FieldSpec(SPACINGS), "next": FieldSpec(("/kk/", "/en/guides", "/ru/help?x=1", *HOSTILE_PATHS)),
              "reset": FieldSpec(("", "y"), optional=True)},
             headers=st.sampled_from([{}, {}, {"X-Komek-Instant": "1"}]), no_content_ok=True),
        Case("guides.pack", "guides.pack", _fixed("/{lang}/guides/id-card/pack"),
             {"language": FieldSpec(LANGUAGES), "helper_phone": FieldSpec(("", *PHONES)),
              "include_reference": FieldSpec(("y",), optional=True)},
             prepare=_with_receipt, quiet_ok=True),
        Case("help.book", "help.book", _fixed(f"/{{lang}}/help/book/{LIBRARY}/{HELP_DAY}"),
             {"time": FieldSpec(TIMES), "name": FieldSpec(NAMES), "phone": FieldSpec(PHONES),
              "phone_owner": FieldSpec(("self", "relative", "helper"))}),
        Case("help.find_booking", "help.find_booking", _fixed("/{lang}/help/find"),
             {"reference": FieldSpec(REFERENCES), "secret_code": FieldSpec(SECRETS)}, counted_in=LOOKUP),
        Case("help.cancel_booking", "help.cancel_booking", _fixed("/{lang}/help/booking/cancel"), prepare=_found,
             reset_on_success=True),
        Case("help.change_time", "help.change_time", _fixed(f"/{{lang}}/help/booking/change/{HELP_DAY}"),
             {"time": FieldSpec(TIMES)}, prepare=_found),
        Case("help.home_visit", "help.home_visit", _fixed("/{lang}/help/home-visit"),
             {"for_whom": FieldSpec(("self", "other")), "reason": FieldSpec(("age", "illness", "disability", "other")),
              "name": FieldSpec(NAMES), "address": FieldSpec(("Мысал ауылы, Бірінші көше, 5", "д" * 300)),
              "about": FieldSpec(("id-card", "other")),
              "days": FieldSpec(("mon", "tue", "wed", "thu", "fri", "sat"), multi=True),
              "times": FieldSpec(("morning", "afternoon"), multi=True), "phone": FieldSpec(PHONES),
              "consent": FieldSpec(("y",))}),
        Case("status.check_status", "status.check_status", _fixed("/{lang}/status/"),
             {"reference": FieldSpec(REFERENCES), "secret_code": FieldSpec(SECRETS)}, counted_in=LOOKUP),
        Case("staff.sign_in", "staff.sign_in", _fixed("/{lang}/staff/sign-in"),
             {"username": FieldSpec((FUZZ_USERNAME, "nobody")), "password": FieldSpec((FUZZ_PASSWORD, "wrong"))},
             counted_in=LOOKUP, reset_on_success=True),
        Case("staff.sign_out", "staff.sign_out", _fixed("/{lang}/staff/sign-out"), prepare=signed_in,
             token_path=lambda lang: f"/{lang}/staff/", reset_on_success=True),
        Case("staff.record", "staff.record", _staff_record_path,
             {"status": FieldSpec(STATUSES), "note": FieldSpec(("", "Called, confirmed.", "x" * 500))},
             prepare=signed_in, path_args=staff_kinds),
        Case("staff.unlock_record", "staff.unlock_record", _staff_unlock_record_path, prepare=signed_in,
             token_path=lambda lang: f"/{lang}/staff/unlock",
             path_args=st.tuples(st.one_of(staff_kinds, st.sampled_from(["", "drafts", "..", "<script>", "Апп"])),
                                 st.one_of(st.sampled_from(list(EXAMPLE_IDS.values())), st.integers(0, 2**70)))),
        Case("staff.unlock", "staff.unlock", _fixed("/{lang}/staff/unlock"), {"reference": FieldSpec(REFERENCES)},
             prepare=signed_in),
        Case("staff.mark_sent", "staff.mark_sent", lambda lang, prepared, notice: f"/{lang}/staff/outbox/{notice or 1}/sent",
             prepare=_signed_in(_with_a_notice), token_path=lambda lang: f"/{lang}/staff/outbox",
             path_args=st.one_of(st.integers(1, 30), st.integers(0, 2**70))),
        Case("visit.finish", "visit.finish", _fixed("/{lang}/finish"),
             {"forget_settings": FieldSpec(("y",), optional=True), "codes_seen": FieldSpec(("y",), optional=True)},
             prepare=_walked("id-card", stop_before="applicant_name"), token_path=lambda lang: f"/{lang}/",
             reset_on_success=True, quiet_ok=True),
        Case("visit.keep_alive", "visit.keep_alive", _fixed("/{lang}/keep-alive"), token_path=lambda lang: f"/{lang}/",
             no_content_ok=True),
    ]


CASES = build_cases()

# --------------------------------------------------------------------------- the app, clients and the database


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from services import staff
    from web.sessions import utcnow

    # Cheap Argon2 for the helper accounts; no per-client rate limit (web/limits.py, tested on its own):
    # hundreds of examples from one visit would otherwise fuzz its 429 page instead of the forms.
    app = make_test_app(tmp_path_factory.mktemp("fuzz") / "komek.sqlite3", ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=8,
                        ARGON2_PARALLELISM=1, LOG_LEVEL="WARNING", RATELIMIT_ENABLED=False)
    with app.extensions["komek_db"]() as db, db.begin():
        staff.create_account(db, staff.password_hasher(app.config), FUZZ_USERNAME, FUZZ_PASSWORD, utcnow(), is_admin=True)
    return app


_addresses = itertools.count(1)


@dataclass
class Prepared:
    client: object
    path: str | None
    token: str


class ClientPool:
    """One prepared client per case and language, made again only when accepted input changed its visit."""

    def __init__(self, app):
        self.app = app
        self.clients = {}

    def get(self, case: Case, lang: str) -> Prepared:
        key = (case.name, lang)
        if key not in self.clients:
            client = self.app.test_client()
            number = next(_addresses)
            # Each visit its own address: counted failures (sign-in, lookups) never reach another case.
            client.environ_base["REMOTE_ADDR"] = f"10.{200 + number // 65025 % 50}.{number // 255 % 255}.{number % 255 + 1}"
            prepared = case.prepare(client, lang) if case.prepare else None
            token_page = case.token_path(lang) if case.token_path else (prepared or case.path(lang, None, None))
            response = client.get(token_page)
            match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
            assert match, f"{case.name}: no form token on {token_page} ({response.status_code})"
            self.clients[key] = Prepared(client, prepared if isinstance(prepared, str) else None, match.group(1))
        return self.clients[key]

    def drop(self, case: Case, lang: str) -> None:
        self.clients.pop((case.name, lang), None)


@pytest.fixture(scope="module")
def pool(app):
    return ClientPool(app)


def snapshot(app, skip: frozenset = frozenset()) -> dict:
    """Each table's row count, and a digest of its rows (visit sessions: the count only, their data moves)."""
    found = {}
    with app.extensions["komek_db"]() as db:
        for table in _tables(app):
            if table in skip:
                continue
            rows = db.execute(text(f'SELECT * FROM "{table}"')).all()
            digest = None if table == "visit_sessions" else hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


@functools.cache
def _table_names(database_url: str) -> tuple:
    from sqlalchemy import create_engine

    engine = create_engine(database_url)
    try:
        return tuple(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _tables(app):
    return _table_names(app.config["DATABASE_URL"])


# --------------------------------------------------------------------------- what every answer must be

@dataclass
class Answer:
    status: int
    accepted: bool
    messages: list
    page: str = ""


_SUMMARY = re.compile(r'<div class="error-summary"[^>]*>(.*?)</div>\s*</div>', re.S)
# An alert that is shown (not the layout's hidden "connection lost" one, which only JavaScript reveals).
_ALERT = re.compile(r'<(p|div)(?![^>]*\shidden)[^>]*role="alert"(?![^>]*\shidden)[^>]*>(.*?)</\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", fragment)).split())


def error_messages(html: str) -> list[str]:
    """The messages a reader is shown for rejected input: the error summary's items, or an alert."""
    messages = []
    for summary in _SUMMARY.findall(html):
        body = re.sub(r"<h2>.*?</h2>", "", summary, flags=re.S)
        items = re.findall(r"<(li|p)[^>]*>(.*?)</\1>", body, re.S)
        messages += [_text(item) for _tag, item in items]
    if not messages:
        messages = [_text(body) for _tag, body in _ALERT.findall(html)]
    return [message for message in messages if message]


def is_local_path(location: str) -> bool:
    """A path on this site. Werkzeug's own slash-merging redirect is absolute, to the test client's host."""
    location = location.removeprefix("http://localhost")
    return (location.startswith("/") and not location.startswith(("//", "/\\"))
            and not re.search(r"[\x00-\x20\x7f]", location))


def assert_no_injection(html: str, where: str) -> None:
    assert "komekssti1337" not in html, f"{where}: input was rendered as a template"
    for injection in INJECTIONS:
        if "<" in injection:
            assert injection not in html, f"{where}: markup from the input is in the page unescaped: {injection!r}"
    if MARK not in html:
        return
    from bs4 import BeautifulSoup

    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name in ("script", "style", "iframe", "img", "svg", "object", "embed") and MARK in str(tag):
            pytest.fail(f"{where}: an injected <{tag.name}> element: {str(tag)[:200]!r}")
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if MARK not in value:
                continue
            squashed = re.sub(r"[\x00-\x20]", "", value).lower()
            if attribute.lower().startswith("on") or attribute.lower() == "srcdoc" or (
                    attribute.lower() in ("href", "src", "action", "formaction") and squashed.startswith("javascript:")):
                pytest.fail(f"{where}: input became an active attribute {attribute}={value[:200]!r}")


def check_answer(case: Case, lang: str, path: str, response) -> Answer:
    where = f"{case.name} [{lang}] POST {path}"
    status = response.status_code
    assert status < 500, f"{where}: {status}"
    if 300 <= status < 400:
        location = response.headers.get("Location", "")
        assert is_local_path(location), f"{where}: redirect off the site: {location!r}"
        return Answer(status, True, [])
    body = response.get_data()
    if status == 204:
        assert case.no_content_ok, f"{where}: 204 where a page was expected"
        assert not body, f"{where}: 204 with a body"
        return Answer(status, True, [])
    assert response.mimetype == "text/html", f"{where}: {status} {response.mimetype}"
    html = body.decode("utf-8")
    found = re.search(r'<html[^>]*\slang="([^"]*)"', html)
    assert found and found.group(1) == lang, f"{where}: <html lang={found and found.group(1)!r}>, not {lang!r}"
    assert_no_injection(html, where)
    messages = error_messages(html)
    if status == 200 and not messages:
        assert case.quiet_ok, f"{where}: 200 with no error message and no redirect: input silently dropped?"
        return Answer(status, True, [], html)
    if status == 200:
        return Answer(status, False, messages, html)
    # 4xx: the error page (expired form, not found, too large) says what happened in its <h1>.
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert heading and _text(heading.group(1)), f"{where}: {status} page without a heading"
    return Answer(status, False, messages or [_text(heading.group(1))], html)


# --------------------------------------------------------------------------- messages in the reader's language

UNTRANSLATED: dict = {}


@functools.cache
def catalogues():
    """English renderings of every msgid (as patterns), and what each language's catalogue holds."""
    from babel.messages.pofile import read_po
    from babel.support import Translations

    def po(lang):
        with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as file:
            return read_po(file, locale=lang)

    english = Translations.load(str(ROOT / "translations"), ["en_GB", "en"])
    patterns = []
    with open(ROOT / "translations" / "messages.pot", "rb") as file:
        for message in read_po(file):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            rendered = {english.ngettext(ids[0], ids[1], n) for n in (1, 5)} if len(ids) > 1 else {english.gettext(ids[0])}
            for text_ in rendered | set(ids):
                pieces = re.split(r"%\(\w+\)[sd]|%[sd]", " ".join(text_.replace("%%", "%").split()))
                literal = "".join(pieces)
                # "%(kind)s %(reference)s" would match any two words: only texts with words of their own count.
                if len(re.findall(r"[A-Za-z]", literal)) >= 4:
                    patterns.append((len(literal), re.compile(".+?".join(map(re.escape, pieces)) + r"\Z", re.S), ids))
    # The most specific first: "Enter the date of birth of the person who applies" before "Enter the %(what)s".
    patterns = [(pattern, ids) for _length, pattern, ids in sorted(patterns, key=lambda item: -item[0])]
    sources = {lang: po(lang) for lang in ("kk", "ru")}
    compiled = {lang: Translations.load(str(ROOT / "translations"), [lang]) for lang in ("kk", "ru")}
    return patterns, sources, compiled


def _po_translated(catalogue, ids) -> bool:
    message = catalogue.get(ids[0])
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return all(strings)


def _served_translated(translations, ids) -> bool:
    if len(ids) > 1:
        return translations.ngettext(ids[0], ids[1], 1) != ids[0]
    return translations.gettext(ids[0]) != ids[0]


def check_languages(case: Case, answers: dict) -> None:
    """On kk and ru pages an error message must not be the English one. Still English only because the
    translator has not got to it (or the .mo is not compiled yet) is recorded, not failed."""
    english = set(answers["en"].messages)
    for lang in ("kk", "ru"):
        for message in answers[lang].messages:
            cyrillic = re.search(r"[\u0400-\u04ff]", message)
            latin = re.search(r"[A-Za-z]{3,}", message)
            if message not in english and (cyrillic or not latin):
                continue
            patterns, sources, compiled = catalogues()
            ids = next((ids for pattern, ids in patterns if pattern.match(message)), None)
            assert ids is not None, f"{case.name} [{lang}]: English text not from the catalogue: {message!r}"
            if _served_translated(compiled[lang], ids):
                pytest.fail(f"{case.name} [{lang}]: the catalogue translates {ids[0]!r}, yet the page shows English "
                            f"{message!r} (translated outside the request's language?)")
            state = "in the .po, .mo not compiled" if _po_translated(sources[lang], ids) else "no translation yet"
            if (lang, ids[0]) not in UNTRANSLATED:
                UNTRANSLATED[(lang, ids[0])] = state
                warnings.warn(f"untranslated error message [{lang}] ({state}): {ids[0]!r}", stacklevel=1)


# --------------------------------------------------------------------------- the tests

VALID = object()


def _post(pool, app, case, lang, payload, token=VALID):
    """Send one example (with the visit's own token, or `token`; None sends none) and check the answer."""
    prepared = pool.get(case, lang)
    path = case.path(lang, prepared.path, payload.path_args)
    token = prepared.token if token is VALID else token
    pairs = ([("csrf_token", token)] if token is not None else []) + payload.pairs
    body, content_type = encode(pairs, payload.encoding)
    skip = case.counted_in
    before = snapshot(app, skip)
    response = prepared.client.post(path, data=body, content_type=content_type, headers=payload.headers)
    answer = check_answer(case, lang, path, response)
    if not answer.accepted:
        assert snapshot(app, skip) == before, f"{case.name} [{lang}] POST {path}: rejected input changed the database"
    elif case.reset_on_success:
        pool.drop(case, lang)
    return answer


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_politely(app, pool, case):
    @FUZZ
    @given(payload=payloads(case))
    def run(payload):
        answers = {lang: _post(pool, app, case, lang, payload) for lang in LANGUAGES}
        if payload.encoding in ("urlencoded", "multipart"):
            # A body we cannot read is refused before any form is looked at (page expired): nothing to compare.
            check_languages(case, answers)

    run()


@functools.cache
def expired_text(app, lang: str, question_page: bool) -> str:
    """What the expired page says in `lang`: a question page comes back with what was typed, and says why."""
    from flask_babel import gettext

    with app.test_request_context(f"/{lang}/"):
        return _text(gettext("For your safety, your visit ended while this page was open." if question_page
                             else "This page has expired"))


TOKENS = st.one_of(st.sampled_from([None, "", "other-visit", "flipped"]),
                   st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200), st.sampled_from(INJECTIONS))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_wrong_or_missing_form_token_gets_the_expired_page(app, pool, case):
    @FUZZ_CSRF
    @given(payload=payloads(case), token=TOKENS)
    def run(payload, token):
        # An address that matches no route is "not found" before any token is looked at; a body that
        # cannot be read has no token at all, which the main test already covers.
        encoding = payload.encoding if payload.encoding in ("urlencoded", "multipart") else "urlencoded"
        payload = dataclasses.replace(payload, encoding=encoding, path_args=None)
        for lang in LANGUAGES:
            wrong = token
            if token == "other-visit":
                other = app.test_client()
                wrong = re.search(r'name="csrf_token" value="([^"]+)"', other.get(f"/{lang}/").get_data(as_text=True)).group(1)
            elif token == "flipped":
                good = pool.get(case, lang).token
                wrong = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
            answer = _post(pool, app, case, lang, payload, token=wrong)
            assert answer.status == 400, f"{case.name} [{lang}]: token {wrong!r} gave {answer.status}, not the expired page"
            expected = expired_text(app, lang, case.endpoint == "apply.question")
            assert expected in _text(answer.page), f"{case.name} [{lang}]: the 400 page does not say {expected!r}"

    run()


def test_every_post_endpoint_has_a_fuzz_case(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    missing = posts - {case.endpoint for case in CASES}
    assert not missing, f"POST endpoints with no hostile-input case in tests/fuzz/test_hostile_input.py: {sorted(missing)}"


def test_every_question_of_every_application_has_a_case():
    asked = {(slug, name) for slug in APPLICATIONS
             for name in {*application_questions(slug), *application_questions(slug, for_other=True)}}
    covered = {tuple(case.name.split(" ")[1:]) for case in CASES if case.endpoint == "apply.question"}
    assert asked == covered
