from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from forms.base import KomekForm


class StatusForm(KomekForm):
    reference = StringField(_l("Reference"), validators=[InputRequired(_l("Enter the reference")), Length(max=40, message=_l("A reference is 13 characters, for example KMK-7Q4M-9XPD"))])
    secret_code = StringField(_l("Secret code"), validators=[InputRequired(_l("Enter the secret code")), Length(max=40, message=_l("A secret code is 9 characters, for example R7TX-4KQ9"))])
