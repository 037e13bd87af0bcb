"""Find what to do: guides, life situations, search, and the take-away checklist with its QR code."""

from functools import lru_cache

import segno
from flask import abort, current_app, render_template, request, session, url_for
from flask_babel import force_locale
from markupsafe import Markup

from forms.pack import PackForm
from models import Appointment, Submission
from services.validation import format_phone
from web.i18n import LANGUAGES, current_language, language_blueprint
from web.rendering import render_page
from web.security import no_store

bp = language_blueprint("guides", __name__)

# Longer queries are cut, not refused: a pasted paragraph still finds something.
MAX_QUERY_LENGTH = 200


def _content():
    return current_app.extensions["komek_content"]


def _guide_or_404(slug: str):
    guide = _content().guides.get(slug)
    if guide is None:
        abort(404)
    return guide


@bp.route("/guides")
def list_guides():
    return render_template("pages/guides/list.html", guides=_content().guides.values())


@bp.route("/guides/<slug>")
def show_guide(slug: str):
    guide = _guide_or_404(slug)
    return render_template("pages/guides/guide.html", guide=guide, content=_content(), languages=LANGUAGES)


@bp.route("/guides/<slug>/checklist")
def checklist(slug: str):
    guide = _guide_or_404(slug)
    # A volunteer may print the checklist in the language of the person they help.
    sheet_language = request.args.get("language")
    if sheet_language not in LANGUAGES:
        sheet_language = current_language()
    return render_template("pages/guides/checklist.html", guide=guide, sheet=_sheet(guide, sheet_language),
                           sheet_language=sheet_language, languages=LANGUAGES)


def _sheet(guide, sheet_language: str, **extra) -> Markup:
    """The printed sheet in the reader's language, which may differ from the page's. Its QR code opens the
    public checklist only: nothing personal ever goes into that address."""
    checklist_url = url_for("guides.checklist", slug=guide.slug, lang=sheet_language, _external=True)
    with force_locale(sheet_language):
        return Markup(render_template("partials/checklist_sheet.html", guide=guide, content=_content(),
                                      sheet_language=sheet_language, checklist_url=checklist_url,
                                      qr_svg=qr_svg(checklist_url), **extra))


@bp.route("/guides/<slug>/pack", methods=["GET", "POST"])
@no_store
def pack(slug: str):
    """A one-page pack a volunteer prints for the person they help, in that person's language."""
    guide = _guide_or_404(slug)
    receipt = (session.get("receipts") or {}).get(slug)
    form = PackForm(data={"language": current_language(), "include_reference": bool(receipt)})
    if request.method == "POST" and form.validate():
        reference = appointment = None
        with current_app.extensions["komek_db"]() as db:
            if receipt and form.include_reference.data:
                submission = db.get(Submission, receipt["submission"])
                reference = submission.reference if submission else None
            appointment = _booked_in_this_visit(db)
        sheet = _sheet(guide, form.language.data, pack=True, reference=reference, appointment=appointment,
                       helper_phone=format_phone(form.helper_phone.data) if form.helper_phone.data else None)
        return render_template("pages/guides/pack.html", guide=guide, form=form, sheet=sheet)
    return render_template("pages/guides/pack.html", guide=guide, form=form, sheet=None, has_receipt=bool(receipt))


def _booked_in_this_visit(db):
    """The time booked at a help point in this visit, for the pack's "where and when" (None if none)."""
    booked = session.get("help_booked") or {}
    appointment = db.get(Appointment, booked["id"]) if booked.get("id") else None
    if appointment is None or not appointment.active:
        return None
    point = current_app.extensions["komek_help_points"].get(appointment.help_point)
    return {"point": point, "starts_at": appointment.starts_at} if point else None


@bp.route("/situations/<slug>")
def show_situation(slug: str):
    situation = _content().situations.get(slug)
    if situation is None:
        abort(404)
    guides = [_content().guides[guide_slug] for guide_slug in situation.guides]
    return render_template("pages/guides/situation.html", situation=situation, guides=guides)


@bp.route("/search")
def search():
    query = request.args.get("q", "")[:MAX_QUERY_LENGTH]
    results = current_app.extensions["komek_search"].search(query) if query.strip() else []
    found = [(_content().guides if r.document.kind == "guide" else _content().situations)[r.document.slug] for r in results]
    return render_page("pages/guides/search.html", "results", query=query, results=list(zip(results, found)),
                       live_search=True)


@lru_cache(maxsize=256)
def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG: no extra request, and it prints sharply at any size."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=False)
    # The address is written out beside the code, so the picture itself is hidden from screen readers.
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))
