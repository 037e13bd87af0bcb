"""What an application is, as data: its questions, when each applies, and how each is asked.

The engine (views/apply.py, forms/questions.py, templates/pages/apply/) renders, validates, saves,
checks and prints every application from this; adding one needs no new view or template.
"""

from dataclasses import dataclass, field
from typing import Callable

# Who the answers are about. The person filling in may be a relative or neighbour ("other"); then
# every question speaks about the applicant in the third person, with its own msgid per language.
FOR_SELF, FOR_OTHER = "self", "other"


def always(answers: dict) -> bool:
    return True


def answered(name: str, *values: str) -> Callable[[dict], bool]:
    """A condition: the question `name` was answered with one of `values`."""
    return lambda answers: answers.get(name) in values


def for_other(answers: dict) -> bool:
    return answers.get("for_whom") == FOR_OTHER


@dataclass(frozen=True)
class Wording:
    """The same question for the applicant themself and for someone helping them."""

    self: object
    other: object

    def for_answers(self, answers: dict):
        return self.other if for_other(answers) else self.self


@dataclass(frozen=True)
class Question:
    name: str  # answer key; its URL part is the same with hyphens
    kind: str  # choice, name, date, iin, phone, text
    label: Wording  # the page's h1, as a question
    summary: Wording  # short label on "Check your answers" and in "Change …"
    hint: Wording | None = None
    choices: tuple = ()  # (value, label) for kind "choice"
    missing: object = None  # the error when nothing is chosen or typed
    applies: Callable[[dict], bool] = always
    optional: bool = False
    max_length: int = 0  # for text
    # WCAG 1.3.5: the autocomplete token when the person answers about themself.
    autocomplete: str | None = None
    # For dates: whether a date in the future makes sense.
    past_only: bool = True
    # For an IIN: the date-of-birth answer it must agree with.
    birth_date_from: str | None = None
    # A fact shown with its source under the hint, for choices that rest on one (priority groups).
    source_fact: str | None = None

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")


@dataclass(frozen=True)
class Application:
    slug: str  # URL /<lang>/apply/<slug>; also the guide it belongs to
    title: object
    purpose: object
    you_will_need: tuple
    minutes: int
    questions: tuple[Question, ...]
    # The answer used with the return code to reopen a draft on another computer.
    birth_date_question: str = "applicant_birth_date"
    # Checks that warn on the check page (never block): (answers, content, today) -> (message, fact ref) or None.
    warnings: tuple[Callable, ...] = field(default_factory=tuple)
    # Answers that put the case outside what the facts cover: the person is sent to a page that
    # says so and points to 1414, instead of preparing answers we can't stand behind.
    unsupported: Callable[[dict], bool] = lambda answers: False
    unsupported_message: object = None

    def question(self, slug: str) -> Question | None:
        return next((q for q in self.questions if q.slug == slug), None)

    def applicable(self, answers: dict) -> list[Question]:
        return [q for q in self.questions if q.applies(answers)]

    def next_question(self, answers: dict, after: Question | None = None, checking: bool = False) -> Question | None:
        """Where to go next: the first unanswered question that applies; on the first pass, simply the
        next one that applies. None means "Check your answers"."""
        applicable = self.applicable(answers)
        unanswered = [q for q in applicable if q.name not in answers]
        if checking:
            return unanswered[0] if unanswered else None
        if after is None:
            return applicable[0] if applicable else None
        later = applicable[applicable.index(after) + 1:] if after in applicable else applicable
        return later[0] if later else (unanswered[0] if unanswered else None)
