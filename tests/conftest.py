"""Shared fixtures: an app on a fresh, migrated SQLite database, and a client that checks every page;
fresh databases on both engines (SQLite and PostgreSQL) and the throw-away Redis that `make test` starts."""

import os
import re
import secrets

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support import make_test_app, migrate


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    return make_test_app(tmp_path_factory.mktemp("db") / "komek.sqlite3")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def page(client):
    """Fetch a page like a reader would and check what every page must have; returns the parsed page."""
    from tests.support import check_page

    def fetch(url, method="get", expected_status=200, **kwargs):
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == expected_status, (url, response.status_code)
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        check_page(soup, url)
        soup.response = response
        return soup

    return fetch


def csrf_token_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# --------------------------------------------------------------------------- PostgreSQL and Redis

def service_url(variable: str, service: str) -> str:
    """The URL of a throw-away service started by `make test`. Without it the test skips, saying why, unless
    KOMEK_REQUIRE_SERVICES=1 (set by `make test`): then a missing service is a failure, never a quiet skip."""
    url = os.environ.get(variable)
    if url:
        return url
    missing_service(f"{service} tests need {variable}: `make test` starts a throw-away {service}, or run "
                    f'`eval "$(tools/test_services.sh start)"` before pytest')


def missing_service(reason: str):
    if os.environ.get("KOMEK_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (KOMEK_REQUIRE_SERVICES=1: not skipping)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server():
    """An AUTOCOMMIT engine on the throw-away server's `komek` database, for creating and dropping databases."""
    engine = create_engine(service_url("KOMEK_TEST_POSTGRES_URL", "PostgreSQL"), poolclass=NullPool,
                           isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_database(postgres_server):
    """A new, empty PostgreSQL database for one test (CREATE DATABASE komek_<random>), dropped after it."""
    name = f"komek_{secrets.token_hex(6)}"
    with postgres_server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(postgres_server.url).set(database=name).render_as_string(hide_password=False)
    with postgres_server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A fresh, empty database on each engine: a file for SQLite, a new database for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'komek.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def engine_url(empty_database_url):
    """A fresh database migrated to head, once on SQLite and once on PostgreSQL."""
    migrate(empty_database_url)
    return empty_database_url


@pytest.fixture
def redis_url():
    """The throw-away Redis started by `make test`, emptied before the test."""
    import redis

    url = service_url("KOMEK_TEST_REDIS_URL", "Redis")
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url
