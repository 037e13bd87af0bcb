"""Cases: anything a person follows with a reference and a secret code (an application, an appointment,
a home-visit request). One status vocabulary, one history, one way to find a case, one outbox.
"""

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import select

from models import Appointment, HomeVisit, Notice, StatusEvent, Submission
from services import codes

KINDS = {"application": Submission, "appointment": Appointment, "home_visit": HomeVisit}
# In the order a case moves through them; "cancelled" can follow any of the first three.
STATUSES = ("received", "in_progress", "ready", "done", "cancelled")

# Checked when the reference does not exist, so a wrong reference costs the same as a wrong code.
_DUMMY_HASH = "0" * 64


def kind_of(case) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(case, model))


def new_codes(key: bytes) -> tuple[str, str, str]:
    """A fresh reference, a secret code, and the code's keyed hash (only the hash is stored)."""
    secret = codes.new_secret_code()
    return codes.new_reference(), secret, codes.hash_code(secret, key)


def record_status(db, case, to_status: str, now: datetime, *, staff_id: int | None = None, note: str | None = None,
                  notice_text: str | None = None) -> StatusEvent:
    """Move a case to `to_status`, keep the step in its history, and queue a notice when there is one."""
    if to_status not in STATUSES:
        raise ValueError(f"unknown status {to_status!r}")
    kind = kind_of(case)
    db.flush()  # a new case needs its id
    previous = db.scalar(select(StatusEvent.to_status).where(StatusEvent.case_kind == kind, StatusEvent.case_id == case.id)
                         .order_by(StatusEvent.id.desc()).limit(1))
    event = StatusEvent(case_kind=kind, case_id=case.id, from_status=previous, to_status=to_status, note=note,
                        staff_id=staff_id, created_at=now)
    case.status = to_status
    db.add(event)
    if notice_text:
        db.add(Notice(case_kind=kind, case_id=case.id, language=case.language, text=notice_text, backend="outbox",
                      created_at=now))
    return event


def history(db, case) -> list[StatusEvent]:
    return list(db.scalars(select(StatusEvent).where(StatusEvent.case_kind == kind_of(case), StatusEvent.case_id == case.id)
                           .order_by(StatusEvent.created_at, StatusEvent.id)))


def find(db, reference_text: str, secret_text: str, key: bytes):
    """The case with this reference and secret code, or None. The same work is done whether the reference
    exists or not, and whether the code or the reference is wrong, so the answer reveals nothing."""
    reference = codes.parse_reference(reference_text)
    secret = codes.parse_secret_code(secret_text)
    # Every table is asked every time (no early exit), so the time taken says nothing about where it was.
    candidates = [db.scalar(select(model).where(model.reference == (reference or ""))) for model in KINDS.values()]
    found = next((candidate for candidate in candidates if candidate is not None), None)
    secret_hash = codes.hash_code(secret or "-", key)
    expected = found.secret_code_hash if found else _DUMMY_HASH
    matches = hmac.compare_digest(secret_hash.encode(), expected.encode())
    return found if (found is not None and secret is not None and matches) else None


def reference_key(reference_text: str, key: bytes) -> str:
    """An opaque key for counting tries on a reference, whether or not it exists (so a lock reveals nothing)."""
    canonical = codes.parse_reference(reference_text) or codes.normalise_code(reference_text)[:40]
    return "status-ref:" + hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()[:40]
