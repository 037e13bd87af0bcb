"""Drafts: answers saved as each page is submitted, reopened with a return code, and submitted once."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from journeys.base import Application
from models import Draft, Submission
from services import cases, codes


def create(db, application: Application, now: datetime, keep_days: int) -> Draft:
    draft = Draft(id=secrets.token_hex(16), application=application.slug, answers={},
                  submit_token=secrets.token_urlsafe(32), created_at=now, updated_at=now,
                  expires_at=now + timedelta(days=keep_days))
    db.add(draft)
    return draft


def load(db, draft_id: str | None, application: Application, now: datetime) -> Draft | None:
    if not draft_id:
        return None
    draft = db.get(Draft, draft_id)
    if draft is None or draft.application != application.slug or draft.expires_at < now:
        return None
    return draft


def save_answer(db, draft: Draft, name: str, value, now: datetime, keep_days: int, key: bytes) -> str | None:
    """Store one answer. Returns the new return code when this was the draft's first answer."""
    draft.answers = {**draft.answers, name: value}
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=keep_days)
    if draft.return_code_hash:
        return None
    code = codes.new_return_code()
    draft.return_code_hash = codes.hash_code(code, key)
    return code


def find_by_return_code(db, code: str | None, birth_date: str | None, application_of, now: datetime, key: bytes) -> Draft | None:
    """The draft for this code whose applicant was born on `birth_date`; None for any mismatch, alike."""
    if not code or not birth_date:
        return None
    draft = db.scalar(select(Draft).where(Draft.return_code_hash == codes.hash_code(code, key)))
    if draft is None or draft.expires_at < now:
        return None
    application = application_of(draft.application)
    if application is None or draft.answers.get(application.birth_date_question) != birth_date:
        return None
    return draft


@dataclass(frozen=True)
class Receipt:
    submission: Submission
    # Shown once, right after confirming; only its hash is stored.
    secret_code: str | None


def submit(db, draft: Draft, application: Application, language: str, now: datetime, key: bytes) -> Receipt:
    """Turn a draft into a submission exactly once: a second click or a retry finds the first one."""
    existing = db.scalar(select(Submission).where(Submission.submit_token == draft.submit_token))
    if existing:
        return Receipt(existing, None)
    answers = {q.name: draft.answers[q.name] for q in application.applicable(draft.answers) if q.name in draft.answers}
    for _attempt in range(3):
        secret_code = codes.new_secret_code()
        submission = Submission(reference=codes.new_reference(), secret_code_hash=codes.hash_code(secret_code, key),
                                submit_token=draft.submit_token, application=application.slug, answers=answers,
                                language=language, status="received", created_at=now)
        try:
            with db.begin_nested():
                db.add(submission)
                cases.record_status(db, submission, "received", now)
            return Receipt(submission, secret_code)
        except IntegrityError:
            # Either another request with the same token won the race (the unique constraint made
            # sure there is one submission), or, once in a trillion, the random reference was taken.
            existing = db.scalar(select(Submission).where(Submission.submit_token == draft.submit_token))
            if existing:
                return Receipt(existing, None)
    raise RuntimeError("could not find a free reference")
