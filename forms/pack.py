"""The on-behalf pack: what a volunteer chooses for the person they help."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from forms.base import KomekForm
from forms.fields import RadioChoice
from forms.questions import PHONE_MESSAGES
from services import validation
from web.i18n import LANGUAGE_NAMES


class PackForm(KomekForm):
    language = RadioChoice(_l("Which language does the person read?"), list(LANGUAGE_NAMES.items()),
                           _l("Choose the language of the pack"))
    helper_phone = StringField(_l("Your phone number, if you want them to call you (optional)"))
    include_reference = BooleanField(_l("Add the reference of the application you prepared"))

    def validate_helper_phone(self, field):
        if not (field.data or "").strip():
            field.data = ""
            return
        problem = validation.check_phone(field.data)
        if problem:
            raise ValidationError(PHONE_MESSAGES[problem])
        field.data = validation.normalise_phone(field.data)
