"""Error pages in the reader's language, each saying what happened and what to do next."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from views import apply

log = logging.getLogger(__name__)


def _render(status: int):
    return render_template("pages/error.html", status=status), status


def handle_http_error(error: HTTPException):
    if error.code in (404, 405):
        return _render(error.code)
    return _render(400 if error.code and 400 <= error.code < 500 else 500)


def handle_expired_form(error: CSRFError):
    # Almost always a visit that timed out or was cleared: say so, never show a bare error. A question
    # page comes back with what was typed, so nothing is lost.
    if request.endpoint == "apply.question":
        page = apply.expired_question_page()
        if page:
            return page
    return render_template("pages/error.html", status=400, expired_form=True), 400


def handle_server_error(error: Exception):
    # Log the kind of failure, never the request body: it may hold personal data.
    original = getattr(error, "original_exception", error)
    log.error("Server error: %s", type(original).__name__, exc_info=original)
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_expired_form)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
