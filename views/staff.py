"""The helpers' console: sign in, see appointments, home visits and applications, move their status."""

from web.i18n import language_blueprint

bp = language_blueprint("staff", __name__, url_prefix="/staff")
