"""The owner asks to remove a person who is registered at their home but does not live there."""

from flask_babel import lazy_gettext as _l

from journeys.base import Application, Question, Wording, answered
from journeys.common import APPLICANT_QUESTIONS, HELPER_QUESTIONS, NO, YES_NO

is_owner = Question(
    "is_owner", "choice",
    label=Wording(_l("Do you own the home?"), _l("Does this person own the home?")),
    summary=Wording(_l("Owner of the home"), _l("Owner of the home")),
    hint=Wording(_l("Only the owner can ask to remove a person from their address."),
                 _l("Only the owner can ask to remove a person from their address.")),
    choices=YES_NO,
    missing=_l("Select yes or no"),
)

home_address = Question(
    "home_address", "text",
    label=Wording(_l("What is the address of your home?"), _l("What is the address of their home?")),
    summary=Wording(_l("Address of the home"), _l("Address of the home")),
    hint=Wording(_l("Town or village, street, house and flat. Up to 200 characters."),
                 _l("Town or village, street, house and flat. Up to 200 characters.")),
    missing=_l("Enter the address of the home"),
    max_length=200,
)

subject_name = Question(
    "subject_name", "name",
    label=Wording(_l("Who do you want to remove from your address?"), _l("Who does this person want to remove from their address?")),
    summary=Wording(_l("Person to remove"), _l("Person to remove")),
    hint=Wording(_l("Their full name, as you know it."), _l("The full name, as you know it.")),
    missing=_l("Enter the full name of the person to remove"),
)

subject_iin = Question(
    "subject_iin", "iin",
    label=Wording(_l("What is the IIN of the person to remove?"), _l("What is the IIN of the person to remove?")),
    summary=Wording(_l("IIN of the person to remove"), _l("IIN of the person to remove")),
    hint=Wording(_l("At ЦОН you need this person's IIN. You can see it in your eGov.kz account. If you do not know it, leave this empty."),
                 _l("At ЦОН you need this person's IIN. The owner can see it in their eGov.kz account. If you do not know it, leave this empty.")),
    optional=True,
)

co_owners = Question(
    "co_owners", "choice",
    label=Wording(_l("Does anyone else own the home with you?"), _l("Does anyone else own the home with this person?")),
    summary=Wording(_l("Other owners"), _l("Other owners")),
    hint=Wording(_l("Other owners must confirm the removal in their own eGov.kz account."),
                 _l("Other owners must confirm the removal in their own eGov.kz account.")),
    choices=(*YES_NO, ("unknown", _l("I do not know"))),
    missing=_l("Select yes, no or I do not know"),
)

APPLICATION = Application(
    slug="remove-registered-person",
    title=_l("Remove a person registered at your home"),
    purpose=_l("Prepare your answers to remove someone who is registered at your home but does not live there."),
    you_will_need=(_l("The owner's full name and date of birth."),
                   _l("The address of the home."),
                   _l("The full name of the person to remove, and their IIN if you know it.")),
    minutes=5,
    questions=(*HELPER_QUESTIONS, is_owner, *APPLICANT_QUESTIONS, home_address, subject_name, subject_iin, co_owners),
    unsupported=answered("is_owner", NO),
    unsupported_message=_l("Only the owner of the home can ask to remove a person. Ask the owner to apply, or call 1414."),
)
