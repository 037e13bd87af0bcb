import pytest

from tests.page_registry import unaudited_endpoints


@pytest.mark.parametrize(
    "accept_language, expected",
    [("ru-RU,ru;q=0.9", "/ru/"), ("en-GB", "/en/"), ("kk", "/kk/"), ("de-DE", "/kk/"), ("", "/kk/")],
)
def test_root_sends_each_reader_to_their_language(client, accept_language, expected):
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("lang, heading", [("kk", "Мемлекеттік қызметтер"), ("ru", "Госуслуги"), ("en", "Public services")])
def test_home_is_in_the_language_of_its_url(page, lang, heading):
    soup = page(f"/{lang}/")
    assert soup.html["lang"] == lang
    assert heading in soup.h1.get_text()


def test_every_page_has_the_shell(page):
    soup = page("/ru/privacy")
    assert soup.find("a", class_="skip")["href"] == "#main"
    switcher = soup.find("nav").find_all("a")
    assert [(a["lang"], a["href"]) for a in switcher] == [("kk", "/kk/privacy"), ("ru", "/ru/privacy"), ("en", "/en/privacy")]
    assert [a.get_text() for a in switcher] == ["Қазақша", "Русский", "English"]
    assert soup.find("a", href="/ru/settings?next=/ru/privacy")
    assert soup.find(id="help-heading") and "1414" in soup.find("section", class_="help").get_text()
    finish = soup.find("form", action="/ru/finish")
    assert finish["method"] == "post" and finish.find("input", attrs={"name": "csrf_token"})
    assert soup.find("footer").find("a", href="/ru/accessibility")
    assert soup.find("footer").find("a", href="/ru/privacy")


def test_language_switcher_keeps_the_query(page):
    soup = page("/en/search?q=pension")
    assert soup.find("a", lang="kk")["href"] == "/kk/search?q=pension"


def test_help_block_cites_its_sources_with_dates(page):
    help_text = page("/en/").find("section", class_="help").get_text(" ", strip=True)
    assert "lada.kz" in help_text and "29 December 2025" in help_text
    assert "egov.kz" in help_text and "8 September 2021" in help_text


@pytest.mark.parametrize("lang, text", [("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")])
def test_unknown_page_is_a_404_in_the_readers_language(page, lang, text):
    soup = page(f"/{lang}/no-such-page", expected_status=404)
    assert text in soup.h1.get_text()
    assert soup.find("form", role="search"), "a 404 offers search"


def test_unknown_language_prefix_is_a_404_in_the_browsers_language(page):
    soup = page("/de/", expected_status=404, headers={"Accept-Language": "ru"})
    assert soup.html["lang"] == "ru"


def test_wrong_method_is_a_405_page(page):
    soup = page("/en/finish", expected_status=405)
    assert soup.html["lang"] == "en"


def test_every_route_is_audited(app):
    assert not unaudited_endpoints(app), "add these routes to tests/page_registry.py"
