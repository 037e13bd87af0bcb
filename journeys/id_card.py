"""Replace a lost or stolen ID card: the two reasons whose document lists are sourced."""

from flask_babel import lazy_gettext as _l

from journeys.base import Application, Question, Wording, answered
from journeys.common import APPLICANT_QUESTIONS, HELPER_QUESTIONS, YES_NO

LOST, STOLEN, OTHER_REASON = "lost", "stolen", "other"

reason = Question(
    "reason", "choice",
    label=Wording(_l("Why do you need a new ID card?"), _l("Why does this person need a new ID card?")),
    summary=Wording(_l("Reason"), _l("Reason")),
    choices=((LOST, _l("It was lost")), (STOLEN, _l("It was stolen")),
             (OTHER_REASON, _l("Another reason, for example it is damaged or the name changed"))),
    missing=_l("Select why a new ID card is needed"),
)

circumstances = Question(
    "circumstances", "text",
    label=Wording(_l("How was your ID card lost or stolen?"), _l("How was their ID card lost or stolen?")),
    summary=Wording(_l("How it was lost or stolen"), _l("How it was lost or stolen")),
    hint=Wording(_l("Say when and where, in a few words. The application must say this. Up to 500 characters."),
                 _l("Say when and where, in a few words. The application must say this. Up to 500 characters.")),
    missing=_l("Say how the ID card was lost or stolen"),
    max_length=500,
)

police_report = Question(
    "police_report", "choice",
    label=Wording(_l("Did you report the theft to the police?"), _l("Did this person report the theft to the police?")),
    summary=Wording(_l("Theft reported to the police"), _l("Theft reported to the police")),
    hint=Wording(_l("For a stolen card, you bring the police notice slip (талон-уведомление)."),
                 _l("For a stolen card, they bring the police notice slip (талон-уведомление).")),
    choices=YES_NO,
    missing=_l("Select yes or no"),
    applies=answered("reason", STOLEN),
)

APPLICATION = Application(
    slug="id-card",
    title=_l("Replace a lost or stolen ID card"),
    purpose=_l("Prepare your answers for a new ID card when the old one was lost or stolen."),
    you_will_need=(_l("The full name and date of birth of the person who needs the card."),
                   _l("Their IIN, if you know it."),
                   _l("A few words on how the card was lost or stolen.")),
    minutes=5,
    questions=(*HELPER_QUESTIONS, reason, *APPLICANT_QUESTIONS, circumstances, police_report),
    unsupported=answered("reason", OTHER_REASON),
    unsupported_message=_l("We could not confirm which documents you need for this reason. Call 1414 or check the official page before you go."),
)
