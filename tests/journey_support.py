"""Example answers for every application, and a walker that answers questions through the test client."""

import re

from journeys import APPLICATIONS

SELF = {"for_whom": {"for_whom": "self"}}
OTHER = {
    "for_whom": {"for_whom": "other"},
    "helper_relation": {"helper_relation": "relative"},
    "helper_name": {"helper_name": "Ерлан Асқарұлы"},
}
APPLICANT = {
    "applicant_name": {"applicant_name": "Айгүл Серікқызы Нұрланова"},
    "applicant_birth_date": {"applicant_birth_date-day": "27", "applicant_birth_date-month": "3", "applicant_birth_date-year": "1958"},
    "applicant_iin": {"applicant_iin": "580327 400003"},
}
SPECIFIC = {
    "id-card": {
        "reason": {"reason": "lost"},
        "circumstances": {"circumstances": "Жоғалттым. Базарда, қараша айында. <b>кейін</b>"},
        "police_report": {"police_report": "yes"},
    },
    "remove-registered-person": {
        "is_owner": {"is_owner": "yes"},
        "home_address": {"home_address": "Алматы, Абай даңғылы 1, 5-пәтер"},
        "subject_name": {"subject_name": "Иван Петров"},
        "subject_iin": {"subject_iin": ""},
        "co_owners": {"co_owners": "no"},
    },
    "kindergarten-queue": {
        "subject_name": {"subject_name": "Әлия Ерланқызы"},
        "subject_birth_date": {"subject_birth_date-day": "2", "subject_birth_date-month": "5", "subject_birth_date-year": "2023"},
        "subject_iin": {"subject_iin": "230502600005"},
        "contact_phone": {"contact_phone": "8 (701) 123-45-67"},
        "priority": {"priority": "none"},
    },
}


def example_answers(slug: str, for_other: bool = False) -> dict[str, dict]:
    return {**(OTHER if for_other else SELF), **APPLICANT, **SPECIFIC[slug]}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post_with_token(client, path: str, data: dict):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def walk(client, slug: str, lang: str, for_other: bool = False, stop_before: str | None = None) -> str:
    """Start a draft and answer question after question; return the path where the walk stopped
    (the question `stop_before`, or the check page)."""
    answers = example_answers(slug, for_other)
    location = post_with_token(client, f"/{lang}/apply/{slug}", {}).headers["Location"]
    while not location.endswith("/check"):
        question = location.rsplit("/", 1)[1].replace("-", "_")
        if question == stop_before:
            return location
        response = post_with_token(client, location, answers[question])
        assert response.status_code == 303, (location, response.get_data(as_text=True)[:2000])
        location = response.headers["Location"]
    return location


def submit(client, slug: str, lang: str, for_other: bool = False) -> str:
    check = walk(client, slug, lang, for_other)
    return post_with_token(client, check, {}).headers["Location"]


def application_questions(slug: str, for_other: bool = False) -> list[str]:
    application = APPLICATIONS[slug]
    return [q.name for q in application.applicable({k: list(v.values())[0] for k, v in example_answers(slug, for_other).items()})]
