"""Finish and clear: end this visit on the server and in the browser (shared library computers)."""

from flask import make_response, redirect, render_template, request, session, url_for

from services.readability import COOKIE_NAME as READING_COOKIE
from web.i18n import language_blueprint
from web.security import no_store

bp = language_blueprint("visit", __name__)


def _unfinished_return_codes() -> list[str]:
    """Return codes of drafts in this visit: the only way back to them once the visit is cleared."""
    open_drafts = set((session.get("drafts") or {}).values())
    return [code for draft_id, code in (session.get("return_codes") or {}).items() if draft_id in open_drafts]


@bp.route("/finish", methods=["POST"])
def finish():
    forget_settings = request.form.get("forget_settings") == "y"
    codes = _unfinished_return_codes()
    if codes and request.form.get("codes_seen") != "y":
        response = make_response(render_template("pages/visit/before_finish.html", codes=codes,
                                                 forget_settings=forget_settings))
        response.headers["Cache-Control"] = "no-store"
        return response
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
