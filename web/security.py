"""Response headers every page gets, and the one rule for where a redirect may go."""

import functools
import hashlib
import hmac
import re
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, make_response, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def safe_local_path(candidate: str | None) -> str | None:
    """Return `candidate` if it is a path on this site, else None (so `//evil`, `/\\evil`, `https:x` fail)."""
    if not candidate or len(candidate) > 2000:
        return None
    # Check the decoded form too: browsers drop tabs and newlines, so "/%09/evil" would become "//evil".
    for form in (candidate, unquote(candidate)):
        if _UNSAFE_IN_PATH.search(form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
            return None
    return candidate


def code_key() -> bytes:
    """The key for hashing return codes, secret codes and client addresses: derived from the app's secret,
    so the same on every app server, and never the secret itself."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"komek codes", hashlib.sha256).digest()


def no_store(view):
    """For pages that show personal data: no browser or proxy may keep a copy (shared computers)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    # Only a file found may be kept for a year: a 404 for a name not yet deployed must not be.
    if request.endpoint == "static" and response.status_code in (200, 206, 304):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"
    elif response.mimetype == "text/html":
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        # Pages carry this visit's CSRF token, so no shared cache may keep them.
        headers.setdefault("Cache-Control", "private, no-cache")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
