"""A page state: one page of the site in one state, as the audits and the budget test fetch it."""

from dataclasses import dataclass, field
from typing import Callable

LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class PageState:
    name: str
    endpoint: str
    values: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    # Form fields for a state reached by a POST (an error state); the CSRF token is added by the caller.
    post: dict | None = None
    # Sent without the CSRF token: the "this page has expired" state.
    omit_csrf: bool = False
    status: int = 200
    # Used for the colour-scheme × text-size audit: one state per template is enough there.
    template: str | None = None
    # Brings a fresh client to this state first (a draft with some answers, a confirmed application).
    prepare: Callable | None = None

    def path(self, lang: str, app) -> str:
        from urllib.parse import urlencode

        with app.test_request_context():
            from flask import url_for

            url = url_for(self.endpoint, lang=lang, **self.values) if self.endpoint else self.values["path"].format(lang=lang)
        return f"{url}?{urlencode(self.query)}" if self.query else url


