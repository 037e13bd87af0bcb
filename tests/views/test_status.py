import re

from bs4 import BeautifulSoup

from tests.journey_support import post_with_token, submit


def _slip_codes(client, lang="en"):
    slip = client.get(f"/{lang}/apply/id-card/keep-this").get_data(as_text=True)
    return re.findall(r'class="big code">([^<]+)<', slip)[:2]


def _check(client, reference, secret, lang="en"):
    # Each test client is its own "computer", so the per-client limit of one test never spills into another.
    client.environ_base.setdefault("REMOTE_ADDR", f"10.{id(client) % 250}.{id(client) // 250 % 250}.7")
    return post_with_token(client, f"/{lang}/status/", {"reference": reference, "secret_code": secret})


def _error(response):
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(class_="error-summary")
    return summary.get_text(" ", strip=True) if summary else None


def test_status_with_reference_and_code_shows_what_was_asked_and_its_history(app, client):
    submit(client, "id-card", "ru")
    reference, secret = _slip_codes(client, "ru")
    person = app.test_client()
    # Small letters, spaces and Cyrillic look-alikes in the reference are fine.
    response = _check(person, reference.lower().replace("-", " ").replace("k", "к"), secret, "ru")
    assert response.status_code == 303 and response.headers["Location"] == "/ru/status/result"
    page = person.get("/ru/status/result")
    text = BeautifulSoup(page.get_data(as_text=True), "html.parser").find("main").get_text(" ", strip=True)
    from flask_babel import gettext

    with app.test_request_context("/ru/"):
        received = gettext("Received")
    assert reference in text and received in text
    assert page.headers["Cache-Control"] == "no-store"


def test_a_status_change_shows_in_plain_words(app, client):
    from models import Submission
    from services import cases
    from web.sessions import utcnow

    submit(client, "id-card", "en")
    reference, secret = _slip_codes(client)
    with app.extensions["komek_db"]() as db, db.begin():
        submission = db.query(Submission).filter_by(reference=reference).one()
        cases.record_status(db, submission, "ready", utcnow())
    person = app.test_client()
    _check(person, reference, secret)
    text = person.get("/en/status/result").get_data(as_text=True)
    assert "Ready: take your printed answers and your documents to ЦОН" in text
    assert text.count("Received") >= 1


def test_wrong_reference_and_wrong_code_get_the_same_answer(app, client):
    submit(client, "id-card", "en")
    reference, _secret = _slip_codes(client)
    stranger = app.test_client()
    from services.codes import new_reference

    # A reference of its own: other tests in this process lock the fixed example ones.
    wrong_code = _check(stranger, reference, "2222-3333")
    wrong_reference = _check(app.test_client(), new_reference(), "2222-3333")
    assert wrong_code.status_code == wrong_reference.status_code == 200
    assert _error(wrong_code) == _error(wrong_reference)
    assert "could not find this reference" in _error(wrong_code)


def test_five_wrong_tries_lock_a_reference_even_with_the_right_code_after(app, client):
    submit(client, "id-card", "en")
    reference, secret = _slip_codes(client)
    attacker = app.test_client()
    for _try in range(5):
        _check(attacker, reference, "2222-3333")
    owner = app.test_client()
    locked = _check(owner, reference, secret)
    assert locked.status_code == 200 and "locked for 1 hour" in locked.get_data(as_text=True)


def test_a_reference_that_does_not_exist_locks_the_same_way(app):
    client = app.test_client()
    from services.codes import new_reference

    unknown = new_reference()
    for _try in range(5):
        _check(client, unknown, "2222-3333")
    assert "locked for 1 hour" in _check(app.test_client(), unknown, "2222-3333").get_data(as_text=True)


def test_the_result_needs_a_successful_check_in_this_visit(client):
    response = client.get("/en/status/result")
    assert response.status_code == 302 and response.headers["Location"] == "/en/status/"


def test_reference_and_code_never_appear_in_a_url(app, client):
    submit(client, "id-card", "en")
    reference, secret = _slip_codes(client)
    response = _check(app.test_client(), reference, secret)
    assert reference not in response.headers["Location"] and secret not in response.headers["Location"]
