"""Help from a person: the organisation's help points, appointments and home-visit requests (journey 3)."""

from web.i18n import language_blueprint

bp = language_blueprint("help", __name__, url_prefix="/help")
