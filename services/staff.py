"""The helpers' console: accounts and passwords, sign-in limits, what each helper may see, the audit log,
status changes, unlocking a reference, and the outbox of notices.

Plain functions over models: no request or session objects in here; the view passes in what it knows.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from models import Appointment, Attempt, AuditEntry, HomeVisit, Notice, ReferenceLock, StaffAccount, Submission
from services import attempts, codes
from services.cases import KINDS, record_status, reference_key

MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 20
OPEN_STATUSES = ("received", "in_progress", "ready")
USERNAME_MAX_LENGTH = 64


def password_hasher(config) -> PasswordHasher:
    """Argon2id with the app's cost settings.

    ARGON2_TIME_COST, ARGON2_MEMORY_COST (KiB) and ARGON2_PARALLELISM default to argon2-cffi's own
    recommended values; tests pass tiny ones through `create_app({...})` so a sign-in takes microseconds.
    A hash records its own parameters, so changing them later still verifies old hashes (and
    `verify_password` rehashes them on the next sign-in).
    """
    return PasswordHasher(time_cost=config.get("ARGON2_TIME_COST", 3), memory_cost=config.get("ARGON2_MEMORY_COST", 65536),
                          parallelism=config.get("ARGON2_PARALLELISM", 4))


def _dummy_hash(hasher: PasswordHasher) -> str:
    # Made with the same parameters as real hashes, so an unknown username costs the same work.
    cache = _dummy_hash.__dict__.setdefault("cache", {})
    params = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if params not in cache:
        cache[params] = hasher.hash("not a password of anyone")
    return cache[params]


def normalise_username(text: str) -> str:
    return (text or "").strip().lower()


def verify_password(hasher: PasswordHasher, account: StaffAccount | None, password: str) -> bool:
    """True only for an existing account with this password. An unknown username is checked against a
    dummy hash, so the time taken does not tell whether a username exists."""
    try:
        hasher.verify(account.password_hash if account else _dummy_hash(hasher), password or "")
    except (VerificationError, InvalidHashError):
        return False
    if account is None:
        return False
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return True


def find_account(db, username: str) -> StaffAccount | None:
    return db.scalar(select(StaffAccount).where(StaffAccount.username == normalise_username(username)))


def create_account(db, hasher: PasswordHasher, username: str, password: str, now: datetime, *, is_admin: bool = False,
                   help_points=()) -> StaffAccount:
    username = normalise_username(username)
    if not username or len(username) > USERNAME_MAX_LENGTH:
        raise ValueError("A username needs 1 to 64 characters.")
    if find_account(db, username):
        raise ValueError(f"The username {username!r} is taken.")
    account = StaffAccount(username=username, password_hash=hasher.hash(password), is_admin=is_admin, disabled=False,
                           help_points=list(help_points), created_at=now)
    db.add(account)
    db.flush()
    return account


def disable_account(db, username: str) -> bool:
    account = find_account(db, username)
    if account is None:
        return False
    account.disabled = True
    return True


def _username_key(username: str, key: bytes) -> str:
    # Opaque, as services/attempts.py asks: never the username itself.
    return f"staff-user:{codes.hash_code(normalise_username(username) or '-', key)[:32]}"


def _limits(username: str, client: str, key: bytes) -> dict[str, int]:
    return {_username_key(username, key): MAX_FAILURES_PER_USERNAME,
            attempts.client_key("staff", client, key): MAX_FAILURES_PER_CLIENT}


@dataclass
class SignIn:
    account: StaffAccount | None = None
    locked: bool = False


def sign_in(db, hasher: PasswordHasher, username: str, password: str, client: str, now: datetime, key: bytes) -> SignIn:
    """Check a sign-in. Every failure (unknown username, wrong password, disabled account) is counted
    per username and per client and looks the same to the person; over a limit nothing is checked."""
    limits = _limits(username, client, key)
    if attempts.over_limit(db, limits, now):
        return SignIn(locked=True)
    account = find_account(db, username)
    if verify_password(hasher, account, password) and not account.disabled:
        audit(db, account.id, "sign_in", now)
        return SignIn(account=account)
    attempts.record_failure(db, list(limits), now)
    return SignIn()


def clear_sign_in_failures(db, client: str, key: bytes) -> None:
    """Forget a client's failed sign-ins (used by the test registry so repeated audits never lock out)."""
    db.execute(delete(Attempt).where(Attempt.key == attempts.client_key("staff", client, key)))


def record_sign_in_failures(db, username: str, count: int, now: datetime, key: bytes) -> None:
    """Count failed sign-ins against a username only (for tests and the audit's "locked" state)."""
    db.add_all(Attempt(key=_username_key(username, key), created_at=now) for _ in range(count))


def active_account(db, staff_id) -> StaffAccount | None:
    account = db.get(StaffAccount, staff_id) if isinstance(staff_id, int) else None
    return account if account is not None and not account.disabled else None


def audit(db, staff_id: int | None, action: str, now: datetime, case=None, detail: dict | None = None) -> AuditEntry:
    kind = _kind_of(case) if case is not None else None
    entry = AuditEntry(staff_id=staff_id, action=action, case_kind=kind, case_id=case.id if case is not None else None,
                       detail=detail or {}, created_at=now)
    db.add(entry)
    return entry


def _kind_of(case) -> str:
    return next(kind for kind, model in KINDS.items() if isinstance(case, model))


# What a helper may see. Appointments and home visits belong to a help point, and a helper sees only the
# points on their account. A home visit not yet given to a help point is for administrators to assign.
# Applications are not tied to any help point: every helper helps file them, so every helper sees them.
def can_see(account: StaffAccount, case) -> bool:
    if isinstance(case, Submission) or account.is_admin:
        return True
    return case.help_point in (account.help_points or [])


def _scoped(query, model, account: StaffAccount):
    return query if account.is_admin else query.where(model.help_point.in_(account.help_points or []))


def get_case(db, account: StaffAccount, kind: str, case_id: int):
    model = KINDS.get(kind)
    case = db.get(model, case_id) if model else None
    return case if case is not None and can_see(account, case) else None


def upcoming_appointments(db, account: StaffAccount, today: date, help_point: str | None = None) -> dict[str, list[Appointment]]:
    """Active appointments from the start of `today` on, by help point, soonest first."""
    query = select(Appointment).where(Appointment.active.is_(True), Appointment.starts_at >= datetime.combine(today, time()))
    query = _scoped(query, Appointment, account)
    if help_point:
        query = query.where(Appointment.help_point == help_point)
    grouped: dict[str, list[Appointment]] = {}
    for appointment in db.scalars(query.order_by(Appointment.help_point, Appointment.starts_at, Appointment.place)):
        grouped.setdefault(appointment.help_point, []).append(appointment)
    return grouped


def open_home_visits(db, account: StaffAccount) -> list[HomeVisit]:
    query = _scoped(select(HomeVisit).where(HomeVisit.status.in_(OPEN_STATUSES)), HomeVisit, account)
    return list(db.scalars(query.order_by(HomeVisit.created_at, HomeVisit.id)))


def submitted_applications(db, limit: int = 200) -> list[Submission]:
    return list(db.scalars(select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc()).limit(limit)))


def dashboard_counts(db, account: StaffAccount, today: date) -> dict[str, int]:
    start = datetime.combine(today, time())
    appointments = _scoped(select(func.count()).select_from(Appointment).where(Appointment.active.is_(True)), Appointment, account)
    visits = _scoped(select(func.count()).select_from(HomeVisit).where(HomeVisit.status.in_(OPEN_STATUSES)), HomeVisit, account)
    return {
        "appointments_today": db.scalar(appointments.where(Appointment.starts_at >= start,
                                                           Appointment.starts_at < start + timedelta(days=1))),
        "appointments_later": db.scalar(appointments.where(Appointment.starts_at >= start + timedelta(days=1))),
        "home_visits": db.scalar(visits),
        "applications": db.scalar(select(func.count()).select_from(Submission).where(Submission.status == "received")),
        "notices": len(waiting_notices(db, account)),
    }


def change_status(db, case, to_status: str, now: datetime, staff_id: int, note: str | None, notice_text: str):
    """The one way the console moves a status: history, the person's notice, and the audit entry together."""
    from_status = case.status
    event = record_status(db, case, to_status, now, staff_id=staff_id, note=note or None, notice_text=notice_text)
    audit(db, staff_id, "status_change", now, case, {"from": from_status, "to": to_status})
    return event


def find_by_reference(db, reference_text: str):
    reference = codes.parse_reference(reference_text)
    if not reference:
        return None
    for model in KINDS.values():
        found = db.scalar(select(model).where(model.reference == reference))
        if found is not None:
            return found
    return None


def is_locked(db, reference_text: str, key: bytes, now: datetime) -> bool:
    lock_key = reference_key(reference_text, key)
    return db.scalar(select(func.count()).select_from(ReferenceLock)
                     .where(ReferenceLock.key == lock_key, ReferenceLock.locked_until > now)) > 0


def unlock_reference(db, reference_text: str, key: bytes, staff_id: int, now: datetime) -> None:
    """Let the person try the status page again: remove the lock and the wrong tries counted for it."""
    lock_key = reference_key(reference_text, key)
    db.execute(delete(ReferenceLock).where(ReferenceLock.key == lock_key))
    db.execute(delete(Attempt).where(Attempt.key == lock_key))
    # The audit names the case when the reference exists; never the typed reference itself.
    audit(db, staff_id, "unlock", now, find_by_reference(db, reference_text))


def waiting_notices(db, account: StaffAccount) -> list[tuple[Notice, object]]:
    """Notices not yet delivered, oldest first, each with its case, for the cases this helper may see."""
    found = []
    for notice in db.scalars(select(Notice).where(Notice.delivered_at.is_(None)).order_by(Notice.created_at, Notice.id)):
        case = db.get(KINDS[notice.case_kind], notice.case_id) if notice.case_kind in KINDS else None
        if case is not None and can_see(account, case):
            found.append((notice, case))
    return found


def mark_sent(db, account: StaffAccount, notice_id: int, now: datetime) -> bool:
    notice = db.get(Notice, notice_id)
    case = db.get(KINDS[notice.case_kind], notice.case_id) if notice and notice.case_kind in KINDS else None
    if case is None or not can_see(account, case):
        return False
    if notice.delivered_at is None:
        notice.delivered_at = now
        audit(db, account.id, "notice_sent", now, case, {"notice": notice.id})
    return True


class NoticeBackend:
    """How a notice reaches the person. The interface for later backends (an SMS gateway, say):

        class SmsBackend(NoticeBackend):
            name = "sms"
            def send(self, notice) -> bool:
                # Send notice.text to the case's phone; True only when the gateway accepted it.
                # On True the caller sets notice.delivered_at; on False the notice stays in the outbox.

    A backend must never be given the secret code (notices never contain it) and must not log the text.
    """

    name = "base"

    def send(self, notice: Notice) -> bool:
        raise NotImplementedError


class OutboxBackend(NoticeBackend):
    """The default and, for now, only backend: nothing is sent automatically. Notices wait on the outbox
    page, where a helper reads them out on the phone or sends them by hand, then marks them as sent."""

    name = "outbox"

    def send(self, notice: Notice) -> bool:
        return False
