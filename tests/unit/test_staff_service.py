import uuid
from datetime import datetime, timedelta

import pytest

from models import Appointment, Submission
from services import staff

NOW = datetime(2026, 3, 5, 10, 0)
KEY = b"k" * 32
# Tiny Argon2 costs: the same code path as production, in microseconds.
CHEAP = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def db(app):
    with app.extensions["komek_db"]() as session:
        yield session
        session.rollback()


@pytest.fixture
def hasher():
    return staff.password_hasher(CHEAP)


def _name():
    return f"user-{uuid.uuid4().hex[:10]}"


def test_hasher_reads_its_costs_from_the_config_with_argon2s_defaults():
    assert (staff.password_hasher({}).time_cost, staff.password_hasher({}).memory_cost) == (3, 65536)
    assert staff.password_hasher(CHEAP).memory_cost == 8


def test_a_password_is_stored_as_an_argon2id_hash_and_verifies(db, hasher):
    account = staff.create_account(db, hasher, "  Aigul ", "correct horse battery", NOW)
    assert account.username == "aigul" and account.password_hash.startswith("$argon2id$")
    assert "correct horse" not in account.password_hash
    assert staff.verify_password(hasher, account, "correct horse battery")
    assert not staff.verify_password(hasher, account, "correct horse battery ")
    assert not staff.verify_password(hasher, None, "correct horse battery"), "an unknown user never verifies"


def test_an_old_hash_is_upgraded_on_the_next_good_password(db, hasher):
    account = staff.create_account(db, hasher, _name(), "correct horse battery", NOW)
    stronger = staff.password_hasher({**CHEAP, "ARGON2_TIME_COST": 2})
    assert staff.verify_password(stronger, account, "correct horse battery")
    assert "t=2" in account.password_hash


def test_usernames_are_unique_whatever_the_case(db, hasher):
    name = _name()
    staff.create_account(db, hasher, name, "correct horse battery", NOW)
    with pytest.raises(ValueError):
        staff.create_account(db, hasher, name.upper(), "another password 12", NOW)


def test_sign_in_succeeds_fails_and_is_limited_per_username(db, hasher):
    name = _name()
    staff.create_account(db, hasher, name, "correct horse battery", NOW)
    assert staff.sign_in(db, hasher, name, "correct horse battery", "10.1.0.1", NOW, KEY).account is not None
    for _ in range(staff.MAX_FAILURES_PER_USERNAME):
        result = staff.sign_in(db, hasher, name, "wrong", "10.1.0.1", NOW, KEY)
        assert result.account is None and not result.locked
    locked = staff.sign_in(db, hasher, name, "correct horse battery", "10.1.0.2", NOW, KEY)
    assert locked.locked and locked.account is None, "the right password does not help once locked"
    assert staff.sign_in(db, hasher, name, "correct horse battery", "10.1.0.2", NOW + timedelta(hours=1, seconds=1),
                         KEY).account is not None, "the lock lasts an hour"


def test_sign_in_is_limited_per_client_across_usernames(db, hasher):
    name = _name()
    staff.create_account(db, hasher, name, "correct horse battery", NOW)
    for index in range(staff.MAX_FAILURES_PER_CLIENT):
        staff.sign_in(db, hasher, f"guess-{index}", "wrong", "10.2.0.1", NOW, KEY)
    assert staff.sign_in(db, hasher, name, "correct horse battery", "10.2.0.1", NOW, KEY).locked
    assert staff.sign_in(db, hasher, name, "correct horse battery", "10.2.0.2", NOW, KEY).account is not None


def test_a_disabled_account_cannot_sign_in(db, hasher):
    name = _name()
    staff.create_account(db, hasher, name, "correct horse battery", NOW)
    assert staff.disable_account(db, name)
    assert staff.sign_in(db, hasher, name, "correct horse battery", "10.3.0.1", NOW, KEY).account is None
    assert not staff.disable_account(db, "no-such-user-anywhere")


def test_helpers_see_their_own_help_points_and_every_application(db, hasher):
    helper = staff.create_account(db, hasher, _name(), "correct horse battery", NOW, help_points=["north"])
    admin = staff.create_account(db, hasher, _name(), "correct horse battery", NOW, is_admin=True)
    north, south = Appointment(help_point="north"), Appointment(help_point="south")
    assert staff.can_see(helper, north) and not staff.can_see(helper, south)
    assert staff.can_see(admin, south)
    assert staff.can_see(helper, Submission()), "applications belong to no help point"


def test_the_outbox_is_the_only_backend_and_sends_nothing_by_itself():
    assert staff.OutboxBackend().send(object()) is False
    assert staff.OutboxBackend.name == "outbox"
    with pytest.raises(NotImplementedError):
        staff.NoticeBackend().send(object())
