"""Forms of the helpers' console: sign in, change a status, unlock a reference."""

from flask_babel import lazy_gettext as _l, ngettext
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, StopValidation, ValidationError

from forms.base import KomekForm
from forms.fields import RadioChoice
from services import codes, validation
from services.cases import STATUSES

NOTE_MAX_LENGTH = 500

STATUS_LABELS = {
    "received": _l("Received"),
    "in_progress": _l("In progress"),
    "ready": _l("Ready"),
    "done": _l("Done"),
    "cancelled": _l("Cancelled"),
}
KIND_LABELS = {
    "application": _l("Application"),
    "appointment": _l("Appointment"),
    "home_visit": _l("Home visit"),
}


class SignInForm(KomekForm):
    username = StringField(_l("Username"), validators=[InputRequired(_l("Enter your username"))])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password"))])

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # A password is checked exactly as typed: tidying it (trimming, changing digits) would make a
            # password set in the terminal fail here. Every other field is tidied as on any other form.
            if unbound_field.field_class is PasswordField:
                return unbound_field.bind(form=form, **options)
            return KomekForm.Meta.bind_field(self, form, unbound_field, options)


def _check_note(form, field):
    field.data = validation.clean_free_text(field.data)
    if len(field.data) > NOTE_MAX_LENGTH:
        raise ValidationError(ngettext("Write up to %(max)s characters. Now there are %(num)d.",
                                       "Write up to %(max)s characters. Now there are %(num)d.",
                                       len(field.data), max=NOTE_MAX_LENGTH))


class StatusForm(KomekForm):
    status = RadioChoice(_l("New status"), [(value, STATUS_LABELS[value]) for value in STATUSES],
                         _l("Choose the new status"))
    note = TextAreaField(_l("Note for the helpers (optional)"), validators=[_check_note])

    def __init__(self, current_status: str, **kwargs):
        super().__init__(**kwargs)
        self.current_status = current_status

    def validate_status(self, field):
        if field.data == self.current_status:
            raise StopValidation(_l("This is already the status. Choose a different one."))


class UnlockForm(KomekForm):
    reference = StringField(_l("Reference"), validators=[InputRequired(_l("Enter the reference"))])

    def validate_reference(self, field):
        if codes.parse_reference(field.data) is None:
            raise ValidationError(_l("Enter a reference like KMK-7Q4M-9XPD. Letters and numbers only."))
