"""Every page and state of the site, built from the app's URL map plus example arguments.

The accessibility audit and the page-weight budget both walk this list. A route that is neither here
nor in EXCLUDED (with a reason) fails `test_every_route_is_audited`, so a new page can't be forgotten.
"""

from tests.page_registry_common import LANGUAGES, PageState

from tests.page_registry_help import EXCLUDED as EXCLUDED_HELP
from tests.page_registry_help import help_states
from tests.page_registry_staff import EXCLUDED as EXCLUDED_STAFF
from tests.page_registry_staff import staff_states
from tests.page_registry_status import EXCLUDED as EXCLUDED_STATUS
from tests.page_registry_status import status_states



# Routes that render no page of their own.
EXCLUDED = {
    "static": "files, not pages",
    "listen.audio": "audio files, not pages (tested in tests/views/test_listen.py)",
    "root.choose_language": "only redirects to /<lang>/ (tested in tests/views/test_pages.py)",
    "apply.begin": "a POST that starts a draft and redirects to the first question, which is audited",
    "apply.confirm": "a POST that redirects to apply.done, which is audited",
    "visit.keep_alive": "answers 204 with no page: the timeout warning's Continue button",
}


def page_states(app) -> list[PageState]:
    content = app.extensions["komek_content"]
    first_guide = next(iter(content.guides))
    states = [
        PageState("home", "pages.home", template="home"),
        PageState("home at a library terminal", "pages.home", query={"terminal": "library"}, template="home-library"),
        PageState("accessibility", "pages.accessibility", template="accessibility"),
        PageState("privacy", "pages.privacy", template="privacy"),
        PageState("settings", "readability.settings", query={"next": "/kk/"}, template="settings"),
        PageState("settings with an error", "readability.settings", post={"size": "999", "scheme": "device"},
                  template="settings-error"),
        PageState("finished, settings kept", "visit.finished", query={"settings": "kept"}, template="finished"),
        PageState("finished, settings forgotten", "visit.finished", query={"settings": "forgotten"}),
        PageState("finish with an unfinished draft: write down the code", "visit.finish", post={},
                  prepare=_walked("id-card", stop_before="circumstances"),
                  template="before-finish"),
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
        PageState("pack: choose", "guides.pack", values={"slug": "id-card"}, template="pack"),
        PageState("pack: made, in another language", "guides.pack", values={"slug": "id-card"},
                  post={"language": "ru", "helper_phone": "8 701 123 45 67"}, template="pack-made"),
        PageState("pack: wrong phone", "guides.pack", values={"slug": "id-card"}, post={"language": "kk", "helper_phone": "12"},
                  template="pack-error"),
        PageState("pack: after an application, with its reference", "guides.pack", values={"slug": "id-card"},
                  post={"language": "en", "include_reference": "y"}, prepare=_submitted("id-card", for_other=True)),
    ]
    for slug in content.guides:
        states.append(PageState(f"guide {slug}", "guides.show_guide", values={"slug": slug},
                                template="guide" if slug == first_guide else None))
        states.append(PageState(f"checklist {slug}", "guides.checklist", values={"slug": slug},
                                template="checklist" if slug == first_guide else None))
    states += application_states()
    states += help_states() + staff_states() + status_states()
    for slug in content.situations:
        states.append(PageState(f"situation {slug}", "guides.show_situation", values={"slug": slug},
                                template="situation" if slug == next(iter(content.situations)) else None))
    return states


def unaudited_endpoints(app) -> set[str]:
    audited = {state.endpoint for state in page_states(app)}
    excluded = {**EXCLUDED, **EXCLUDED_HELP, **EXCLUDED_STAFF, **EXCLUDED_STATUS}
    return {rule.endpoint for rule in app.url_map.iter_rules()} - audited - set(excluded)


def _walked(slug, for_other=False, stop_before=None, then=None):
    def prepare(client, lang):
        from tests.journey_support import walk

        walk(client, slug, lang, for_other=for_other, stop_before=stop_before)
        if then:
            then(client, lang)
    return prepare


def _submitted(slug, for_other=False):
    def prepare(client, lang):
        from tests.journey_support import submit

        submit(client, slug, lang, for_other=for_other)
    return prepare


# For each kind of question, a wrong answer that shows its error message.
WRONG_ANSWERS = {"choice": {}, "name": {"{name}": "<script>x</script>"}, "date": {"{name}-day": "31", "{name}-month": "2", "{name}-year": "2020"},
                 "iin": {"{name}": "12345"}, "phone": {"{name}": "12"}, "text": {"{name}": ""}}


def application_states() -> list[PageState]:
    from journeys import APPLICATIONS
    from tests.journey_support import application_questions

    states = [
        PageState("resume", "apply.resume", template="apply-resume"),
        PageState("resume, wrong code", "apply.resume", post={"code": "AAAA-BBBB-CC", "birth_date-day": "1",
                  "birth_date-month": "1", "birth_date-year": "1950"}, template="apply-resume-error"),
    ]
    for slug, application in APPLICATIONS.items():
        values = {"application": slug}
        states += [
            PageState(f"{slug}: start", "apply.start", values, template="apply-start"),
            PageState(f"{slug}: not covered", "apply.not_covered", values, template="apply-not-covered"),
            PageState(f"{slug}: check", "apply.check", values, prepare=_walked(slug), template=f"apply-check-{slug}"),
            PageState(f"{slug}: check, for someone else", "apply.check", values, prepare=_walked(slug, for_other=True)),
            PageState(f"{slug}: save, asking the date of birth", "apply.save", values,
                      prepare=_walked(slug, stop_before="applicant_name"), template=f"apply-save-{slug}"),
            PageState(f"{slug}: save, with the code", "apply.save", values, prepare=_walked(slug)),
            PageState(f"{slug}: done", "apply.done", values, prepare=_submitted(slug), template="apply-done"),
            PageState(f"{slug}: answers to print", "apply.answers", values, prepare=_submitted(slug), template=f"apply-answers-{slug}"),
            PageState(f"{slug}: keep this slip", "apply.keep_this", values, prepare=_submitted(slug), template="apply-keep-this"),
        ]
        for for_other in (False, True):
            for name in application_questions(slug, for_other):
                question = next(q for q in application.questions if q.name == name)
                qvalues = {**values, "question": question.slug}
                who = "someone else" if for_other else "self"
                prepare = _walked(slug, for_other=for_other, stop_before=name)
                states.append(PageState(f"{slug}: {name} ({who})", "apply.question", qvalues, prepare=prepare,
                                        template=f"apply-question-{question.kind}" if not for_other else None))
                if not for_other:
                    wrong = {key.format(name=name): value for key, value in WRONG_ANSWERS[question.kind].items()}
                    states.append(PageState(f"{slug}: {name} with an error", "apply.question", qvalues, prepare=prepare,
                                            post=wrong, template=f"apply-question-{question.kind}-error"))
    # One state per template in the scheme × size audit: the first one keeps its template name.
    seen = set()
    for index, state in enumerate(states):
        if state.template in seen:
            states[index] = PageState(**{**state.__dict__, "template": None})
        seen.add(state.template)
    return states
