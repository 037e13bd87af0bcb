"""Shared fixtures: an app on a fresh, migrated SQLite database, and a client that checks every page."""

import re

import pytest
from bs4 import BeautifulSoup

from tests.support import make_test_app


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
