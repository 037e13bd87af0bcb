"""Journey routing as data: answers → the next step, for every application."""

import pytest

from journeys import APPLICATIONS
from journeys.id_card import APPLICATION as ID_CARD
from journeys.kindergarten_queue import child_older_than_the_sourced_maximum
from views.apply import RESERVED_SLUGS


def _names(questions):
    return [q.name for q in questions]


def test_someone_else_is_asked_who_they_are_and_how_they_know_the_applicant():
    assert _names(ID_CARD.applicable({"for_whom": "self"}))[:2] == ["for_whom", "reason"]
    assert _names(ID_CARD.applicable({"for_whom": "other"}))[:4] == ["for_whom", "helper_relation", "helper_name", "reason"]


@pytest.mark.parametrize("answers, after, checking, expected", [
    ({}, None, False, "for_whom"),
    ({"for_whom": "self"}, "for_whom", False, "reason"),
    ({"for_whom": "self", "reason": "lost"}, "reason", False, "applicant_name"),
    # The police question only applies to a theft.
    ({"for_whom": "self", "reason": "stolen", "circumstances": "x"}, "circumstances", False, "police_report"),
    ({"for_whom": "self", "reason": "lost", "circumstances": "x"}, "circumstances", False, "applicant_name"),
    # After "Check your answers", a change goes back there…
    ({"for_whom": "self", "reason": "lost", "applicant_name": "A", "applicant_birth_date": "1958-03-27",
      "applicant_iin": "", "circumstances": "x"}, "applicant_name", True, None),
    # …unless a question that now applies is unanswered (lost → stolen adds the police question).
    ({"for_whom": "self", "reason": "stolen", "applicant_name": "A", "applicant_birth_date": "1958-03-27",
      "applicant_iin": "", "circumstances": "x"}, "reason", True, "police_report"),
    # Switching to "someone else" asks for the helper's details before going back.
    ({"for_whom": "other", "reason": "lost", "applicant_name": "A", "applicant_birth_date": "1958-03-27",
      "applicant_iin": "", "circumstances": "x"}, "for_whom", True, "helper_relation"),
])
def test_next_question(answers, after, checking, expected):
    following = ID_CARD.next_question(answers, after=ID_CARD.question(after.replace("_", "-")) if after else None, checking=checking)
    assert (following.name if following else None) == expected


@pytest.mark.parametrize("application", APPLICATIONS.values(), ids=lambda a: a.slug)
def test_every_question_has_both_wordings_and_a_free_url(application):
    for question in application.questions:
        assert question.slug not in RESERVED_SLUGS
        assert question.label.self and question.label.other and question.summary.self
        assert question.optional or question.missing, f"{question.name} needs a message for an empty answer"
    assert application.birth_date_question in {q.name for q in application.questions}


def test_reasons_without_sourced_documents_are_not_prepared():
    assert ID_CARD.unsupported({"reason": "other"})
    assert not ID_CARD.unsupported({"reason": "stolen"})


class _Facts:
    facts = {"kindergarten_queue.eligible_age_max": type("Fact", (), {"value": 6})()}


@pytest.mark.parametrize("born, warned", [("2020-11-26", False), ("2019-11-24", True), (None, False)])
def test_a_child_older_than_the_sourced_maximum_is_warned_not_blocked(app, born, warned):
    import datetime

    with app.test_request_context():
        result = child_older_than_the_sourced_maximum({"subject_birth_date": born} if born else {}, _Facts, datetime.date(2026, 11, 25))
    assert bool(result) == warned
    if warned:
        message, ref = result
        assert "7" in str(message) and ref == "kindergarten_queue.eligible_age_max"
