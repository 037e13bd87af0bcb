"""Languages: every page URL starts with /kk, /ru or /en; that prefix alone decides the language."""

from flask import Blueprint, abort, g, request, url_for
from werkzeug.routing import BuildError

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "kk"
# Each language named in itself, as the switcher shows it.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


# Babel locales for formatting: British English writes dates as "5 March 2026", as our style guide asks.
BABEL_LOCALES = {"kk": "kk", "ru": "ru", "en": "en_GB"}


def babel_locale() -> str:
    return BABEL_LOCALES[current_language()]


def negotiated_language() -> str:
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """The URL's language; for an error raised before routing, its prefix if valid, else the browser's."""
    if g.get("lang"):
        return g.lang
    prefix = request.path.split("/", 2)[1]
    return prefix if prefix in LANGUAGES else negotiated_language()


def language_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose routes all live under /<lang>; the prefix is checked and put on `g.lang`."""
    blueprint = Blueprint(name, import_name, url_prefix=f"/<lang>{url_prefix}")

    @blueprint.url_defaults
    def _add_language(endpoint, values):
        values.setdefault("lang", current_language())

    @blueprint.url_value_preprocessor
    def _take_language(endpoint, values):
        lang = values.pop("lang")
        if lang not in LANGUAGES:
            # The 404 page then speaks the browser's language, not the unknown prefix.
            abort(404)
        g.lang = lang

    return blueprint


def same_page_in(lang: str) -> str:
    """This page in another language, keeping its query; pages that only answer POST lead home."""
    endpoint = request.endpoint
    if endpoint and request.url_rule and "GET" in request.url_rule.methods and "lang" in request.url_rule.arguments:
        try:
            url = url_for(endpoint, **{**(request.view_args or {}), "lang": lang})
        except BuildError:
            url = None
        if url:
            query = request.query_string.decode("utf-8", "replace")
            return f"{url}?{query}" if query else url
    return url_for("pages.home", lang=lang)
