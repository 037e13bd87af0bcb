"""Check status without an account: a reference and a secret code, POSTed, never in the URL (journey 4)."""

from web.i18n import language_blueprint

bp = language_blueprint("status", __name__, url_prefix="/status")
