"""Alembic environment: the URL comes from the caller (tests) or from settings (DATABASE_URL)."""

from alembic import context

import settings
from models import Base, make_engine

config = context.config
url = config.attributes.get("database_url") or settings.from_environment()["DATABASE_URL"]


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        # render_as_batch: SQLite can only change a table by copying it.
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
