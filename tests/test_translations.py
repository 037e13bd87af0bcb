"""Three languages at parity: no missing or fuzzy message, and no user-facing text left unmarked."""

import html.parser
import pathlib
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parent.parent
LANGUAGES = ("kk", "ru", "en")
PLURAL_FORMS = {"kk": 2, "ru": 3, "en": 2}


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=lang)


def _source_msgids():
    method_map = [("**/.venv/**", "ignore"), ("**/node_modules/**", "ignore"), ("**/tests/**", "ignore"),
                  ("**/accessibility_tests/**", "ignore"), ("**/benchmarks/**", "ignore"),
                  ("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=keywords):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, filename)
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_nothing_is_fuzzy(lang):
    catalog = _catalog(lang)
    assert catalog.num_plurals == PLURAL_FORMS[lang]
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != (PLURAL_FORMS[lang] if message.pluralizable else 1) or not all(strings):
            problems.append(f"missing: {message.id!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(lang):
    ids = {message.id[0] if isinstance(message.id, tuple) else message.id for message in _catalog(lang)}
    missing = {msgid: filename for msgid, filename in _source_msgids().items() if msgid not in ids}
    assert not missing, f"run `make translations-update` and translate: {missing}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_placeholders_survive_translation(lang):
    for message in _catalog(lang):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\(\w+\)[sd]", source[0]))
        for string in (message.string if isinstance(message.string, tuple) else (message.string,)):
            assert set(re.findall(r"%\(\w+\)[sd]", string)) - {"%(num)d"} <= wanted | {"%(num)d"}
            assert wanted - {"%(num)d"} <= set(re.findall(r"%\(\w+\)[sd]", string)), (lang, message.id)


class _TextCollector(html.parser.HTMLParser):
    USER_FACING_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.texts = []

    def handle_data(self, data):
        self.texts.append(data)

    def handle_starttag(self, tag, attrs):
        self.texts.extend(value or "" for name, value in attrs if name in self.USER_FACING_ATTRIBUTES)


JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)


@pytest.mark.parametrize("template", sorted((ROOT / "templates").rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_untranslated_text(template):
    collector = _TextCollector()
    collector.feed(JINJA.sub(" ", template.read_text()))
    leftovers = [text.strip() for text in collector.texts if re.search(r"[^\W\d_]", text)]
    assert not leftovers, f"{template.name}: wrap in _(): {leftovers}"


def test_views_flash_only_translated_text():
    for source in (ROOT / "views").glob("*.py"):
        assert not re.search(r"flash\(\s*[\"']", source.read_text()), source.name
