"""Addresses outside the language prefix: `/` sends each person to their language."""

from flask import Blueprint, redirect, url_for

from web.i18n import negotiated_language

bp = Blueprint("root", __name__)


@bp.route("/")
def choose_language():
    response = redirect(url_for("pages.home", lang=negotiated_language()), 302)
    response.vary.add("Accept-Language")
    return response
