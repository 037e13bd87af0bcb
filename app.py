"""The application factory: settings, extensions, languages, blueprints and error pages."""

import datetime
import logging
from urllib.parse import urlsplit

from flask import Flask, g, request
from flask_babel import Babel, format_date, format_decimal, get_locale
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import settings
from models import make_engine, make_session_factory
from services.content import load_content
from services.readability import ReadingSettings
from services.search import SearchIndex, documents_from_content
from journeys import APPLICATIONS
from journeys.base import for_other
from services.validation import format_phone
from views import apply, errors, guides, help, listen, pages, readability, root, staff, status, visit
from web import assets, limits, rendering, security
from web.i18n import BABEL_LOCALES, LANGUAGE_NAMES, babel_locale, current_language, same_page_in
from web.sessions import ServerSessionInterface

csrf = CSRFProtect()
babel = Babel()
compress = Compress()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(settings.from_environment())
    app.config.update(overrides or {})
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXIES"]:
        # gunicorn passes on the proxy's address; the client's is the last one each trusted proxy added.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["komek_db"] = make_session_factory(engine)
    app.session_interface = ServerSessionInterface(
        app.extensions["komek_db"], app.config["SESSION_IDLE_MINUTES"], app.config["LIBRARY_SESSION_IDLE_MINUTES"]
    )
    # Content is validated once at start-up: a guide with an unsourced fee stops the app here, not a reader.
    content = load_content(app.config["CONTENT_DIR"], datetime.date.today())
    app.extensions["komek_content"] = content
    for warning in content.warnings:
        app.logger.warning("Content: %s", warning)
    app.extensions["komek_search"] = SearchIndex(
        documents_from_content(content, app.config["CONTENT_DIR"] / "search_synonyms.yaml")
    )

    csrf.init_app(app)
    babel.init_app(app, locale_selector=babel_locale, default_translation_directories=str(settings.ROOT / "translations"))
    compress.init_app(app)
    assets.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    app.before_request(readability.load_reading_settings)
    app.before_request(visit.note_library_mode)
    app.after_request(rendering.push_url_of_full_pages)
    _add_template_helpers(app)
    _register_blueprints(app)
    # After the blueprints: the per-client limits wrap the views that check codes and passwords.
    limits.init_app(app)
    _register_commands(app)
    return app


def warm_up(app: Flask) -> None:
    """Load now what each request would otherwise load on first use: every template compiled, each language's
    catalogue and locale data, the database mappings. gunicorn calls this in the master before it forks the
    workers (gunicorn.conf.py), so they share it instead of each building its own copy."""
    from babel import Locale
    from flask_babel import get_translations
    from sqlalchemy.orm import configure_mappers

    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    for language, locale in BABEL_LOCALES.items():
        # The data the pages format with: dates, day and month names, numbers.
        Locale.parse(locale).date_formats
        with app.test_request_context(f"/{language}/"):
            get_translations()
    configure_mappers()


def _register_commands(app: Flask) -> None:
    @app.cli.command("purge")
    def purge_command():
        """Delete drafts, submissions, attempts and visits that are past their retention period."""
        from datetime import timedelta

        from services.retention import periods_from, purge
        from web.sessions import utcnow

        idle = timedelta(minutes=max(app.config["SESSION_IDLE_MINUTES"], app.config["LIBRARY_SESSION_IDLE_MINUTES"]))
        with app.extensions["komek_db"]() as db, db.begin():
            deleted = purge(db, utcnow(), periods_from(app.config), idle)
        print(", ".join(f"{count} {kind}" for kind, count in deleted.items()), "deleted")


def _register_blueprints(app: Flask) -> None:
    # `/` only chooses a language; every page lives under /kk, /ru or /en.
    app.register_blueprint(root.bp)
    # Home, accessibility statement and privacy notice: what Komek is and how it treats people.
    app.register_blueprint(pages.bp)
    # Text size, colours and spacing, for readers with low vision.
    app.register_blueprint(readability.bp)
    # Guides, life situations, search and checklists: journey 1, "find what to do".
    app.register_blueprint(guides.bp)
    # "Listen": each guide section read aloud, built by `python -m services.speech build`.
    app.register_blueprint(listen.bp)
    # Prepare an application, one question per page: journey 2.
    app.register_blueprint(apply.bp)
    # The organisation's help points, appointments and home visits: journey 3.
    app.register_blueprint(help.bp)
    # Status with a reference and a secret code, no account: journey 4.
    app.register_blueprint(status.bp)
    # The helpers' console, behind a sign-in.
    app.register_blueprint(staff.bp)
    # "Finish and clear" for shared computers.
    app.register_blueprint(visit.bp)


def _source_name(url: str) -> str:
    return urlsplit(url).netloc.removeprefix("www.") or url


# Kazakh style writes "2026 жылғы 5 наурыз"; Babel's long Kazakh form is "2026 ж. 5 наурыз".
_LONG_DATE_PATTERNS = {"kk": "y 'жылғы' d MMMM"}


def _long_date(value: datetime.date) -> str:
    return format_date(value, _LONG_DATE_PATTERNS.get(get_locale().language, "long"))


def _source_date(value: str):
    """A source's own date for display, or None when the source showed none."""
    try:
        return _long_date(datetime.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return None


def _autocomplete_for(question, answers) -> str:
    """WCAG 1.3.5: the browser may fill in a person's own details, never someone else's, and nothing at
    a shared library terminal."""
    if g.get("library_mode"):
        return "off"
    about_filler = question.name.startswith("helper_")
    if question.autocomplete and (about_filler or not for_other(answers)):
        return question.autocomplete
    return "off"


def _add_template_helpers(app: Flask) -> None:
    content = app.extensions["komek_content"]
    app.jinja_env.filters["source_name"] = _source_name
    app.jinja_env.filters["source_date"] = _source_date
    app.jinja_env.filters["long_date"] = _long_date
    app.jinja_env.filters["iso_date"] = datetime.date.fromisoformat
    app.jinja_env.filters["phone"] = format_phone
    # A fact past its review date is still shown, with a warning that it may have changed.
    app.jinja_env.tests["stale"] = lambda fact: fact.is_stale(datetime.date.today())
    app.jinja_env.filters["format_decimal"] = format_decimal
    app.jinja_env.globals.update(
        language_names=LANGUAGE_NAMES,
        same_page_in=same_page_in,
        fact=content.facts.__getitem__,
        site_content=lambda: content,
        application_for=APPLICATIONS.get,
        autocomplete_for=_autocomplete_for,
    )

    @app.context_processor
    def page_context():
        return {"lang": current_language(), "reading": g.get("reading") or ReadingSettings(),
                "current_path": lambda: request.full_path.rstrip("?"), "library_mode": g.get("library_mode", False),
                "idle_seconds": visit.idle_seconds}
