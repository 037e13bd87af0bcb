"""The base form: every field's text is tidied the same way before validation."""

import re
import unicodedata

from flask_wtf import FlaskForm

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def tidy_text(value):
    """NFC, no control or direction-override characters, any script's digits as 0-9, no outer spaces.

    Kazakh letters and ё are kept as typed: they are part of a person's name.
    """
    if not isinstance(value, str):
        return value
    value = _CONTROL_CHARACTERS.sub("", unicodedata.normalize("NFC", value))
    value = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in value)
    return value.strip()


class KomekForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            return unbound_field.bind(form=form, filters=[tidy_text, *filters], **options)
