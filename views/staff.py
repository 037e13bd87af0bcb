"""The helpers' console: sign in, see appointments, home visits and applications, move their status.

Every page is behind a sign-in and marked no-store (a helper may work on a shared library computer).
URLs carry only opaque internal ids: never a name, a phone number or a reference.
"""

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.cli import AppGroup
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import delete, select

from forms.help import FOR_WHOM_CHOICES, REASON_CHOICES, TIME_OF_DAY_CHOICES, WEEKDAY_CHOICES
from forms.staff import KIND_LABELS, STATUS_LABELS, SignInForm, StatusForm, UnlockForm
from models import StaffAccount, VisitSession
from services import cases, codes, staff
from views.help import about_choices
from web.i18n import language_blueprint
from web.security import code_key, no_store
from web.sessions import utcnow

bp = language_blueprint("staff", __name__, url_prefix="/staff")

# Help points keep local wall-clock times, in the zone content/help_points.yaml names; this one when
# it is not loaded (Kazakhstan has one time zone since March 2024).
LOCAL_TIME_ZONE = ZoneInfo("Asia/Almaty")
PUBLIC_ENDPOINTS = {"staff.sign_in"}
# Ids in URLs stop at the largest INTEGER column value (PostgreSQL's is 32-bit): a bigger number is "not
# found" (404) instead of an overflow in the database driver (500).
ID = "int(max=2147483647)"


def _db():
    return current_app.extensions["komek_db"]()


def _hasher():
    return staff.password_hasher(current_app.config)


def _local_today():
    zone = getattr(current_app.extensions.get("komek_help_points"), "time_zone", None) or LOCAL_TIME_ZONE
    return datetime.now(zone).date()


def _idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _start_new_visit() -> None:
    """End this visit on the server and let the response start a new one with a new cookie token.

    Used on sign-in (so a token set before signing in, perhaps by someone else on a shared computer,
    never becomes a signed-in token) and on sign-out (so nothing of the signed-in visit survives).
    """
    token = session.token
    # Only the computer's own setting carries over: a library terminal keeps its shorter idle limit.
    kept = {name: session[name] for name in ("library_mode",) if name in session}
    # A ServerSession whose token is None and `new` is set is saved as a new row with a new cookie; the
    # old row is deleted here by its SHA-256 hash, the way web/sessions.py stores it.
    session.clear()
    if token:
        with _db() as db, db.begin():
            db.execute(delete(VisitSession).where(VisitSession.token_hash == hashlib.sha256(token.encode()).hexdigest()))
    session.token = None
    session.new = True
    session.update(kept)


def _sign_out(message: str):
    _start_new_visit()
    flash(message)
    return redirect(url_for("staff.sign_in"), 303)


@bp.before_request
def _require_signed_in_helper():
    """Every page but sign-in needs a helper whose account is enabled and who was active recently."""
    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id is None:
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        return redirect(url_for("staff.sign_in"), 303)
    now = utcnow()
    seen = session.get("staff_seen_at")
    if not seen or now - datetime.fromisoformat(seen) > _idle_limit():
        minutes = current_app.config["STAFF_IDLE_MINUTES"]
        return _sign_out(ngettext("You were signed out after %(num)d minute without activity. Sign in again.",
                                  "You were signed out after %(num)d minutes without activity. Sign in again.", minutes))
    with _db() as db:
        account = staff.active_account(db, staff_id)
    if account is None:
        return _sign_out(_("You were signed out. Ask an administrator if you cannot sign in."))
    g.staff = account
    session["staff_seen_at"] = now.isoformat()
    if request.endpoint in PUBLIC_ENDPOINTS and request.method == "GET":
        return redirect(url_for("staff.dashboard"))
    return None


@bp.after_request
def _never_stored(response):
    # Redirects and error pages of the console too: none of them may be kept by a browser or proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _help_points() -> Mapping:
    """The loaded help points by slug (views/help.py loads them); empty when they are not loaded."""
    loaded = current_app.extensions.get("komek_help_points")
    points = getattr(loaded, "points", loaded)
    return points if isinstance(points, Mapping) else {}


@bp.app_template_global()
def help_point_name(slug: str | None) -> str:
    """A help point's name in the page's language when it is known; else its slug."""
    if not slug:
        return _("No help point yet")
    name = getattr(_help_points().get(slug), "name", None)
    if isinstance(name, Mapping):
        name = name.get(g.get("lang")) or next(iter(name.values()), None)
    return str(name) if name else slug


bp.add_app_template_filter(help_point_name)


def _visible_help_points(account) -> list[str]:
    """The help points to filter by: none when the help points are not loaded (no filter is shown)."""
    return [slug for slug in _help_points() if account.is_admin or slug in (account.help_points or [])]


def _render(template: str, **context):
    return render_template(template, account=g.staff, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS, **context)


@bp.route("/sign-in", methods=["GET", "POST"])
@no_store
def sign_in():
    form = SignInForm()
    locked = False
    if request.method == "POST" and form.validate():
        now = utcnow()
        with _db() as db, db.begin():
            result = staff.sign_in(db, _hasher(), form.username.data, form.password.data, request.remote_addr or "unknown",
                                   now, code_key())
        if result.account is not None:
            _start_new_visit()
            session["staff_id"] = result.account.id
            session["staff_seen_at"] = now.isoformat()
            return redirect(url_for("staff.dashboard"), 303)
        locked = result.locked
        # One message for every failure, so it never tells which part was wrong or whether a username exists.
        form.password.errors.append(_("Too many tries. Wait 1 hour and try again, or ask an administrator.") if locked
                                    else _("The username or password is not right. Check both and try again."))
    # A password is never sent back into the page, where a shared computer's browser might keep it.
    form.password.data = ""
    return render_template("pages/staff/sign_in.html", form=form, locked=locked)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    return _sign_out(_("You have signed out."))


@bp.route("/")
@no_store
def dashboard():
    with _db() as db:
        counts = staff.dashboard_counts(db, g.staff, _local_today())
    return _render("pages/staff/dashboard.html", counts=counts)


@bp.route("/appointments")
@no_store
def appointments():
    help_points = _visible_help_points(g.staff)
    chosen = request.args.get("help_point")
    chosen = chosen if chosen in help_points else None
    today = _local_today()
    with _db() as db:
        grouped = staff.upcoming_appointments(db, g.staff, today, chosen)
    return _render("pages/staff/appointments.html", grouped=grouped, today=today, help_points=help_points, chosen=chosen)


@bp.route("/home-visits")
@no_store
def home_visits():
    with _db() as db:
        visits = staff.open_home_visits(db, g.staff)
    return _render("pages/staff/home_visits.html", visits=visits)


@bp.route("/applications")
@no_store
def applications():
    # Applications belong to no help point, so every helper sees all of them (see services.staff.can_see).
    with _db() as db:
        submissions = staff.submitted_applications(db)
    return _render("pages/staff/applications.html", submissions=submissions)


# A notice for each kind and new status, in plain words. It names the reference the person already has,
# and never the secret code: a notice may be read out on the phone or land on a shared phone.
def _notice_text(kind: str, to_status: str, reference: str) -> str:
    texts = {
        ("application", "received"): _("We have received your application %(reference)s.", reference=reference),
        ("application", "in_progress"): _("A helper is working on your application %(reference)s.", reference=reference),
        ("application", "ready"): _("Your application %(reference)s is ready. Bring your ID card and the documents "
                                    "on your list to the help point.", reference=reference),
        ("application", "done"): _("Your application %(reference)s is done.", reference=reference),
        ("application", "cancelled"): _("Your application %(reference)s is cancelled. To ask why, contact a helper.",
                                        reference=reference),
        ("appointment", "received"): _("We have received your appointment %(reference)s.", reference=reference),
        ("appointment", "in_progress"): _("A helper is preparing your appointment %(reference)s.", reference=reference),
        ("appointment", "ready"): _("Your appointment %(reference)s is confirmed. Bring your ID card.",
                                    reference=reference),
        ("appointment", "done"): _("Your appointment %(reference)s is over. Thank you for coming.", reference=reference),
        ("appointment", "cancelled"): _("Your appointment %(reference)s is cancelled. To ask why, contact a helper.",
                                        reference=reference),
        ("home_visit", "received"): _("We have received your home visit request %(reference)s.", reference=reference),
        ("home_visit", "in_progress"): _("A helper is arranging your home visit %(reference)s. They will call you first.",
                                         reference=reference),
        ("home_visit", "ready"): _("Your home visit %(reference)s is arranged. Have your ID card ready.",
                                   reference=reference),
        ("home_visit", "done"): _("Your home visit %(reference)s is done.", reference=reference),
        ("home_visit", "cancelled"): _("Your home visit %(reference)s is cancelled. To ask why, contact a helper.",
                                       reference=reference),
    }
    return texts[(kind, to_status)]


def _case_or_404(db, kind: str, case_id: int):
    # Another help point's case is "not found", exactly like a case that does not exist.
    case = staff.get_case(db, g.staff, kind, case_id)
    if case is None:
        abort(404)
    return case


def _home_visit_details(visit) -> list[tuple[str, str]]:
    """The person's choices in the words they chose them by, not the codes they are stored as."""
    def words(choices, values):
        labels = dict(choices)
        return ", ".join(str(labels.get(value, value)) for value in values)

    details = [(_("Who needs the visit?"), words(FOR_WHOM_CHOICES, [visit.for_whom])),
               (_("Why can the person not travel?"), words(REASON_CHOICES, [visit.reason])),
               (_("What do you need help with?"), words(about_choices(), [visit.about or "other"]))]
    if visit.preferred_days:
        details.append((_("Preferred days"), words(WEEKDAY_CHOICES, visit.preferred_days)))
    if visit.preferred_times:
        details.append((_("Preferred times"), words(TIME_OF_DAY_CHOICES, visit.preferred_times)))
    return details


def _record_page(db, case, kind, form):
    events = cases.history(db, case)
    names = {account.id: account.username for account in db.scalars(
        select(StaffAccount).where(StaffAccount.id.in_({e.staff_id for e in events if e.staff_id})))}
    return _render("pages/staff/record.html", case=case, kind=kind, form=form, events=events, staff_names=names,
                   locked=staff.is_locked(db, case.reference, code_key(), utcnow()),
                   home_visit_details=_home_visit_details(case) if kind == "home_visit" else [])


@bp.route(f"/records/<kind>/<{ID}:case_id>", methods=["GET", "POST"])
@no_store
def record(kind, case_id):
    with _db() as db, db.begin():
        case = _case_or_404(db, kind, case_id)
        form = StatusForm(case.status)
        if request.method == "POST":
            if form.validate():
                with force_locale(case.language):
                    notice = _notice_text(kind, form.status.data, case.reference)
                staff.change_status(db, case, form.status.data, utcnow(), g.staff.id, form.note.data, notice)
                flash(_("The status is now “%(status)s”. A notice for the person is waiting in the outbox.",
                        status=STATUS_LABELS[form.status.data]))
                return redirect(url_for("staff.record", kind=kind, case_id=case_id), 303)
        else:
            staff.audit(db, g.staff.id, "view", utcnow(), case)
        return _record_page(db, case, kind, form)


@bp.route(f"/records/<kind>/<{ID}:case_id>/unlock", methods=["POST"])
def unlock_record(kind, case_id):
    with _db() as db, db.begin():
        case = _case_or_404(db, kind, case_id)
        staff.unlock_reference(db, case.reference, code_key(), g.staff.id, utcnow())
    flash(_("Status checks for %(reference)s are unlocked. The person can try again now.", reference=case.reference))
    return redirect(url_for("staff.record", kind=kind, case_id=case_id), 303)


@bp.route("/unlock", methods=["GET", "POST"])
@no_store
def unlock():
    """For a person on the phone or at the desk: the helper types the reference the person reads out."""
    form = UnlockForm()
    if request.method == "POST" and form.validate():
        with _db() as db, db.begin():
            staff.unlock_reference(db, form.reference.data, code_key(), g.staff.id, utcnow())
        flash(_("Status checks for %(reference)s are unlocked. The person can try again now.",
                reference=codes.parse_reference(form.reference.data)))
        return redirect(url_for("staff.unlock"), 303)
    return _render("pages/staff/unlock.html", form=form)


@bp.route("/outbox")
@no_store
def outbox():
    with _db() as db:
        waiting = staff.waiting_notices(db, g.staff)
    return _render("pages/staff/outbox.html", waiting=waiting)


@bp.route(f"/outbox/<{ID}:notice_id>/sent", methods=["POST"])
def mark_sent(notice_id):
    with _db() as db, db.begin():
        if not staff.mark_sent(db, g.staff, notice_id, utcnow()):
            abort(404)
    flash(_("The notice is marked as sent."))
    return redirect(url_for("staff.outbox"), 303)


# An AppGroup runs each command inside the app context, so the database factory is there.
staff_command = AppGroup("staff", help="Manage helpers' console accounts.")


@staff_command.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="An administrator sees every help point.")
@click.option("--help-point", "help_points", multiple=True, help="A help point's slug; repeat for several.")
def create_command(username, admin, help_points):
    """Create an account; the password is asked twice and never echoed."""
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise click.ClickException("Use a password of at least 12 characters.")
    with current_app.extensions["komek_db"]() as db, db.begin():
        try:
            account = staff.create_account(db, _hasher(), username, password, utcnow(), is_admin=admin,
                                           help_points=help_points)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Created {'administrator' if account.is_admin else 'helper'} {account.username}.")


@staff_command.command("disable")
@click.argument("username")
def disable_command(username):
    """Disable an account: it can no longer sign in, and is signed out on its next page."""
    with current_app.extensions["komek_db"]() as db, db.begin():
        if not staff.disable_account(db, username):
            raise click.ClickException(f"No account {username!r}.")
    click.echo(f"Disabled {staff.normalise_username(username)}.")


bp.record_once(lambda state: state.app.cli.add_command(staff_command))
