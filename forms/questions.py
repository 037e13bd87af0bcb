"""One small form per question, built from the journey's data: the field for its kind, and our own
whole-sentence messages for every problem the checks in services/validation.py can find."""

import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from forms.base import KomekForm, tidy_text
from forms.fields import RadioChoice
from journeys.base import Question
from services import validation

DATE_PARTS = ("day", "month", "year")

DATE_MESSAGES = {
    "missing_day": _l("The date must include a day"),
    "missing_month": _l("The date must include a month"),
    "missing_year": _l("The date must include a year"),
    "not_a_number": _l("Use numbers for the day, month and year, for example 27 3 1958"),
    "year_not_four_digits": _l("The year must have 4 digits, for example 1958"),
    "not_real": _l("Enter a real date, for example 27 3 1958"),
    "future": _l("The date must be today or in the past"),
}
NAME_MESSAGES = {
    "too_long": _l("The name must be 100 characters or fewer"),
    "bad_characters": _l("A name can have only letters, spaces, hyphens and apostrophes"),
}
PHONE_MESSAGES = {
    # Nothing but spaces, dashes, dots or brackets: as good as nothing typed.
    "empty": _l("Enter a phone number, for example +7 701 123 45 67"),
    "bad_characters": _l("A phone number can have only digits, spaces, brackets, dashes and a plus"),
    "too_short": _l("The number is too short. Enter 10 digits after +7, for example +7 701 123 45 67"),
    "too_long": _l("The number is too long. Enter 10 digits after +7, for example +7 701 123 45 67"),
    "not_kazakhstan": _l("Enter a Kazakhstan number that starts with +7 7 or 8 7"),
}
IIN_MESSAGES = {
    "not_digits": _l("An IIN has only digits. Check the number on the ID card"),
    "bad_date": _l("This IIN is not right: its first 6 digits are a date of birth. Check the number"),
    "bad_century": _l("This IIN is not right. Check each digit on the ID card"),
    "check_digit": _l("This IIN is not right. Check each digit on the ID card"),
    "birth_date_mismatch": _l("This IIN does not match the date of birth. Check both"),
}


class DatePartsField(Field):
    """Day, month and year as three boxes (the GOV.UK date-input pattern); data is an ISO date string.

    What was typed stays in `parts`, so a wrong date comes back exactly as the person wrote it.
    """

    def __init__(self, label, missing, past_only, **kwargs):
        super().__init__(label, **kwargs)
        self.missing = missing
        self.past_only = past_only
        self.parts = dict.fromkeys(DATE_PARTS, "")

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        names = [f"{self.name}-{part}" for part in DATE_PARTS]
        if formdata is not None and any(name in formdata for name in names):
            self.parts = {part: tidy_text(formdata.get(name, ""))[:20] for part, name in zip(DATE_PARTS, names)}
            self.data = None
        elif data:
            day = datetime.date.fromisoformat(data)
            self.parts = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
            self.data = data

    def pre_validate(self, form):
        when, problem = validation.parse_date_parts(self.parts["day"], self.parts["month"], self.parts["year"])
        if problem == "empty":
            raise StopValidation(self.missing)
        if problem:
            raise StopValidation(DATE_MESSAGES[problem])
        if self.past_only and validation.check_past(when, datetime.date.today()):
            raise StopValidation(DATE_MESSAGES["future"])
        self.data = when.isoformat()


def _check_and_normalise(question, find_problem, normalise, messages):
    """A validator for a one-line answer: our message for each problem, and the stored form when it is fine."""
    def check(form, field):
        problem = find_problem(field.data)
        if problem == "empty":
            raise StopValidation(question.missing)
        if problem:
            raise ValidationError(messages[problem])
        field.data = normalise(field.data)
    return check


def _check_text(question):
    def check(form, field):
        field.data = validation.clean_free_text(field.data)
        if not field.data:
            raise StopValidation(question.missing)
        if validation.check_free_text(field.data, question.max_length):
            raise ValidationError(ngettext("Write up to %(max)s characters. Now there are %(num)d.",
                                           "Write up to %(max)s characters. Now there are %(num)d.",
                                           len(field.data), max=question.max_length))
    return check


def _check_iin(question, answers):
    def check(form, field):
        if not validation.normalise_iin(field.data) and question.optional and not field.data.strip():
            field.data = ""
            return
        birth = answers.get(question.birth_date_from) if question.birth_date_from else None
        problem = validation.check_iin(field.data, datetime.date.fromisoformat(birth) if birth else None)
        if problem is None:
            field.data = validation.normalise_iin(field.data)
            return
        if problem.code == "empty":
            raise StopValidation(_l("Enter the IIN"))
        if problem.code in ("too_short", "too_long"):
            raise ValidationError(ngettext("The IIN has %(num)d digit. It needs 12. Check the number on the ID card",
                                           "The IIN has %(num)d digits. It needs 12. Check the number on the ID card",
                                           problem.digits))
        raise ValidationError(IIN_MESSAGES[problem.code])
    return check


def question_field(question: Question, answers: dict):
    label = question.label.for_answers(answers)
    if question.kind == "choice":
        return RadioChoice(label, question.choices, question.missing)
    if question.kind == "date":
        return DatePartsField(label, question.missing, question.past_only)
    if question.kind == "text":
        return TextAreaField(label, validators=[_check_text(question)])
    if question.kind == "iin":
        return StringField(label, validators=[_check_iin(question, answers)])
    if question.kind == "phone":
        return StringField(label, validators=[_check_and_normalise(question, validation.check_phone,
                                                                   validation.normalise_phone, PHONE_MESSAGES)])
    return StringField(label, validators=[_check_and_normalise(question, validation.check_name,
                                                               validation.normalise_name, NAME_MESSAGES)])


def question_form(question: Question, answers: dict, formdata=None, csrf=True):
    """A form for one question, filled from the saved answer unless the person has just typed something."""
    form_class = type("QuestionForm", (KomekForm,), {question.name: question_field(question, answers)})
    saved = answers.get(question.name)
    return form_class(formdata=formdata, data={question.name: saved} if saved is not None else None,
                      meta={"csrf": csrf})
