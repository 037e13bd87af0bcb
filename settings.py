"""All configuration, read once from environment variables, with safe defaults for development."""

import os
import pathlib
import secrets

ROOT = pathlib.Path(__file__).resolve().parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _minutes(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class ConfigurationError(RuntimeError):
    """The app refuses to start rather than run insecurely in production."""


def from_environment() -> dict:
    environment = os.environ.get("KOMEK_ENV", "development")
    production = environment == "production"
    secret_key = os.environ.get("SECRET_KEY")
    if production and not secret_key:
        raise ConfigurationError("SECRET_KEY must be set when KOMEK_ENV=production.")
    if production and not os.environ.get("DATABASE_URL"):
        raise ConfigurationError("DATABASE_URL must be set when KOMEK_ENV=production.")
    return {
        "KOMEK_ENV": environment,
        # A random key in development means sessions end on restart; production must set its own.
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'komek.sqlite3'}"),
        "SESSION_IDLE_MINUTES": _minutes("KOMEK_SESSION_IDLE_MINUTES", 30),
        # How long an unfinished application is kept for its return code.
        "DRAFT_DAYS": int(os.environ.get("KOMEK_DRAFT_DAYS", 30)),
        # How long confirmed answers are kept for the organisation's helpers; `flask purge` deletes older ones.
        "SUBMISSION_DAYS": int(os.environ.get("KOMEK_SUBMISSION_DAYS", 180)),
        # Retention of the other records; `flask purge` deletes what is older, and the privacy notice says so.
        "APPOINTMENT_DAYS": int(os.environ.get("KOMEK_APPOINTMENT_DAYS", 90)),
        "HOME_VISIT_DAYS": int(os.environ.get("KOMEK_HOME_VISIT_DAYS", 180)),
        "NOTICE_DAYS": int(os.environ.get("KOMEK_NOTICE_DAYS", 90)),
        "AUDIT_LOG_DAYS": int(os.environ.get("KOMEK_AUDIT_LOG_DAYS", 365)),
        # The organisation's help points; the shipped file is example data and says so on every page.
        "HELP_POINTS_FILE": pathlib.Path(os.environ.get("KOMEK_HELP_POINTS_FILE", ROOT / "content" / "help_points.yaml")),
        # A helper's console session ends sooner than a citizen's visit.
        "STAFF_IDLE_MINUTES": _minutes("KOMEK_STAFF_IDLE_MINUTES", 15),
        "LIBRARY_SESSION_IDLE_MINUTES": _minutes("KOMEK_LIBRARY_SESSION_IDLE_MINUTES", 10),
        "TERMINAL_MODE": _flag("KOMEK_TERMINAL_MODE"),
        "SESSION_COOKIE_SECURE": production,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # A slow reader must never lose a form to an expired token; the session's idle limit is the bound.
        "WTF_CSRF_TIME_LIMIT": None,
        "CONTENT_DIR": ROOT / "content",
        # Per-client limits on the forms that check a code (web/limits.py), shared by every app server
        # through Redis; without REDIS_URL each process counts on its own, as `make run` does.
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "CODE_CHECK_RATE_LIMIT": os.environ.get("KOMEK_CODE_CHECK_RATE_LIMIT", "30 per minute"),
        # How many reverse proxies (nginx) stand in front and add X-Forwarded-For: the limits and lockouts
        # count the client's address only through them. 0 (no proxy) ignores the header, so nobody can set it.
        "TRUSTED_PROXIES": int(os.environ.get("KOMEK_TRUSTED_PROXIES", 0)),
        # Where readers report an accessibility problem; the organisation running Komek sets its own.
        "CONTACT_EMAIL": os.environ.get("KOMEK_CONTACT_EMAIL", "help@komek.example"),
    }
