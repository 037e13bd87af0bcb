"""Finish and clear: end this visit on the server and in the browser (shared library computers)."""

from flask import current_app, g, make_response, redirect, render_template, request, session, url_for

from services.readability import COOKIE_NAME as READING_COOKIE
from web.i18n import language_blueprint
from web.security import no_store
from web.sessions import utcnow

bp = language_blueprint("visit", __name__)

LIBRARY_MODE = "library"


def note_library_mode() -> None:
    """A library terminal's start URL (?terminal=library), or a deployment for terminals only, turns on
    library mode for the visit: shorter timeout, nothing remembered beyond the visit, no autofill."""
    if request.args.get("terminal") == LIBRARY_MODE and not session.get("library_mode"):
        session["library_mode"] = True
    g.library_mode = bool(session.get("library_mode") or current_app.config["TERMINAL_MODE"])


def idle_seconds() -> int:
    minutes = current_app.config["LIBRARY_SESSION_IDLE_MINUTES" if g.get("library_mode") else "SESSION_IDLE_MINUTES"]
    return minutes * 60


def _unfinished_return_codes() -> list[str]:
    """Return codes of drafts in this visit: the only way back to them once the visit is cleared."""
    open_drafts = set((session.get("drafts") or {}).values())
    return [code for draft_id, code in (session.get("return_codes") or {}).items() if draft_id in open_drafts]


@bp.route("/finish", methods=["POST"])
def finish():
    # At a library terminal nothing of the visit stays, reading settings included.
    forget_settings = request.form.get("forget_settings") == "y" or g.library_mode
    codes = _unfinished_return_codes()
    if codes and request.form.get("codes_seen") != "y":
        response = make_response(render_template("pages/visit/before_finish.html", codes=codes,
                                                 forget_settings=forget_settings))
        response.headers["Cache-Control"] = "no-store"
        return response
    session.end()
    query = {"terminal": LIBRARY_MODE} if g.library_mode else {}
    response = redirect(url_for("visit.finished", settings="forgotten" if forget_settings else "kept", **query), 303)
    # Cookies are not in the list: the session cookie is deleted above, and reading settings stay if wanted.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    if forget_settings:
        response.delete_cookie(READING_COOKIE)
    return response


@bp.route("/finished")
@no_store
def finished():
    response = make_response(render_template("pages/visit/finished.html",
                                             settings_forgotten=request.args.get("settings") == "forgotten"))
    # Also here: the browser comes to this page by itself when the visit times out.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/keep-alive", methods=["POST"])
def keep_alive():
    """"Continue" in the timeout warning: a request that tells the server the person is still here."""
    session["last_active"] = utcnow().isoformat(timespec="seconds")
    return "", 204
