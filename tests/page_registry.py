"""Every page and state of the site, built from the app's URL map plus example arguments.

The accessibility audit and the page-weight budget both walk this list. A route that is neither here
nor in EXCLUDED (with a reason) fails `test_every_route_is_audited`, so a new page can't be forgotten.
"""

from dataclasses import dataclass, field

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

    def path(self, lang: str, app) -> str:
        from urllib.parse import urlencode

        with app.test_request_context():
            from flask import url_for

            url = url_for(self.endpoint, lang=lang, **self.values) if self.endpoint else self.values["path"].format(lang=lang)
        return f"{url}?{urlencode(self.query)}" if self.query else url


# Routes that render no page of their own.
EXCLUDED = {
    "static": "files, not pages",
    "root.choose_language": "only redirects to /<lang>/ (tested in tests/views/test_pages.py)",
    "visit.finish": "a POST that redirects to visit.finished, which is audited",
}


def page_states(app) -> list[PageState]:
    content = app.extensions["komek_content"]
    first_guide = next(iter(content.guides))
    states = [
        PageState("home", "pages.home", template="home"),
        PageState("accessibility", "pages.accessibility", template="accessibility"),
        PageState("privacy", "pages.privacy", template="privacy"),
        PageState("settings", "readability.settings", query={"next": "/kk/"}, template="settings"),
        PageState("settings with an error", "readability.settings", post={"size": "999", "scheme": "device"},
                  template="settings-error"),
        PageState("finished, settings kept", "visit.finished", query={"settings": "kept"}, template="finished"),
        PageState("finished, settings forgotten", "visit.finished", query={"settings": "forgotten"}),
        PageState("guide list", "guides.list_guides", template="guide-list"),
        PageState("search, empty", "guides.search", template="search"),
        PageState("search with results", "guides.search", query={"q": "pasport"}, template="search-results"),
        PageState("search, nothing found", "guides.search", query={"q": "zzzzqqq"}),
        PageState("not found", "guides.show_guide", values={"slug": "no-such-guide"}, status=404, template="error-404"),
        PageState("method not allowed", None, values={"path": "/{lang}/finish"}, status=405),
        PageState("expired form", "readability.settings", post={"size": "100"}, omit_csrf=True, status=400,
                  template="error-400"),
        PageState("checklist in another language", "guides.checklist", values={"slug": first_guide},
                  query={"language": "ru"}),
    ]
    for slug in content.guides:
        states.append(PageState(f"guide {slug}", "guides.show_guide", values={"slug": slug},
                                template="guide" if slug == first_guide else None))
        states.append(PageState(f"checklist {slug}", "guides.checklist", values={"slug": slug},
                                template="checklist" if slug == first_guide else None))
    for slug in content.situations:
        states.append(PageState(f"situation {slug}", "guides.show_situation", values={"slug": slug},
                                template="situation" if slug == next(iter(content.situations)) else None))
    return states


def unaudited_endpoints(app) -> set[str]:
    audited = {state.endpoint for state in page_states(app)}
    return {rule.endpoint for rule in app.url_map.iter_rules()} - audited - set(EXCLUDED)
