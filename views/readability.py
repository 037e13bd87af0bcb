"""Reading settings: one form, no JavaScript needed, remembered in a cookie that holds nothing personal."""

from dataclasses import asdict

from flask import flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.readability import ReadingSettingsForm
from services.readability import COOKIE_MAX_AGE, COOKIE_NAME, ReadingSettings
from web.i18n import language_blueprint
from web.security import safe_local_path

bp = language_blueprint("readability", __name__)


def load_reading_settings() -> None:
    g.reading = ReadingSettings.from_cookie(request.cookies.get(COOKIE_NAME))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    if request.method == "GET":
        form = ReadingSettingsForm(formdata=None, data={**asdict(g.reading), "next": request.args.get("next", "")})
        return render_template("pages/readability/settings.html", form=form)

    form = ReadingSettingsForm()
    back = safe_local_path(form.next.data) or url_for("pages.home")
    if "reset" in request.form:
        response = redirect(back, 303)
        response.delete_cookie(COOKIE_NAME)
        flash(_("Reading settings are back to your device's own settings."))
        return response
    if not form.validate():
        return render_template("pages/readability/settings.html", form=form)
    chosen = ReadingSettings(size=form.size.data, scheme=form.scheme.data, line=form.line.data, letter=form.letter.data)
    # komek.js saves each change as it is made and announces it itself: no page, no message to show later.
    instant = request.headers.get("X-Komek-Instant") == "1"
    response = make_response("", 204) if instant else redirect(back, 303)
    # At a library terminal the settings last only until the browser closes.
    response.set_cookie(COOKIE_NAME, chosen.to_cookie(), max_age=None if g.library_mode else COOKIE_MAX_AGE,
                        httponly=True, samesite="Lax", secure=request.is_secure)
    if not instant:
        flash(_("Your reading settings are saved."))
    return response
