"""Questions that several applications ask: who it is for, who is helping, and the applicant."""

from flask_babel import lazy_gettext as _l

from journeys.base import FOR_OTHER, FOR_SELF, Question, Wording, for_other

YES, NO = "yes", "no"
YES_NO = ((YES, _l("Yes")), (NO, _l("No")))

for_whom = Question(
    "for_whom", "choice",
    label=Wording(_l("Who is this application for?"), _l("Who is this application for?")),
    summary=Wording(_l("Who it is for"), _l("Who it is for")),
    choices=((FOR_SELF, _l("For me")), (FOR_OTHER, _l("For someone else: a relative, a neighbour or a person I care for"))),
    missing=_l("Select who the application is for"),
)

helper_relation = Question(
    "helper_relation", "choice",
    label=Wording(_l("How do you know this person?"), _l("How do you know this person?")),
    summary=Wording(_l("Your relation to the applicant"), _l("Your relation to the applicant")),
    choices=(("relative", _l("I am a relative")), ("neighbour", _l("I am a neighbour")),
             ("carer", _l("I care for this person")), ("helper", _l("I am a volunteer or helper"))),
    missing=_l("Select how you know this person"),
    applies=for_other,
)

helper_name = Question(
    "helper_name", "name",
    label=Wording(_l("What is your name?"), _l("What is your name?")),
    summary=Wording(_l("Prepared by"), _l("Prepared by")),
    hint=Wording(_l("We print it on the answers, so the staff know who helped."),
                 _l("We print it on the answers, so the staff know who helped.")),
    missing=_l("Enter your name"),
    applies=for_other,
    autocomplete="name",
)

applicant_name = Question(
    "applicant_name", "name",
    label=Wording(_l("What is your full name?"), _l("What is the full name of the person you are helping?")),
    summary=Wording(_l("Your full name"), _l("Their full name")),
    hint=Wording(_l("As on your ID card or passport."), _l("As on their ID card or passport.")),
    missing=_l("Enter the full name"),
    autocomplete="name",
)

applicant_birth_date = Question(
    "applicant_birth_date", "date",
    label=Wording(_l("What is your date of birth?"), _l("What is their date of birth?")),
    summary=Wording(_l("Your date of birth"), _l("Their date of birth")),
    hint=Wording(_l("For example, 27 3 1958"), _l("For example, 27 3 1958")),
    missing=_l("Enter the date of birth"),
    autocomplete="bday",
)

applicant_iin = Question(
    "applicant_iin", "iin",
    label=Wording(_l("What is your IIN?"), _l("What is their IIN?")),
    summary=Wording(_l("Your IIN"), _l("Their IIN")),
    hint=Wording(_l("The individual identification number (IIN) has 12 digits. It is on your ID card and passport. If you do not know it, leave this empty."),
                 _l("The individual identification number (IIN) has 12 digits. It is on their ID card and passport. If you do not know it, leave this empty.")),
    optional=True,
    birth_date_from="applicant_birth_date",
)

HELPER_QUESTIONS = (for_whom, helper_relation, helper_name)
APPLICANT_QUESTIONS = (applicant_name, applicant_birth_date, applicant_iin)
