"""The database holds under concurrent load and the migrations build exactly the models' schema,
on SQLite (development) and on PostgreSQL (production)."""

import datetime
import threading
import time

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.pool import NullPool

from journeys import APPLICATIONS
from models import Base, Draft, StatusEvent, Submission, make_engine, make_session_factory
from services import drafts
from settings import ROOT

KEY = b"k" * 32
NOW = datetime.datetime(2026, 3, 2, 4, 0)


def test_fifty_clicks_on_confirm_make_exactly_one_submission_every_round(engine_url):
    threads, rounds = 50, 10
    application = next(iter(APPLICATIONS.values()))
    engine = make_engine(engine_url)
    factory = make_session_factory(engine)
    try:
        with factory() as db, db.begin():
            draft_ids = [drafts.create(db, application, NOW, keep_days=30).id for _ in range(rounds)]
        barrier = threading.Barrier(threads)
        receipts, errors = [], []

        def click():
            for round_number, draft_id in enumerate(draft_ids):
                barrier.wait()
                try:
                    # Each thread its own session and connection, like requests on separate app servers.
                    with factory() as db, db.begin():
                        receipt = drafts.submit(db, db.get(Draft, draft_id), application, "kk", NOW, KEY)
                        receipts.append((round_number, receipt.submission.id, receipt.secret_code))
                except Exception as error:  # noqa: BLE001 - any failure (e.g. "database is locked") fails the test
                    errors.append(repr(error))

        workers = [threading.Thread(target=click) for _ in range(threads)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - started

        assert not errors, errors[:5]
        per_round = [len({sid for r, sid, _code in receipts if r == n}) for n in range(rounds)]
        codes_shown = [len([code for r, _sid, code in receipts if r == n and code]) for n in range(rounds)]
        print(f"\nsubmission race on {engine.dialect.name}: {threads} threads x {rounds} rounds, submissions per round "
              f"{per_round}, secret codes shown per round {codes_shown}, {len(receipts)} receipts in {seconds:.2f} s")
        assert len(receipts) == threads * rounds
        assert per_round == [1] * rounds
        # The secret code is shown once: to the one request whose insert won.
        assert codes_shown == [1] * rounds
        with factory() as db:
            assert db.scalar(select(func.count()).select_from(Submission)) == rounds
            assert db.scalar(select(func.count()).select_from(StatusEvent)) == rounds
    finally:
        engine.dispose()


def _alembic(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    return config


def test_migrations_go_up_down_and_up_again_and_match_the_models(empty_database_url):
    config = _alembic(empty_database_url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    engine = create_engine(empty_database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert differences == []
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
