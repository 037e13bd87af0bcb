"""Per-client rate limits on the forms that check a code, counted in Redis so they hold across app servers.

These limits only slow down someone trying many codes from one address; they never decide alone. The
per-reference and per-client lockouts counted in the database (services/attempts.py) stay the real bound,
and they still hold when Redis is down: the limiter then logs a warning, counts in this process's memory
(RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and swallows any other storage error, so the site stays up.

Wired in app.py after the blueprints are registered: `limits.init_app(app)`.
"""

import logging

from flask import Flask, current_app, render_template, request
from flask_limiter import Limiter, RateLimitExceeded

log = logging.getLogger(__name__)

# The POST endpoints that check a return code, a reference with its secret code, or a password.
CODE_CHECKS = ("apply.resume", "status.check_status", "help.find_booking", "staff.sign_in")


def _client() -> str:
    # The client's address (through KOMEK_TRUSTED_PROXIES, see app.py): the same one the database lockouts use.
    return request.remote_addr or "unknown"


def _code_check_limit() -> str:
    return current_app.config["CODE_CHECK_RATE_LIMIT"]


def _too_many_requests(error: RateLimitExceeded):
    response = current_app.make_response((render_template("pages/error.html", status=429), 429))
    # When the window ends, so a browser or a helper knows how long to wait.
    response.headers["Retry-After"] = str(error.limit.limit.get_expiry()) if error.limit else "60"
    return response


def init_app(app: Flask) -> Limiter:
    """One limiter per app (the tests build several apps in one process), on the app's own storage."""
    config = app.config
    config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    config.setdefault("CODE_CHECK_RATE_LIMIT", "30 per minute")
    config.setdefault("RATELIMIT_KEY_PREFIX", "komek")
    # Redis down or unreachable: count in memory for the time being, and never turn a storage error into a 500.
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    # An unreachable Redis must cost a request a fraction of a second, not hang it.
    config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    if config.get("KOMEK_ENV") == "production" and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        log.warning("REDIS_URL is not set: rate limits are counted per app server process, not shared.")

    limiter = Limiter(key_func=_client)
    limiter.init_app(app)
    app.extensions["komek_limiter"] = limiter
    code_check = limiter.limit(_code_check_limit, methods=["POST"])
    for endpoint in CODE_CHECKS:
        app.view_functions[endpoint] = code_check(app.view_functions[endpoint])
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    return limiter
