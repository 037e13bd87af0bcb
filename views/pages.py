"""Pages that explain Komek itself: home, accessibility statement, privacy notice."""

from flask import render_template

from web.i18n import language_blueprint

bp = language_blueprint("pages", __name__)


@bp.route("/")
def home():
    return render_template("pages/home.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")
