import pytest

from tests.conftest import csrf_token_from


def _save(client, lang="en", **fields):
    token = csrf_token_from(client.get(f"/{lang}/settings").get_data(as_text=True))
    return client.post(f"/{lang}/settings", data={"csrf_token": token, **fields})


CHOICES = {"size": "200", "scheme": "yellow", "line": "wide", "letter": "wide"}


def test_saved_settings_apply_to_every_page_and_return_to_the_page_you_came_from(client):
    response = _save(client, next="/en/privacy", **CHOICES)
    assert response.status_code == 303 and response.headers["Location"] == "/en/privacy"
    html = client.get("/en/privacy").get_data(as_text=True)
    assert '<html lang="en" data-size="200" data-scheme="yellow" data-line="wide" data-letter="wide">' in html
    assert "Your reading settings are saved." in html


def test_settings_cookie_holds_only_the_choices(client):
    response = _save(client, **CHOICES)
    cookie = response.headers.getlist("Set-Cookie")
    reading = [c for c in cookie if c.startswith("komek_reading=")][0]
    assert reading.startswith("komek_reading=size=200&scheme=yellow&line=wide&letter=wide;")
    assert "HttpOnly" in reading and "Max-Age=31536000" in reading


def test_reset_returns_to_the_devices_own_settings(client):
    _save(client, **CHOICES)
    token = csrf_token_from(client.get("/en/settings").get_data(as_text=True))
    client.post("/en/settings", data={"csrf_token": token, "reset": "y"})
    assert '<html lang="en">' in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize(
    "lang, fields, message",
    [
        ("en", {**CHOICES, "size": "900"}, "Choose a text size from the list"),
        ("ru", {**CHOICES, "scheme": "pink"}, "Выберите цвета из списка"),
        ("kk", {k: v for k, v in CHOICES.items() if k != "line"}, "Жол аралығын тізімнен таңдаңыз"),
    ],
)
def test_a_value_not_offered_gets_a_clear_message_and_keeps_the_other_choices(page, client, lang, fields, message):
    token = csrf_token_from(client.get(f"/{lang}/settings").get_data(as_text=True))
    soup = page(f"/{lang}/settings", method="post", data={"csrf_token": token, **fields})
    summary = soup.find(class_="error-summary")
    assert message in summary.get_text()
    assert soup.title.get_text().startswith({"en": "Error:", "ru": "Ошибка:", "kk": "Қате:"}[lang])
    assert soup.find("input", attrs={"name": "letter", "value": "wide"}).has_attr("checked")


@pytest.mark.parametrize("outside", ["//evil.example/", "/\\evil.example", "https://evil.example/", "/%09/evil", "https:evil", "javascript:alert(1)", "/\t/evil"])
def test_next_outside_the_site_goes_home(client, outside):
    response = _save(client, next=outside, **CHOICES)
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/"


def test_missing_csrf_token_gets_a_clear_page_not_a_crash(page):
    soup = page("/ru/settings", method="post", data=CHOICES, expected_status=400)
    assert "Страница устарела" in soup.h1.get_text()


def test_a_tampered_cookie_means_default_settings(client):
    client.set_cookie("komek_reading", "size=9999&scheme=<script>&line=wide")
    html = client.get("/en/").get_data(as_text=True)
    assert '<html lang="en" data-line="wide">' in html


def test_an_instant_change_is_saved_without_a_page_or_a_message(client):
    token = csrf_token_from(client.get("/en/settings").get_data(as_text=True))
    response = client.post("/en/settings", data={"csrf_token": token, **CHOICES}, headers={"X-Komek-Instant": "1"})
    assert response.status_code == 204
    assert "komek_reading=size=200" in response.headers["Set-Cookie"]
    assert "Your reading settings are saved." not in client.get("/en/").get_data(as_text=True)


def test_at_a_library_terminal_settings_last_only_for_the_visit(client):
    client.get("/en/?terminal=library")
    cookie = [c for c in _save(client, **CHOICES).headers.getlist("Set-Cookie") if c.startswith("komek_reading=")][0]
    assert "Max-Age" not in cookie and "Expires" not in cookie
