"""Check status without an account: a reference and a secret code, POSTed, never in the URL (journey 4).

Wrong references and wrong codes get the same answer through the same code path, and tries are counted
in the database per reference (existing or not) and per client, so a lock reveals nothing.
"""

from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import delete

from forms.status import StatusForm
from journeys import APPLICATIONS
from models import ReferenceLock
from services import attempts, cases
from web.i18n import language_blueprint
from web.security import code_key, no_store
from web.sessions import utcnow

bp = language_blueprint("status", __name__, url_prefix="/status")

MAX_FAILURES_PER_REFERENCE = 5
MAX_FAILURES_PER_CLIENT = 30
LOCK_FOR = timedelta(hours=1)


def _db():
    return current_app.extensions["komek_db"]()


@bp.route("/", methods=["GET", "POST"])
@no_store
def check_status():
    form = StatusForm()
    locked = False
    if request.method == "POST" and form.validate():
        key, now = code_key(), utcnow()
        reference_key = cases.reference_key(form.reference.data, key)
        client_key = attempts.client_key("status", request.remote_addr, key)
        with _db() as db, db.begin():
            lock = db.get(ReferenceLock, reference_key)
            locked = (lock is not None and lock.locked_until > now) or \
                attempts.over_limit(db, {client_key: MAX_FAILURES_PER_CLIENT}, now)
            case = None if locked else cases.find(db, form.reference.data, form.secret_code.data, key)
            if case is not None:
                db.execute(delete(ReferenceLock).where(ReferenceLock.key == reference_key))
                session["status_case"] = {"kind": cases.kind_of(case), "id": case.id}
                return redirect(url_for("status.show_status"), 303)
            if not locked:
                attempts.record_failure(db, [reference_key, client_key], now)
                if attempts.failures(db, reference_key, now) >= MAX_FAILURES_PER_REFERENCE:
                    db.merge(ReferenceLock(key=reference_key, locked_until=now + LOCK_FOR))
                    locked = True
        if not locked:
            form.reference.errors.append(_("We could not find this reference with this secret code. Check both and try again."))
    return render_template("pages/status/check.html", form=form, locked=locked)


@bp.route("/result")
@no_store
def show_status():
    found = session.get("status_case")
    with _db() as db:
        case = db.get(cases.KINDS[found["kind"]], found["id"]) if found else None
        if case is None:
            return redirect(url_for("status.check_status"))
        help_points = current_app.extensions.get("komek_help_points")
        return render_template("pages/status/result.html", case=case, kind=found["kind"], history=cases.history(db, case),
                               applications=APPLICATIONS, help_points=help_points)
