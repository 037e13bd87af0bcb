"""Forms for help from a person: booking a time, finding a booking, and asking for a home visit."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, StopValidation, ValidationError

from forms.base import KomekForm
from forms.fields import RadioChoice
from forms.questions import NAME_MESSAGES, PHONE_MESSAGES
from services import validation

ADDRESS_MAX_LENGTH = 300
WEEKDAY_CHOICES = [
    ("mon", _l("Monday")), ("tue", _l("Tuesday")), ("wed", _l("Wednesday")),
    ("thu", _l("Thursday")), ("fri", _l("Friday")), ("sat", _l("Saturday")),
]
TIME_OF_DAY_CHOICES = [("morning", _l("Morning")), ("afternoon", _l("Afternoon"))]
FOR_WHOM_CHOICES = [("self", _l("I need it")), ("other", _l("Someone else needs it"))]
REASON_CHOICES = [
    ("age", _l("Because of age")),
    ("illness", _l("Because of illness")),
    ("disability", _l("Because of a disability")),
    ("other", _l("For another reason")),
]


def _checked(find_problem, normalise, missing, messages):
    """Our message for each problem a check finds, and the stored (normalised) form when it is fine."""
    def check(form, field):
        problem = find_problem(field.data)
        if problem == "empty":
            raise StopValidation(missing)
        if problem:
            raise ValidationError(messages[problem])
        field.data = normalise(field.data)
    return check


class Checkboxes(SelectMultipleField):
    """Any number of answers from a fixed list; none is fine. A value not in the list gets `message`."""

    def __init__(self, label, choices, message, **kwargs):
        super().__init__(label, choices=[SelectChoice(value, text) for value, text in choices], **kwargs)
        self.message = message

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(self.message)


class TimeChoice(RadioChoice):
    """A start time on the chosen day. The view fills the choices; full and past times are checked there too,
    because a time can fill up between showing the page and sending it."""


class BookingForm(KomekForm):
    time = TimeChoice(_l("Choose a time"), [], _l("Choose a time from the list"))
    name = StringField(_l("Full name of the person who will come"),
                       validators=[_checked(validation.check_name, validation.normalise_name,
                                            _l("Enter the full name of the person who will come"), NAME_MESSAGES)])
    phone = StringField(_l("Phone number"),
                        validators=[_checked(validation.check_phone, validation.normalise_phone,
                                             PHONE_MESSAGES["empty"], PHONE_MESSAGES)])
    phone_owner = RadioChoice(_l("Whose phone number is this?"), [
        ("self", _l("The phone of the person who will come")),
        ("relative", _l("A relative’s phone")),
        ("helper", _l("A helper’s or volunteer’s phone")),
    ], _l("Choose whose phone number this is"))


class ChangeTimeForm(KomekForm):
    time = TimeChoice(_l("Choose a new time"), [], _l("Choose a time from the list"))


class FindBookingForm(KomekForm):
    reference = StringField(_l("Reference"), validators=[InputRequired(_l("Enter the reference, for example KMK-7Q4M-9XPD"))])
    secret_code = StringField(_l("Secret code"), validators=[InputRequired(_l("Enter the secret code, for example R7TX-4KQ9"))])


class CancelForm(KomekForm):
    """Only the CSRF token: the booking is the one found earlier in this visit."""


def _check_address(form, field):
    field.data = validation.clean_free_text(field.data)
    if not field.data:
        raise StopValidation(_l("Enter the address for the visit"))
    if validation.check_free_text(field.data, ADDRESS_MAX_LENGTH):
        raise ValidationError(ngettext("Write up to %(max)s characters. Now there are %(num)d.",
                                       "Write up to %(max)s characters. Now there are %(num)d.",
                                       len(field.data), max=ADDRESS_MAX_LENGTH))


def _require_consent(form, field):
    if not field.data:
        raise StopValidation(_l("To send the request, tick the box to say we may call this number"))


class HomeVisitForm(KomekForm):
    for_whom = RadioChoice(_l("Who needs the visit?"), FOR_WHOM_CHOICES, _l("Choose who needs the visit"))
    reason = RadioChoice(_l("Why can the person not travel?"), REASON_CHOICES, _l("Choose why the person cannot travel"))
    name = StringField(_l("Full name of the person who needs the visit"),
                       validators=[_checked(validation.check_name, validation.normalise_name,
                                            _l("Enter the full name of the person who needs the visit"), NAME_MESSAGES)])
    address = TextAreaField(_l("Address for the visit"), validators=[_check_address])
    # Choices are the guides, filled by the view, plus "something else".
    about = RadioChoice(_l("What do you need help with?"), [], _l("Choose what you need help with"))
    days = Checkboxes(_l("Which days suit you?"), WEEKDAY_CHOICES, _l("Choose days from the list"))
    times = Checkboxes(_l("Which time of day suits you?"), TIME_OF_DAY_CHOICES, _l("Choose a time of day from the list"))
    phone = StringField(_l("Phone number we can call"),
                        validators=[_checked(validation.check_phone, validation.normalise_phone,
                                             PHONE_MESSAGES["empty"], PHONE_MESSAGES)])
    consent = BooleanField(_l("You may call this number about the visit"), validators=[_require_consent])
