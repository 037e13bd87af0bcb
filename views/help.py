"""Help from a person: the organisation's help points, appointments and home-visit requests (journey 3).

Nothing personal goes into a URL. A reference and secret code are POSTed once; the booking found is then
kept in the server-side session for this visit. What a person just booked or requested (with its secret
code, shown once) is kept there too, like the receipts in views/apply.py.
"""

import datetime
import re

from babel.dates import get_day_names
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_date, get_locale, ngettext
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from forms.help import BookingForm, CancelForm, ChangeTimeForm, FindBookingForm, HomeVisitForm
from models import Appointment, HomeVisit
from services import appointments, attempts, cases
from services.help_points import BOOKING_DAYS, load_help_points
from web.i18n import BABEL_LOCALES, LANGUAGES, current_language, language_blueprint
from web.security import code_key, no_store
from web.sessions import utcnow

bp = language_blueprint("help", __name__, url_prefix="/help")

HOME_CARE_FACT = "free_legal_social_help.home_care_social_services_examples"
MAX_FIND_FAILURES_PER_REFERENCE = 5
MAX_FIND_FAILURES_PER_CLIENT = 20
_TIME_VALUE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@bp.record_once
def _load_help_points(state):
    # Checked once at start-up, like the guides: a mistake in the file stops the app with a clear message.
    state.app.extensions["komek_help_points"] = load_help_points(state.app.config["HELP_POINTS_FILE"])


def _help_points():
    return current_app.extensions["komek_help_points"]


def _booking_open() -> bool:
    """Made-up places must never take real people's bookings on a live site."""
    return not (_help_points().example and current_app.config.get("KOMEK_ENV") == "production")


def _point(slug):
    point = _help_points().get(slug)
    if point is None:
        abort(404)
    return point



def _db():
    return current_app.extensions["komek_db"]()


def _now():
    now = utcnow()
    return now, _help_points().local_now(now)


# --------------------------------------------------------------------------- how times and days are written

def _clock(value) -> str:
    """kk and ru write 9:00 and 14:30; English writes 9am and 2:30pm (our style guide)."""
    if current_language() != "en":
        return f"{value.hour}:{value.minute:02d}"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _weekday(day: datetime.date) -> str:
    return _first_upper(format_date(day, "EEEE"))


def _day_text(day: datetime.date) -> str:
    return _("%(weekday)s, %(date)s", weekday=_weekday(day), date=current_app.jinja_env.filters["long_date"](day))


def _hours_text(hours) -> str:
    if hours is None:
        return _("Closed")
    return _("%(opens)s to %(closes)s", opens=_clock(hours[0]), closes=_clock(hours[1]))


def _language_names(codes_: tuple[str, ...]) -> str:
    names = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}
    return ", ".join(names[code] for code in codes_)


def _example_notice() -> list[tuple[str, str]]:
    """The example-data warning in all three languages, the page's own first, whatever the page's language."""
    if not _help_points().example:
        return []
    found = []
    for lang in sorted(LANGUAGES, key=lambda code: code != current_language()):
        with force_locale(BABEL_LOCALES[lang]):
            found.append((lang, _("Example data: these places are not real.")))
    return found


@bp.context_processor
def _help_context():
    day_names = get_day_names("wide", locale=get_locale())
    return {
        "clock": _clock,
        "day_text": _day_text,
        "hours_text": _hours_text,
        "language_list": _language_names,
        "weekday_names": [_first_upper(day_names[index]) for index in range(7)],
        "example_notice": _example_notice(),
        "booking_open": _booking_open(),
        "status_url": url_for("status.check_status"),
        "booking_days": BOOKING_DAYS,
    }


# --------------------------------------------------------------------------- days and times

def _parse_day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _day_problem(point, day, now_local) -> str | None:
    """A sentence saying why `day` can't be booked, or None when it can."""
    if day is None:
        return _("We cannot show that day. Choose a day from the list.")
    today = now_local.date()
    if day < today:
        return _("That day has passed. Choose a day from the list.")
    if day >= today + datetime.timedelta(days=BOOKING_DAYS):
        return ngettext("You can book up to %(num)d day ahead. Choose a day from the list.",
                        "You can book up to %(num)d days ahead. Choose a day from the list.", BOOKING_DAYS)
    if point.hours_on(day) is None:
        return _("The help point is closed on that day. Choose a day from the list.")
    if not point.future_slots(day, now_local):
        return _("There are no more times on that day. Choose a day from the list.")
    return None


def _days(db, point, now_utc, now_local):
    """Each open day ahead with how many of its times still have a free place (for showing only)."""
    found = []
    for day in _help_points().open_days(point, now_utc):
        taken = appointments.taken_places(db, point, day)
        free = sum(1 for start in point.future_slots(day, now_local) if taken[start] < point.capacity)
        found.append((day, free))
    return found


def _slots(db, point, day, now_local):
    """The times still ahead on `day`: (value, label, full). Full ones are shown, disabled, and say so."""
    taken = appointments.taken_places(db, point, day)
    return [(start.strftime("%H:%M"), _clock(start), taken[start] >= point.capacity)
            for start in point.future_slots(day, now_local)]


def _offer_times(form, point, day):
    # Every time of the day counts as a choice, so a time that has just passed gets its own message below,
    # not "choose from the list"; anything else (a tampered value) gets that message.
    form.time.choices = [SelectChoice(start.strftime("%H:%M"), start.strftime("%H:%M")) for start in point.slots(day)]


def _chosen_start(form, day) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(form.time.data))


SLOT_MESSAGES = {
    "past": lambda: _("This time has passed. Choose a later time."),
    "closed": lambda: _("The help point is closed on that day. Choose another day."),
    "not_a_slot": lambda: _("Choose a time from the list"),
    "too_far": lambda: _("This day is too far ahead. Choose another day."),
}


def _booking_problem_message(code: str) -> str:
    return {
        "full": _("This time is full. Choose another time"),
        "already_booked": _("There is already a booking at this help point for this name and phone number. "
                            "You can change its time or cancel it."),
        "same_time": _("Your booking is already at this time. Choose another time, or keep this one."),
        "cancelled": _("This booking is already cancelled. You cannot change it."),
        "closed_booking": _("This booking is finished. You cannot change it."),
        "past": _("The time of this booking has passed. You cannot change it."),
    }[code]


# --------------------------------------------------------------------------- pages

@bp.route("")
def index():
    return render_template("pages/help/index.html", points=_help_points().points.values())


@bp.route("/book")
def choose_point():
    if not _booking_open():
        return redirect(url_for("help.index"))
    return render_template("pages/help/choose_point.html", points=_help_points().points.values())


@bp.route("/book/<point>")
def choose_day(point):
    point = _point(point)
    if not _booking_open():
        return redirect(url_for("help.index"))
    now_utc, now_local = _now()
    with _db() as db:
        days = _days(db, point, now_utc, now_local)
    return render_template("pages/help/choose_day.html", point=point, days=days, problem=None,
                           day_url=lambda day: url_for("help.book", point=point.slug, day=day.isoformat()))


def _bookable_start(form, point, chosen_day, now_utc):
    """The chosen time when it can still be booked; otherwise None, with the reason on the time field.
    Booking and changing a time both go through here, so they refuse the same times the same way."""
    starts_at = _chosen_start(form, chosen_day)
    slot_problem = _help_points().slot_problem(point, starts_at, now_utc)
    if slot_problem:
        form.time.errors.append(SLOT_MESSAGES[slot_problem]())
        return None
    return starts_at


@bp.route("/book/<point>/<day>", methods=["GET", "POST"])
@no_store
def book(point, day):
    point = _point(point)
    if not _booking_open():
        return redirect(url_for("help.index"), 303 if request.method == "POST" else 302)
    now_utc, now_local = _now()
    chosen_day = _parse_day(day)
    problem = _day_problem(point, chosen_day, now_local)
    if problem:
        with _db() as db:
            days = _days(db, point, now_utc, now_local)
        return render_template("pages/help/choose_day.html", point=point, days=days, problem=problem,
                               day_url=lambda day: url_for("help.book", point=point.slug, day=day.isoformat()))
    form = BookingForm()
    _offer_times(form, point, chosen_day)
    already_booked = False
    if request.method == "POST" and form.validate():
        starts_at = _bookable_start(form, point, chosen_day, now_utc)
        if starts_at:
            try:
                with _db() as db, db.begin():
                    appointment, secret = appointments.book(
                        db, point, starts_at, name=form.name.data, phone=form.phone.data,
                        phone_owner=form.phone_owner.data, language=current_language(),
                        now_utc=now_utc, now_local=now_local, key=code_key())
                session["help_booked"] = {"id": appointment.id, "secret_code": secret}
                return redirect(url_for("help.booked"), 303)
            except appointments.BookingProblem as problem:
                already_booked = problem.code == "already_booked"
                field = form.name if already_booked else form.time
                field.errors.append(_booking_problem_message(problem.code))
    with _db() as db:
        slots = _slots(db, point, chosen_day, now_local)
    return render_template("pages/help/book.html", point=point, day=chosen_day, form=form, slots=slots,
                           already_booked=already_booked)


def _made_in_this_visit(session_key: str, model):
    """What this visit has just booked or sent (kept in the session under `session_key` with its one-time
    secret code), or 404: another visit's reference never opens it."""
    receipt = session.get(session_key) or {}
    with _db() as db:
        record = db.get(model, receipt["id"]) if receipt.get("id") else None
    if record is None:
        abort(404)
    return record, receipt.get("secret_code")


@bp.route("/booked")
@no_store
def booked():
    appointment, secret_code = _made_in_this_visit("help_booked", Appointment)
    return render_template("pages/help/booked.html", appointment=appointment,
                           point=_help_points().get(appointment.help_point), secret_code=secret_code)


@bp.route("/find", methods=["GET", "POST"])
@no_store
def find_booking():
    """Change or cancel a booking: the reference and secret code are POSTed here, never put in a URL."""
    form = FindBookingForm()
    locked = False
    if request.method == "POST" and form.validate():
        now = utcnow()
        key = code_key()
        limits = {attempts.client_key("help", request.remote_addr, key): MAX_FIND_FAILURES_PER_CLIENT,
                  cases.reference_key(form.reference.data, key): MAX_FIND_FAILURES_PER_REFERENCE}
        with _db() as db, db.begin():
            locked = attempts.over_limit(db, limits, now)
            case = None if locked else cases.find(db, form.reference.data, form.secret_code.data, key)
            if isinstance(case, Appointment):
                session["help_booking"] = case.id
                return redirect(url_for("help.manage_booking"), 303)
            if not locked:
                attempts.record_failure(db, list(limits), now)
        form.reference.errors.append(
            _("Too many tries. Wait 1 hour and try again, or ask a helper.") if locked
            else _("We could not find a booking with this reference and secret code. Check both and try again."))
    return render_template("pages/help/find.html", form=form)


def _found_booking(db):
    """The booking found with its reference and code earlier in this visit, or None."""
    found_id = session.get("help_booking")
    return db.get(Appointment, found_id) if isinstance(found_id, int) else None


def _not_found_yet():
    flash(_("To change or cancel a booking, enter its reference and secret code."))
    return redirect(url_for("help.find_booking"), 303 if request.method == "POST" else 302)


def _state_problem(state: str) -> str:
    return _booking_problem_message({"cancelled": "cancelled", "past": "past"}.get(state, "closed_booking"))


def _booking_state(appointment, now_local) -> str:
    if appointment.active is not True or appointment.status == "cancelled":
        return "cancelled" if appointment.status == "cancelled" else "closed"
    if appointment.starts_at <= now_local:
        return "past"
    return "open" if appointment.status in appointments.OPEN_STATUSES else "closed"


@bp.route("/booking")
@no_store
def manage_booking():
    now_utc, now_local = _now()
    with _db() as db:
        appointment = _found_booking(db)
        if appointment is None:
            return _not_found_yet()
    return render_template("pages/help/manage.html", appointment=appointment,
                           point=_help_points().get(appointment.help_point), state=_booking_state(appointment, now_local))


@bp.route("/booking/cancel", methods=["GET", "POST"])
@no_store
def cancel_booking():
    now_utc, now_local = _now()
    form = CancelForm()
    with _db() as db, db.begin():
        appointment = _found_booking(db)
        if appointment is None:
            return _not_found_yet()
        point = _help_points().get(appointment.help_point)
        if request.method == "POST" and form.validate():
            # The notice goes out in the language the person booked in, whatever this page's language is.
            with force_locale(BABEL_LOCALES.get(appointment.language, "kk")):
                notice = _("Your booking %(reference)s on %(day)s at %(time)s is cancelled.",
                           reference=appointment.reference, day=_day_text(appointment.starts_at.date()),
                           time=_clock(appointment.starts_at))
            try:
                appointments.cancel(db, appointment, now_utc=now_utc, now_local=now_local, notice_text=notice)
            except appointments.BookingProblem as problem:
                form.form_errors.append(_booking_problem_message(problem.code))
            else:
                flash(_("We cancelled your booking. The place is free for someone else now."))
                return redirect(url_for("help.manage_booking"), 303)
        state = _booking_state(appointment, now_local)
        if state != "open" and not form.form_errors:
            form.form_errors.append(_state_problem(state))
        return render_template("pages/help/cancel.html", appointment=appointment, point=point, form=form)


@bp.route("/booking/change")
@no_store
def change_day():
    now_utc, now_local = _now()
    with _db() as db:
        appointment = _found_booking(db)
        if appointment is None:
            return _not_found_yet()
        if not _booking_open():
            return redirect(url_for("help.index"))
        point = _point(appointment.help_point)
        state = _booking_state(appointment, now_local)
        days = _days(db, point, now_utc, now_local) if state == "open" else []
    problem = None if state == "open" else _state_problem(state)
    return render_template("pages/help/choose_day.html", point=point, days=days, problem=problem,
                           appointment=appointment, day_url=lambda day: url_for("help.change_time", day=day.isoformat()))


@bp.route("/booking/change/<day>", methods=["GET", "POST"])
@no_store
def change_time(day):
    now_utc, now_local = _now()
    with _db() as db:
        appointment = _found_booking(db)
    if appointment is None:
        return _not_found_yet()
    if not _booking_open():
        return redirect(url_for("help.index"), 303 if request.method == "POST" else 302)
    point = _point(appointment.help_point)
    chosen_day = _parse_day(day)
    state = _booking_state(appointment, now_local)
    problem = _state_problem(state) if state != "open" else _day_problem(point, chosen_day, now_local)
    if problem:
        with _db() as db:
            days = _days(db, point, now_utc, now_local) if state == "open" else []
        return render_template("pages/help/choose_day.html", point=point, days=days, problem=problem,
                               appointment=appointment,
                               day_url=lambda day: url_for("help.change_time", day=day.isoformat()))
    form = ChangeTimeForm()
    _offer_times(form, point, chosen_day)
    if request.method == "POST" and form.validate():
        starts_at = _bookable_start(form, point, chosen_day, now_utc)
        if starts_at:
            try:
                with _db() as db, db.begin():
                    appointments.change(db, db.get(Appointment, appointment.id), point, starts_at,
                                        now_utc=now_utc, now_local=now_local)
                flash(_("We changed your booking. Your new time is %(time)s on %(day)s.",
                        time=_clock(starts_at), day=_day_text(starts_at.date())))
                return redirect(url_for("help.manage_booking"), 303)
            except appointments.BookingProblem as problem:
                form.time.errors.append(_booking_problem_message(problem.code))
    with _db() as db:
        slots = _slots(db, point, chosen_day, now_local)
    return render_template("pages/help/change_time.html", point=point, day=chosen_day, form=form, slots=slots,
                           appointment=appointment)


# --------------------------------------------------------------------------- home visits

def about_choices():
    guides = current_app.extensions["komek_content"].guides
    lang = current_language()
    return [(slug, guide.title[lang]) for slug, guide in guides.items()] + [("other", _("Something else, or I don’t know"))]


@bp.route("/home-visit", methods=["GET", "POST"])
@no_store
def home_visit():
    form = HomeVisitForm()
    form.about.choices = [SelectChoice(value, text) for value, text in about_choices()]
    if request.method == "POST" and form.validate():
        now = utcnow()
        reference, secret, secret_hash = cases.new_codes(code_key())
        with _db() as db, db.begin():
            visit = HomeVisit(reference=reference, secret_code_hash=secret_hash, for_whom=form.for_whom.data,
                              reason=form.reason.data, name=form.name.data, address=form.address.data,
                              about="" if form.about.data == "other" else form.about.data,
                              preferred_days=list(form.days.data or []), preferred_times=list(form.times.data or []),
                              phone=form.phone.data, consent_to_call=True, help_point=None,
                              language=current_language(), status="received", created_at=now, updated_at=now)
            db.add(visit)
            cases.record_status(db, visit, "received", now)
        session["help_home_visit"] = {"id": visit.id, "secret_code": secret}
        return redirect(url_for("help.home_visit_sent"), 303)
    return render_template("pages/help/home_visit.html", form=form, home_care=HOME_CARE_FACT)


@bp.route("/home-visit/sent")
@no_store
def home_visit_sent():
    visit, secret_code = _made_in_this_visit("help_home_visit", HomeVisit)
    return render_template("pages/help/home_visit_sent.html", visit=visit, secret_code=secret_code)
