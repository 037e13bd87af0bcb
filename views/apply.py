"""Prepare an application: one question per page, check your answers, confirm, print; save and return.

One set of views serves every application in journeys/; answers live in a server-side draft whose id
is in the server-side session, never in a URL.
"""

from datetime import date

from werkzeug.datastructures import MultiDict
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from forms.apply import ResumeForm, SaveForm
from forms.questions import question_form
from journeys import APPLICATIONS
from models import Submission
from services import attempts, codes, drafts
from web.i18n import current_language, language_blueprint
from web.security import code_key, no_store
from web.sessions import utcnow

bp = language_blueprint("apply", __name__, url_prefix="/apply")

# Reserved page names after /apply/<application>/; no question may use them (tested).
RESERVED_SLUGS = {"check", "save", "done", "answers", "keep-this", "not-covered"}
MAX_RESUME_FAILURES_PER_CODE = 5
MAX_RESUME_FAILURES_PER_CLIENT = 20


def _application(slug):
    application = APPLICATIONS.get(slug)
    if application is None:
        abort(404)
    return application



def _db():
    return current_app.extensions["komek_db"]()


def _guide(application):
    return current_app.extensions["komek_content"].guides[application.slug]


def _session_map(name: str) -> dict:
    return dict(session.get(name) or {})


def _remember(name: str, key: str, value) -> None:
    session[name] = {**_session_map(name), key: value}


def _current_draft(db, application):
    return drafts.load(db, _session_map("drafts").get(application.slug), application, utcnow())


def _no_draft(application):
    flash(_("We could not find your answers in this visit. To continue, reopen them with your return code."))
    return redirect(url_for("apply.start", application=application.slug))


def _question_url(application, question):
    return url_for("apply.question", application=application.slug, question=question.slug)


def _next_url(application, answers, after, checking):
    following = application.next_question(answers, after=after, checking=checking)
    return _question_url(application, following) if following else url_for("apply.check", application=application.slug)


@bp.route("/<application>")
def start(application):
    application = _application(application)
    return render_template("pages/apply/start.html", application=application, guide=_guide(application))


@bp.route("/<application>", methods=["POST"])
def begin(application):
    application = _application(application)
    with _db() as db, db.begin():
        draft = _current_draft(db, application)
        if draft is None:
            draft = drafts.create(db, application, utcnow(), current_app.config["DRAFT_DAYS"])
            _remember("drafts", application.slug, draft.id)
        target = _next_url(application, draft.answers, None, checking=bool(draft.answers))
    return redirect(target, 303)


@bp.route("/<application>/<question>", methods=["GET", "POST"])
@no_store
def question(application, question):
    application = _application(application)
    asked = application.question(question)
    if asked is None:
        abort(404)
    with _db() as db, db.begin():
        draft = _current_draft(db, application)
        if draft is None and request.method == "POST":
            if asked == application.applicable({})[0]:
                # The first answer needs no earlier draft: start one, so nothing typed is lost.
                draft = drafts.create(db, application, utcnow(), current_app.config["DRAFT_DAYS"])
                _remember("drafts", application.slug, draft.id)
            else:
                return _keep_typed_answer_until_resumed(application, asked)
        if draft is None:
            return _no_draft(application)
        answers = dict(draft.answers)
        checking = draft.id in (session.get("checked") or [])
        if not asked.applies(answers):
            return redirect(_next_url(application, answers, None, checking=True))
        saving = "save" in request.form
        form = question_form(asked, answers, request.form if request.method == "POST" else None)
        if request.method == "POST":
            if form.validate():
                code = drafts.save_answer(db, draft, asked.name, form[asked.name].data, utcnow(),
                                          current_app.config["DRAFT_DAYS"], code_key())
                if code:
                    _remember("return_codes", draft.id, code)
                answers = draft.answers
                if application.unsupported(answers):
                    return redirect(url_for("apply.not_covered", application=application.slug), 303)
                if saving:
                    return redirect(url_for("apply.save", application=application.slug), 303)
                return redirect(_next_url(application, answers, asked, checking), 303)
            if saving and not any(value.strip() for name, value in request.form.items() if name.startswith(asked.name)):
                return redirect(url_for("apply.save", application=application.slug), 303)
        applicable = application.applicable(answers)
        position = applicable.index(asked) + 1
        previous = applicable[position - 2] if position > 1 else None
        back = (url_for("apply.check", application=application.slug) if checking
                else _question_url(application, previous) if previous
                else url_for("apply.start", application=application.slug))
        return render_template("pages/apply/question.html", application=application, question=asked, form=form,
                               answers=answers, position=position, total=len(applicable), back=back)


def _rows(application, answers):
    """What the check page and the printout list: each applicable question with its answer."""
    return [(question, answers.get(question.name)) for question in application.applicable(answers)]


def _warnings(application, answers):
    content = current_app.extensions["komek_content"]
    found = (check(answers, content, date.today()) for check in application.warnings)
    return [(message, content.facts[ref]) for message, ref in filter(None, found)]


def _keep_typed_answer_until_resumed(application, asked):
    """The visit ended (timed out or cleared) before this answer arrived. Keep what was typed in the new
    visit, and save it into the draft as soon as the person reopens it with the return code."""
    typed = {name: value for name, value in request.form.items() if name.startswith(asked.name)}
    session["pending_answer"] = {"application": application.slug, "question": asked.name, "typed": typed}
    flash(_("Your visit ended, so we kept what you just typed. Reopen your saved answers to add it."))
    return redirect(url_for("apply.resume"), 303)


def _apply_pending_answer(db, draft, application) -> None:
    pending = session.pop("pending_answer", None)
    if not pending or pending["application"] != application.slug:
        return
    asked = next((q for q in application.questions if q.name == pending["question"]), None)
    if asked is None or not asked.applies(draft.answers):
        return
    form = question_form(asked, draft.answers, MultiDict(pending["typed"]), csrf=False)
    if form.validate():
        drafts.save_answer(db, draft, asked.name, form[asked.name].data, utcnow(), current_app.config["DRAFT_DAYS"], code_key())


def expired_question_page():
    """A question POST whose form token expired: show the question again with what was typed, and how to go on."""
    application = APPLICATIONS.get((request.view_args or {}).get("application"))
    asked = application.question(request.view_args.get("question")) if application else None
    if asked is None:
        return None
    form = question_form(asked, {}, request.form, csrf=False)
    return render_template("pages/apply/question.html", application=application, question=asked, form=form,
                           answers={}, position=None, total=None, expired=True,
                           back=url_for("apply.start", application=application.slug)), 400


@bp.route("/<application>/check")
@no_store
def check(application):
    application = _application(application)
    with _db() as db:
        draft = _current_draft(db, application)
        if draft is None:
            return _no_draft(application)
        unanswered = application.next_question(draft.answers, checking=True)
        if unanswered:
            return redirect(_question_url(application, unanswered))
        if application.unsupported(draft.answers):
            return redirect(url_for("apply.not_covered", application=application.slug))
        session["checked"] = [*(session.get("checked") or []), draft.id][-10:]
        return render_template("pages/apply/check.html", application=application, answers=draft.answers,
                               rows=_rows(application, draft.answers), warnings=_warnings(application, draft.answers),
                               return_code=_session_map("return_codes").get(draft.id))


@bp.route("/<application>/check", methods=["POST"])
def confirm(application):
    application = _application(application)
    receipts = _session_map("receipts")
    with _db() as db, db.begin():
        draft = _current_draft(db, application)
        if draft is None:
            # A second click after the first one went through: show the same result, never a second one.
            if application.slug in receipts:
                return redirect(url_for("apply.done", application=application.slug), 303)
            return _no_draft(application)
        if application.next_question(draft.answers, checking=True) or application.unsupported(draft.answers):
            return redirect(url_for("apply.check", application=application.slug), 303)
        receipt = drafts.submit(db, draft, application, current_language(), utcnow(), code_key())
        previous = receipts.get(application.slug) or {}
        _remember("receipts", application.slug, {
            "submission": receipt.submission.id,
            "secret_code": receipt.secret_code or previous.get("secret_code"),
        })
        db.delete(draft)
        session["drafts"] = {k: v for k, v in _session_map("drafts").items() if k != application.slug}
    return redirect(url_for("apply.done", application=application.slug), 303)


def _render_receipt_page(application_slug: str, template: str, with_secret_code: bool = False):
    """A page about the application confirmed in this visit; its id lives in the session, never in the URL."""
    application = _application(application_slug)
    receipt = _session_map("receipts").get(application.slug)
    with _db() as db:
        submission = db.get(Submission, receipt["submission"]) if receipt else None
        if submission is None:
            abort(404)
        return render_template(template, application=application, submission=submission, answers=submission.answers,
                               rows=_rows(application, submission.answers), guide=_guide(application),
                               content=current_app.extensions["komek_content"],
                               secret_code=receipt.get("secret_code") if with_secret_code else None)


@bp.route("/<application>/done")
@no_store
def done(application):
    return _render_receipt_page(application, "pages/apply/done.html")


@bp.route("/<application>/answers")
@no_store
def answers(application):
    """The sheet to take to ЦОН: answers, documents, cost, where to go, the reference; never the secret code."""
    return _render_receipt_page(application, "pages/apply/answers.html")


@bp.route("/<application>/keep-this")
@no_store
def keep_this(application):
    """A separate slip with the reference and the secret code, for the person to keep at home."""
    return _render_receipt_page(application, "pages/apply/keep_this.html", with_secret_code=True)


@bp.route("/<application>/not-covered")
def not_covered(application):
    application = _application(application)
    return render_template("pages/apply/not_covered.html", application=application, guide=_guide(application))


@bp.route("/<application>/save", methods=["GET", "POST"])
@no_store
def save(application):
    """Save and come back later: the return code in large type, and the date of birth that goes with it."""
    application = _application(application)
    with _db() as db, db.begin():
        draft = _current_draft(db, application)
        if draft is None:
            return _no_draft(application)
        birth_question = application.question(application.birth_date_question.replace("_", "-"))
        needs_birth_date = application.birth_date_question not in draft.answers
        form = SaveForm(birth_question, draft.answers) if needs_birth_date else None
        if request.method == "POST" and form is not None and form.validate():
            code = drafts.save_answer(db, draft, application.birth_date_question, form.birth_date.data, utcnow(),
                                      current_app.config["DRAFT_DAYS"], code_key())
            if code:
                _remember("return_codes", draft.id, code)
            return redirect(url_for("apply.save", application=application.slug), 303)
        return render_template("pages/apply/save.html", application=application, form=form, draft=draft,
                               return_code=_session_map("return_codes").get(draft.id),
                               continue_url=_next_url(application, draft.answers, None, checking=True))


@bp.route("/resume", methods=["GET", "POST"])
@no_store
def resume():
    """Reopen saved answers on any computer with the return code and the applicant's date of birth."""
    form = ResumeForm()
    locked = False
    if request.method == "POST" and form.validate():
        now = utcnow()
        code = codes.parse_return_code(form.code.data)
        key = code_key()
        limits = {attempts.client_key("resume", request.remote_addr, key): MAX_RESUME_FAILURES_PER_CLIENT}
        if code:
            limits[f"resume-code:{codes.hash_code(code, key)[:32]}"] = MAX_RESUME_FAILURES_PER_CODE
        with _db() as db, db.begin():
            locked = attempts.over_limit(db, limits, now)
            draft = None if locked else drafts.find_by_return_code(db, code, form.birth_date.data, APPLICATIONS.get, now, key)
            if draft is not None:
                _apply_pending_answer(db, draft, APPLICATIONS[draft.application])
                _remember("drafts", draft.application, draft.id)
                _remember("return_codes", draft.id, code)
                session["checked"] = [*(session.get("checked") or []), draft.id][-10:]
                application = APPLICATIONS[draft.application]
                return redirect(_next_url(application, draft.answers, None, checking=True), 303)
            if not locked:
                attempts.record_failure(db, list(limits), now)
        form.code.errors.append(_("Too many tries. Wait 1 hour and try again, or ask a helper.") if locked
                                else _("We could not find saved answers with this code and date of birth. Check both and try again."))
    return render_template("pages/apply/resume.html", form=form, locked=locked)
