from tests.conftest import csrf_token_from


def _finish(client, **fields):
    token = csrf_token_from(client.get("/en/").get_data(as_text=True))
    return client.post("/en/finish", data={"csrf_token": token, **fields})


def _session_rows(app):
    from sqlalchemy import func, select

    from models import VisitSession

    with app.extensions["komek_db"]() as db:
        return db.scalar(select(func.count()).select_from(VisitSession))


def test_finish_deletes_the_visit_on_the_server_and_in_the_browser(app, client):
    client.get("/en/")
    cookie = client.get_cookie("komek_session").value
    before = _session_rows(app)
    response = _finish(client)
    assert response.status_code == 303 and response.headers["Location"] == "/en/finished?settings=kept"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get_cookie("komek_session") is None
    assert _session_rows(app) == before - 1
    # The old cookie, replayed, finds nothing: the form token from before no longer works.
    replay = app.test_client()
    replay.set_cookie("komek_session", cookie)
    stale_token = csrf_token_from(client.get("/en/").get_data(as_text=True))
    assert replay.post("/en/settings", data={"csrf_token": stale_token, "size": "100"}).status_code == 400


def test_reading_settings_are_kept_unless_the_person_asks(client):
    client.set_cookie("komek_reading", "size=200")
    _finish(client)
    assert client.get_cookie("komek_reading") is not None
    response = _finish(client, forget_settings="y")
    assert response.headers["Location"] == "/en/finished?settings=forgotten"
    assert client.get_cookie("komek_reading") is None


def test_confirmation_names_what_was_removed_and_kept(page):
    soup = page("/en/finished?settings=kept")
    text = soup.get_text(" ", strip=True)
    assert "What we removed" in text and "Your reading settings: text size" in text
    assert soup.response.headers["Cache-Control"] == "no-store"


def test_session_cookie_holds_only_a_random_token(client):
    client.get("/en/")
    cookie = client.get_cookie("komek_session")
    assert len(cookie.value) == 43 and cookie.http_only and cookie.expires is None


def test_an_idle_visit_ends_on_the_server(app, client):
    import datetime

    from sqlalchemy import update

    from models import VisitSession
    from web.sessions import utcnow

    choices = {"size": "100", "scheme": "device", "line": "normal", "letter": "normal"}
    token = csrf_token_from(client.get("/en/settings").get_data(as_text=True))
    with app.extensions["komek_db"]() as db:
        db.execute(update(VisitSession).values(last_seen_at=utcnow() - datetime.timedelta(minutes=31)))
        db.commit()
    expired = client.post("/en/settings", data={"csrf_token": token, **choices})
    assert expired.status_code == 400 and "This page has expired" in expired.get_data(as_text=True)


def test_finish_first_reminds_of_the_return_code_of_an_unfinished_draft(app, client):
    import re

    from tests.journey_support import walk

    walk(client, "id-card", "en", stop_before="circumstances")
    code = re.search(r'class="big code">([^<]+)<', client.get("/en/apply/id-card/save").get_data(as_text=True)).group(1)
    reminder = _finish(client)
    assert reminder.status_code == 200 and code in reminder.get_data(as_text=True)
    assert reminder.headers["Cache-Control"] == "no-store"
    assert client.get_cookie("komek_session") is not None, "nothing is cleared before the person confirms"
    token = re.search(r'name="csrf_token" value="([^"]+)"', reminder.get_data(as_text=True)).group(1)
    cleared = client.post("/en/finish", data={"csrf_token": token, "codes_seen": "y"})
    assert cleared.headers["Location"] == "/en/finished?settings=kept"
    assert client.get("/en/apply/id-card/check").status_code == 302, "the draft is gone from this browser"


def test_library_mode_clears_everything_and_stays_in_library_mode(client):
    ordinary = client.get("/en/").get_data(as_text=True).count('action="/en/finish"')
    home = client.get("/en/?terminal=library").get_data(as_text=True)
    assert home.count('action="/en/finish"') == ordinary + 1, "a prominent Finish and clear in the header too"
    client.set_cookie("komek_reading", "size=200")
    response = _finish(client)
    assert response.headers["Location"] == "/en/finished?settings=forgotten&terminal=library"
    assert client.get_cookie("komek_reading") is None
    fresh = client.get(response.headers["Location"]).get_data(as_text=True)
    assert fresh.count('action="/en/finish"') == ordinary + 1, "the fresh start is still a library terminal"


def test_library_mode_shortens_the_idle_limit_and_turns_off_autofill(app, client):
    from tests.journey_support import walk

    client.get("/en/?terminal=library")
    assert 'data-idle-seconds="600"' in client.get("/en/").get_data(as_text=True)
    page = client.get(walk(client, "id-card", "en", stop_before="applicant_name")).get_data(as_text=True)
    assert 'autocomplete="off"' in page and 'autocomplete="name"' not in page


def test_keep_alive_extends_the_visit(app, client):
    import datetime
    import re

    from sqlalchemy import select, update

    from models import VisitSession
    from web.sessions import utcnow

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/en/").get_data(as_text=True)).group(1)
    with app.extensions["komek_db"]() as db:
        db.execute(update(VisitSession).values(last_seen_at=utcnow() - datetime.timedelta(minutes=29)))
        db.commit()
    assert client.post("/en/keep-alive", data={"csrf_token": token}).status_code == 204
    with app.extensions["komek_db"]() as db:
        newest = max(db.scalars(select(VisitSession.last_seen_at)))
    assert utcnow() - newest < datetime.timedelta(minutes=1), "the idle clock starts again"
