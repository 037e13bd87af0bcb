"""Forms around the questions: the date of birth that goes with a return code, and reopening a draft."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired

from forms.base import KomekForm
from forms.questions import DatePartsField


class SaveForm(KomekForm):
    """Asked on the save page when the applicant's date of birth is not yet known: it is the second factor."""

    birth_date = DatePartsField(_l("What is the date of birth of the person who applies?"),
                                missing=_l("Enter the date of birth"), past_only=True)

    def __init__(self, birth_question, answers, **kwargs):
        super().__init__(**kwargs)
        self.birth_date.label.text = birth_question.label.for_answers(answers)


class ResumeForm(KomekForm):
    code = StringField(_l("Return code"), validators=[InputRequired(_l("Enter the return code"))])
    birth_date = DatePartsField(_l("Date of birth of the person who applies"),
                                missing=_l("Enter the date of birth of the person who applies"), past_only=True)
