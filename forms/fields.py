"""Fields whose every error message is our own whole, translated sentence (never WTForms' English)."""

from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


class RadioChoice(RadioField):
    """One answer from a fixed list of (value, label) pairs. Missing and tampered values both get `message`."""

    def __init__(self, label, choices, message, **kwargs):
        super().__init__(label, choices=[SelectChoice(value, text) for value, text in choices],
                         validate_choice=False, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)
