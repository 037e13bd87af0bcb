"""Finish and clear: end this visit on the server and in the browser (shared library computers)."""

from flask import redirect, render_template, request, session, url_for

from services.readability import COOKIE_NAME as READING_COOKIE
from web.i18n import language_blueprint
from web.security import no_store

bp = language_blueprint("visit", __name__)


@bp.route("/finish", methods=["POST"])
def finish():
    forget_settings = request.form.get("forget_settings") == "y"
    session.end()
    response = redirect(url_for("visit.finished", settings="forgotten" if forget_settings else "kept"), 303)
    # Cookies are not in the list: the session cookie is deleted above, and reading settings stay if wanted.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    if forget_settings:
        response.delete_cookie(READING_COOKIE)
    return response


@bp.route("/finished")
@no_store
def finished():
    return render_template("pages/visit/finished.html", settings_forgotten=request.args.get("settings") == "forgotten")
