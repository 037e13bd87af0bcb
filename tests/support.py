"""Helpers shared by the view tests, the page-weight budget and the browser audits."""

import collections
import pathlib

from alembic import command
from alembic.config import Config

from app import create_app
from settings import ROOT


def migrate(database_url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    command.upgrade(config, "head")


def make_test_app(database_path: pathlib.Path, **overrides):
    url = f"sqlite:///{database_path}"
    migrate(url)
    # Every test client is 127.0.0.1 to the per-client rate limit (web/limits.py): a limit no test reaches,
    # except tests/views/test_rate_limits.py, which sets its own.
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                       "CODE_CHECK_RATE_LIMIT": "10000 per minute", **overrides})


def check_page(soup, url: str) -> None:
    """What every HTML page must have (Notify's client_request idea): a reader notices each of these."""
    html = soup.find("html")
    assert html and html.get("lang") in {"kk", "ru", "en"}, f"{url}: <html lang> missing"
    headings = soup.find_all("h1")
    assert len(headings) == 1, f"{url}: {len(headings)} <h1> elements"
    title = soup.title.get_text(" ", strip=True)
    heading = headings[0].get_text(" ", strip=True)
    assert title.removeprefix("Error: ").removeprefix("Қате: ").removeprefix("Ошибка: ").startswith(heading), (
        f"{url}: title {title!r} does not start with the h1 {heading!r}"
    )
    ids = collections.Counter(tag["id"] for tag in soup.find_all(id=True))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"{url}: duplicate ids {duplicates}"
    assert len(soup.find_all("main")) == 1, f"{url}: needs exactly one <main>"
    for form in soup.find_all("form"):
        assert form.get("action"), f"{url}: a form without action"
