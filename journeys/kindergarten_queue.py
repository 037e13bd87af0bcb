"""Put a child in the kindergarten queue. The child's age is checked against the sourced maximum:
a mismatch warns, with the source, and never blocks (the rules may have changed)."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from journeys.base import Application, Question, Wording
from journeys.common import APPLICANT_QUESTIONS, HELPER_QUESTIONS
from services.validation import age_on

MAX_AGE_FACT = "kindergarten_queue.eligible_age_max"

child_name = Question(
    "subject_name", "name",
    label=Wording(_l("What is the child's full name?"), _l("What is the child's full name?")),
    summary=Wording(_l("Child's full name"), _l("Child's full name")),
    hint=Wording(_l("As on the birth certificate."), _l("As on the birth certificate.")),
    missing=_l("Enter the child's full name"),
)

child_birth_date = Question(
    "subject_birth_date", "date",
    label=Wording(_l("What is the child's date of birth?"), _l("What is the child's date of birth?")),
    summary=Wording(_l("Child's date of birth"), _l("Child's date of birth")),
    hint=Wording(_l("For example, 27 3 2023"), _l("For example, 27 3 2023")),
    missing=_l("Enter the child's date of birth"),
)

child_iin = Question(
    "subject_iin", "iin",
    label=Wording(_l("What is the child's IIN?"), _l("What is the child's IIN?")),
    summary=Wording(_l("Child's IIN"), _l("Child's IIN")),
    hint=Wording(_l("12 digits. If you do not know it, leave this empty."), _l("12 digits. If you do not know it, leave this empty.")),
    optional=True,
    birth_date_from="subject_birth_date",
)

contact_phone = Question(
    "contact_phone", "phone",
    label=Wording(_l("What phone number can we call?"), _l("What phone number can we call about this application?")),
    summary=Wording(_l("Phone"), _l("Phone")),
    hint=Wording(_l("A Kazakhstan mobile number, for example +7 701 123 45 67. It can be a relative's number."),
                 _l("A Kazakhstan mobile number, for example +7 701 123 45 67. It can be your number.")),
    missing=_l("Enter a phone number"),
    autocomplete="tel",
)

priority = Question(
    "priority", "choice",
    label=Wording(_l("Does the child belong to a priority group?"), _l("Does the child belong to a priority group?")),
    summary=Wording(_l("Priority group"), _l("Priority group")),
    hint=Wording(_l("This list is from an old page. The rules changed in 2024. Check at 1414."),
                 _l("This list is from an old page. The rules changed in 2024. Check at 1414.")),
    choices=(("parent_disability", _l("A parent or legal representative has a disability")),
             ("orphan", _l("An orphan, or a child left without parental care")),
             ("large_family", _l("A child from a large family")),
             ("special_needs", _l("A child with special educational needs")),
             ("none", _l("None of these, or I do not know"))),
    missing=_l("Select a priority group, or “None of these”"),
    source_fact="kindergarten_queue.priority_categories",
)


def child_older_than_the_sourced_maximum(answers: dict, content, today: date):
    born = answers.get("subject_birth_date")
    maximum = content.facts[MAX_AGE_FACT].value
    if not born:
        return None
    age = age_on(date.fromisoformat(born), today)
    if age <= maximum:
        return None
    return ngettext("The child is %(num)d year old. The sources say the queue is for children aged %(max)s or younger. Check at 1414 before you go.",
                    "The child is %(num)d years old. The sources say the queue is for children aged %(max)s or younger. Check at 1414 before you go.",
                    age, max=maximum), MAX_AGE_FACT


APPLICATION = Application(
    slug="kindergarten-queue",
    title=_l("Put a child in the kindergarten queue"),
    purpose=_l("Prepare your answers to put a child in the queue for a state kindergarten."),
    you_will_need=(_l("The parent's full name and date of birth."),
                   _l("The child's full name and date of birth, as on the birth certificate."),
                   _l("A phone number we can call.")),
    minutes=5,
    questions=(*HELPER_QUESTIONS, *APPLICANT_QUESTIONS, child_name, child_birth_date, child_iin, contact_phone, priority),
    warnings=(child_older_than_the_sourced_maximum,),
)
