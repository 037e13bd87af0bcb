"""Help from a person, as a visitor sees it: help points, booking (full times shown as full), change, cancel,
home visits, every kind of bad input, the example-data notice, and nothing personal in any address."""

import datetime
import random
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from models import Appointment, HomeVisit, Notice, StatusEvent
from tests.journey_support import csrf_token
from tests.page_registry_help import CENTRE, HOME_VISIT, LIBRARY, book_somewhere, find_booking, free_time, random_person
from tests.support import check_page, make_test_app

EXAMPLE = {"en": "Example data: these places are not real."}


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(response):
    return _soup(response).find("main").get_text(" ", strip=True)


def _errors(response):
    return [item.get_text(" ", strip=True) for item in _soup(response).select(".error-summary li, .error-summary p")]


def _post(client, path, data):
    token = csrf_token(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def visitor(app):
    """A visitor on a computer of their own (its own address, so rate limits of other tests never apply)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    client.seen_locations = []
    original = client.open

    def open_and_note(*args, **kwargs):
        response = original(*args, **kwargs)
        if response.headers.get("Location"):
            client.seen_locations.append(response.headers["Location"])
        return response

    client.open = open_and_note
    return client


@pytest.fixture
def fixed_now(monkeypatch):
    """Sets the clock the help pages see, as naive UTC (Almaty is UTC+5)."""
    def set_now(moment):
        monkeypatch.setattr("views.help.utcnow", lambda: moment)
    return set_now


def _days_offered(client, lang="en", point=LIBRARY):
    html = client.get(f"/{lang}/help/book/{point}").get_data(as_text=True)
    return re.findall(rf'href="/{lang}/help/book/{point}/(\d{{4}}-\d\d-\d\d)"', html)


def _radios(response):
    return {radio["value"]: radio for radio in _soup(response).select("input[name=time]")}


# --------------------------------------------------------------------------- what help there is

@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_help_page_lists_the_help_points_and_every_way_to_get_help(page, lang):
    soup = page(f"/{lang}/help")
    hrefs = {link["href"] for link in soup.find("main").find_all("a")}
    assert {f"/{lang}/help/book", f"/{lang}/help/home-visit", f"/{lang}/help/find", f"/{lang}/status/",
            f"/{lang}/guides/book-con-visit"} <= hrefs
    text = soup.find("main").get_text(" ", strip=True)
    assert {"kk": "Мысал кітапханасы №1 (шын емес)", "ru": "Библиотека-пример №1 (не настоящая)",
            "en": "Example Library No. 1 (not real)"}[lang] in text
    if lang == "en":
        assert "not Public Service Centres (ЦОН)" in text
        assert "Example Library No. 1 (not real)" in text and "1 Sample Street" in text
        assert "Monday: 9am to 6pm" in text and "Sunday: Closed" in text and "Saturday: 10am to 2pm" in text
        assert "Our helpers there speak: Kazakh, Russian." in text
        assert "You can get in without steps." in text and "There are steps at the entrance." in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_with_help_points_says_in_all_three_languages_that_they_are_examples(app, visitor, lang):
    reference, secret = book_somewhere(visitor, lang)
    booked = visitor.get(f"/{lang}/help/booked")
    find_booking(visitor, lang, reference, secret)
    day = _days_offered(visitor, lang)[0]
    pages = [visitor.get(f"/{lang}/help"), visitor.get(f"/{lang}/help/book"),
             visitor.get(f"/{lang}/help/book/{LIBRARY}"), visitor.get(f"/{lang}/help/book/{LIBRARY}/{day}"), booked,
             visitor.get(f"/{lang}/help/booking"), visitor.get(f"/{lang}/help/booking/cancel"),
             visitor.get(f"/{lang}/help/booking/change"), visitor.get(f"/{lang}/help/booking/change/{day}")]
    for response in pages:
        notice = _soup(response).select(".notice-warning p[lang]")
        assert [p["lang"] for p in notice][0] == lang, response.request.path
        assert sorted(p["lang"] for p in notice) == ["en", "kk", "ru"], response.request.path
        english = next(p for p in notice if p["lang"] == "en")
        assert english.get_text(strip=True) == EXAMPLE["en"]
        # Each sentence is the message in its own language, whatever the page's language.
        with app.test_request_context(f"/{lang}/help"):
            from flask_babel import force_locale, gettext
            for p in notice:
                with force_locale({"kk": "kk", "ru": "ru", "en": "en_GB"}[p["lang"]]):
                    assert p.get_text(strip=True) == gettext(EXAMPLE["en"])


def test_in_production_example_places_are_never_shown_and_booking_is_off(tmp_path):
    app = make_test_app(tmp_path / "production.sqlite3", KOMEK_ENV="production")
    client = app.test_client()
    response = client.get("/en/help")
    text = _text(response)
    assert "You cannot book a time here yet" in text and "Call 1414" in text
    assert "Example Library" not in text and "not real" not in text
    links = {a["href"] for a in _soup(response).find("main").find_all("a")}
    assert "/en/guides/book-con-visit" in links and "/en/help/book" not in links
    for path in ("/en/help/book", f"/en/help/book/{LIBRARY}", f"/en/help/book/{LIBRARY}/2030-01-01"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/en/help", path
    token = csrf_token(client.get("/en/help/home-visit").get_data(as_text=True))
    response = client.post(f"/en/help/book/{LIBRARY}/2030-01-01", data={"csrf_token": token, **random_person()})
    assert response.status_code == 303 and response.headers["Location"] == "/en/help"
    with app.extensions["komek_db"]() as db:
        assert db.scalar(select(func.count()).select_from(Appointment)) == 0


def test_an_unknown_help_point_is_a_404_page(page):
    soup = page("/en/help/book/no-such-point", expected_status=404)
    assert "Page not found" in soup.h1.get_text()
    page("/en/help/book/no-such-point/2030-01-01", expected_status=404)


# --------------------------------------------------------------------------- booking

def test_book_a_time_and_get_a_reference_and_secret_code_to_print(visitor, page, app):
    days = _days_offered(visitor)
    assert days
    path, time = free_time(visitor, "en")
    soup = BeautifulSoup(visitor.get(path).get_data(as_text=True), "html.parser")
    check_page(soup, path)
    assert soup.find("legend").get_text(strip=True) == "Choose a time"
    response = _post(visitor, path, {"time": time, "name": "  Айгүл   Нұрланова ", "phone": "8 (701) 123-45-67",
                                     "phone_owner": "relative"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/help/booked"
    booked = visitor.get("/en/help/booked")
    assert booked.headers["Cache-Control"] == "no-store"
    soup = _soup(booked)
    check_page(soup, "/en/help/booked")
    reference, secret = [tag.get_text() for tag in soup.select("strong.big.code")]
    assert re.fullmatch(r"KMK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", reference)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", secret)
    assert soup.find("button", attrs={"data-print": True, "hidden": True, "type": "button"})
    text = soup.find("main").get_text(" ", strip=True)
    assert "Айгүл Нұрланова" in text and "+7 701 123 45 67" in text and "What happens next" in text
    with app.extensions["komek_db"]() as db:
        appointment = db.scalar(select(Appointment).where(Appointment.reference == reference))
        assert appointment.phone == "+77011234567" and appointment.phone_owner == "relative"
        assert appointment.name == "Айгүл Нұрланова" and appointment.language == "en" and appointment.active is True
        assert db.scalar(select(StatusEvent.to_status).where(StatusEvent.case_kind == "appointment",
                                                             StatusEvent.case_id == appointment.id)) == "received"
    assert not any(part in location for location in visitor.seen_locations
                   for part in (reference, secret, "Нұрланова", "701", "%D0"))


def test_a_full_time_is_shown_disabled_and_says_full_and_a_lost_race_shows_the_times_again(visitor, app):
    day = _days_offered(visitor, point=CENTRE)[-1]
    path = f"/en/help/book/{CENTRE}/{day}"
    times = list(_radios(visitor.get(path)))
    target = times[-1]
    _post(app.test_client(), path, {"time": target, **random_person()})  # someone else takes the only place
    radio = _radios(visitor.get(path))[target]
    assert radio.has_attr("disabled")
    label = _soup(visitor.get(path)).find("label", attrs={"for": radio["id"]}).get_text(strip=True)
    assert label.endswith("(full)")
    # The page was open before the time filled up: the person sends it anyway.
    response = _post(visitor, path, {"time": target, "name": "Бақыт Сейітова", "phone": "+7 705 000 11 22",
                                     "phone_owner": "self"})
    assert response.status_code == 200
    assert _errors(response) == ["This time is full. Choose another time"]
    soup = _soup(response)
    assert soup.find("input", attrs={"name": "name"})["value"] == "Бақыт Сейітова"
    assert soup.find("input", attrs={"name": "time", "value": target}).has_attr("disabled")
    assert soup.title.get_text().startswith("Error:")


def test_past_times_and_closed_days_are_not_offered(visitor, fixed_now):
    # Friday 20 March 2026, 17:50 in Almaty: the day's last time (17:30) has begun; 21-23 March are holidays.
    fixed_now(datetime.datetime(2026, 3, 20, 12, 50))
    days = _days_offered(visitor)
    assert days[0] == "2026-03-24" and "2026-03-22" not in days and "2026-03-21" not in days
    assert len(days) <= 14
    # Tuesday 24 March, 9:40: 9:00 and 9:30 are gone.
    fixed_now(datetime.datetime(2026, 3, 24, 4, 40))
    path = f"/en/help/book/{LIBRARY}/2026-03-24"
    radios = _radios(visitor.get(path))
    assert "09:00" not in radios and "09:30" not in radios and next(iter(radios)) == "10:00"
    response = _post(visitor, path, {"time": "09:30", **random_person()})
    assert _errors(response) == ["This time has passed. Choose a later time."]


@pytest.mark.parametrize("day, message", [
    ("2026-03-22", "The help point is closed on that day. Choose a day from the list."),
    ("2026-03-23", "The help point is closed on that day. Choose a day from the list."),
    ("2026-03-20", "There are no more times on that day. Choose a day from the list."),
    ("2026-03-19", "That day has passed. Choose a day from the list."),
    ("2026-04-20", "You can book up to 14 days ahead. Choose a day from the list."),
    ("2026-02-30", "We cannot show that day. Choose a day from the list."),
    ("tomorrow", "We cannot show that day. Choose a day from the list."),
])
def test_a_day_that_cannot_be_booked_says_why_and_offers_the_open_days(visitor, fixed_now, page, day, message):
    fixed_now(datetime.datetime(2026, 3, 20, 12, 50))
    token = csrf_token(visitor.get("/en/help/find").get_data(as_text=True))
    for method in ("get", "post"):
        data = {"csrf_token": token, **random_person(), "time": "10:00"} if method == "post" else None
        response = getattr(visitor, method)(f"/en/help/book/{LIBRARY}/{day}", data=data)
        assert response.status_code == 200
        assert _errors(response) == [message]
        assert "2026-03-24" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed, field, message", [
    ({"time": "25:99"}, "time", "Choose a time from the list"),
    ({"time": "10:15"}, "time", "Choose a time from the list"),
    ({"time": ""}, "time", "Choose a time from the list"),
    ({"name": "<script>alert(1)</script>"}, "name", "A name can have only letters, spaces, hyphens and apostrophes"),
    ({"name": " "}, "name", "Enter the full name of the person who will come"),
    ({"phone": "12"}, "phone", "The number is too short. Enter 10 digits after +7, for example +7 701 123 45 67"),
    ({"phone": "+1 212 555 01 23"}, "phone", "Enter a Kazakhstan number that starts with +7 7 or 8 7"),
    ({"phone": ""}, "phone", "Enter a phone number, for example +7 701 123 45 67"),
    ({"phone_owner": "boss"}, "phone_owner", "Choose whose phone number this is"),
    ({"phone_owner": ""}, "phone_owner", "Choose whose phone number this is"),
])
def test_bad_booking_answers_get_a_specific_message_and_keep_what_was_typed(visitor, typed, field, message):
    path, time = free_time(visitor, "en")
    data = {"time": time, **random_person(), **typed}
    response = _post(visitor, path, data)
    assert response.status_code == 200
    soup = _soup(response)
    assert soup.select_one(".error-summary a")["href"] == f"#{field}"
    assert message in _errors(response)
    assert soup.find(id=field)
    if field != "name":
        assert soup.find("input", attrs={"name": "name"})["value"] == data["name"]
    assert "<script>alert" not in response.get_data(as_text=True)


def test_one_booking_per_person_per_help_point_but_a_volunteer_can_book_both_parents(visitor):
    phone = "+7 707 " + str(random.randint(1000000, 9999999))
    mother = {"name": "Гүлнар Оспанова", "phone": phone, "phone_owner": "helper"}
    book_somewhere(visitor, "en", mother)
    path, time = free_time(visitor, "en")
    response = _post(visitor, path, {"time": time, **mother})
    assert _errors(response) == ["There is already a booking at this help point for this name and phone number. "
                                 "You can change its time or cancel it."]
    assert _soup(response).find("a", href="/en/help/find")
    book_somewhere(visitor, "en", {**mother, "name": "Серік Оспанов"})
    book_somewhere(visitor, "en", mother, point=CENTRE)


# --------------------------------------------------------------------------- change or cancel

def test_finding_a_booking_needs_the_right_reference_and_code_and_says_one_generic_thing(app, visitor):
    reference, secret = book_somewhere(visitor, "en")
    visit = _post(visitor, "/en/help/home-visit", HOME_VISIT)
    visit_reference, visit_secret = re.findall(r'class="big code">([^<]+)<',
                                               visitor.get(visit.headers["Location"]).get_data(as_text=True))[:2]
    generic = "We could not find a booking with this reference and secret code. Check both and try again."
    from services.codes import new_reference

    # A reference of its own: fixed example ones may be locked by other tests sharing this database.
    for wrong in ({"reference": reference, "secret_code": "AAAA-BBBB"},
                  {"reference": new_reference(), "secret_code": secret},
                  {"reference": "nonsense", "secret_code": "x"},
                  {"reference": visit_reference, "secret_code": visit_secret}):
        response = _post(visitor, "/en/help/find", wrong)
        assert response.status_code == 200 and _errors(response) == [generic]
        assert _soup(response).find("input", attrs={"name": "reference"})["value"] == wrong["reference"]
    response = _post(visitor, "/en/help/find", {"reference": "", "secret_code": ""})
    assert _errors(response) == ["Enter the reference, for example KMK-7Q4M-9XPD",
                                 "Enter the secret code, for example R7TX-4KQ9"]
    # Small letters without dashes are fine.
    response = _post(visitor, "/en/help/find", {"reference": reference.lower().replace("-", " "), "secret_code": secret.lower()})
    assert response.status_code == 303 and response.headers["Location"] == "/en/help/booking"
    page = visitor.get("/en/help/booking")
    assert page.headers["Cache-Control"] == "no-store" and reference in _text(page)
    assert not any(reference in location or secret in location for location in visitor.seen_locations)


def test_too_many_wrong_codes_for_one_reference_lock_it_for_an_hour(visitor):
    reference, _secret = book_somewhere(visitor, "en")
    for _try in range(5):
        _post(visitor, "/en/help/find", {"reference": reference, "secret_code": "AAAA-BBBB"})
    response = _post(visitor, "/en/help/find", {"reference": reference, "secret_code": _secret})
    assert _errors(response) == ["Too many tries. Wait 1 hour and try again, or ask a helper."]


def test_booking_pages_need_the_reference_and_code_first(visitor):
    for path in ("/en/help/booking", "/en/help/booking/cancel", "/en/help/booking/change", "/en/help/booking/change/2030-01-01"):
        response = visitor.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/en/help/find", path
    assert "enter its reference and secret code" in _text(visitor.get("/en/help/find"))
    assert visitor.get("/en/help/booked").status_code == 404


def test_cancel_frees_the_place_and_sends_a_notice_in_the_language_of_the_booking(app, visitor):
    reference, secret = book_somewhere(visitor, "kk")
    find_booking(visitor, "en", reference, secret)
    confirm = visitor.get("/en/help/booking/cancel")
    assert "Do you want to cancel this booking?" in _text(confirm)
    response = _post(visitor, "/en/help/booking/cancel", {})
    assert response.status_code == 303 and response.headers["Location"] == "/en/help/booking"
    text = _text(visitor.get("/en/help/booking"))
    assert "We cancelled your booking." in text and "This booking is cancelled." in text
    with app.extensions["komek_db"]() as db:
        appointment = db.scalar(select(Appointment).where(Appointment.reference == reference))
        assert appointment.active is None and appointment.status == "cancelled"
        notice = db.scalar(select(Notice).where(Notice.case_kind == "appointment", Notice.case_id == appointment.id))
        assert notice.language == "kk" and reference in notice.text
    with app.test_request_context("/kk/help"):
        from flask_babel import force_locale, gettext
        with force_locale("kk"):
            assert notice.text.startswith(gettext("Your booking %(reference)s on %(day)s at %(time)s is cancelled.")
                                          .split("%(reference)s")[0])
    # Cancelling or changing it again gets a plain message, never an error page.
    again = _post(visitor, "/en/help/booking/cancel", {})
    assert again.status_code == 200 and _errors(again) == ["This booking is already cancelled. You cannot change it."]
    assert _errors(visitor.get("/en/help/booking/change")) == ["This booking is already cancelled. You cannot change it."]


def test_change_the_time_keeps_the_reference_and_frees_the_old_place(app, visitor):
    reference, secret = book_somewhere(visitor, "en")
    find_booking(visitor, "en", reference, secret)
    with app.extensions["komek_db"]() as db:
        old = db.scalar(select(Appointment).where(Appointment.reference == reference))
    days = re.findall(r'href="/en/help/booking/change/(\d{4}-\d\d-\d\d)"', visitor.get("/en/help/booking/change").get_data(as_text=True))
    path = f"/en/help/booking/change/{days[-1]}"
    page = visitor.get(path)
    assert "Your reference and secret code stay the same." in _text(page)
    new_time = [value for value, radio in _radios(page).items() if not radio.has_attr("disabled")][-1]
    assert _errors(_post(visitor, path, {"time": "7:00"})) == ["Choose a time from the list"]
    response = _post(visitor, path, {"time": new_time})
    assert response.status_code == 303 and response.headers["Location"] == "/en/help/booking"
    assert "We changed your booking." in _text(visitor.get("/en/help/booking"))
    with app.extensions["komek_db"]() as db:
        moved = db.get(Appointment, old.id)
        assert moved.reference == reference and moved.active is True
        assert moved.starts_at == datetime.datetime.fromisoformat(f"{days[-1]}T{new_time}")
        assert db.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.help_point == LIBRARY, Appointment.starts_at == old.starts_at, Appointment.place == old.place,
            Appointment.id == old.id)) == 0
    same = _post(visitor, path, {"time": new_time})
    assert _errors(same) == ["Your booking is already at this time. Choose another time, or keep this one."]


def test_changing_to_a_full_time_says_it_is_full_and_keeps_the_booking(app, visitor):
    reference, secret = book_somewhere(visitor, "en", point=CENTRE)
    find_booking(visitor, "en", reference, secret)
    day = re.findall(r'href="/en/help/booking/change/(\d{4}-\d\d-\d\d)"', visitor.get("/en/help/booking/change").get_data(as_text=True))[-1]
    path = f"/en/help/booking/change/{day}"
    target = [value for value, radio in _radios(visitor.get(path)).items() if not radio.has_attr("disabled")][0]
    _post(app.test_client(), f"/en/help/book/{CENTRE}/{day}", {"time": target, **random_person()})
    response = _post(visitor, path, {"time": target})
    assert _errors(response) == ["This time is full. Choose another time"]
    with app.extensions["komek_db"]() as db:
        assert db.scalar(select(Appointment).where(Appointment.reference == reference)).active is True


# --------------------------------------------------------------------------- home visits

def test_home_visit_page_asks_only_what_is_needed_and_names_the_state_service_with_its_date(page):
    soup = page("/en/help/home-visit")
    text = soup.find("main").get_text(" ", strip=True)
    assert "Up to 300 characters." in text
    assert "This may have changed since 2020." in text and "Published: 5 April 2020." in text
    assert soup.find("a", href="http://egov.kz/cms/en/articles/family_support/kakoformit")
    reasons = [radio["value"] for radio in soup.select("input[name=reason]")]
    assert reasons == ["age", "illness", "disability", "other"]
    about = [radio["value"] for radio in soup.select("input[name=about]")]
    assert "age-pension" in about and about[-1] == "other"
    assert [box["value"] for box in soup.select("input[name=days]")] == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert [box["value"] for box in soup.select("input[name=times]")] == ["morning", "afternoon"]
    assert soup.find("label", attrs={"for": "consent"}).get_text(strip=True) == "You may call this number about the visit"


def test_request_a_home_visit(app, visitor):
    response = _post(visitor, "/en/help/home-visit", HOME_VISIT)
    assert response.status_code == 303 and response.headers["Location"] == "/en/help/home-visit/sent"
    sent = visitor.get("/en/help/home-visit/sent")
    assert sent.headers["Cache-Control"] == "no-store"
    soup = _soup(sent)
    check_page(soup, "/en/help/home-visit/sent")
    reference, secret = [tag.get_text() for tag in soup.select("strong.big.code")]
    text = soup.find("main").get_text(" ", strip=True)
    assert "A helper will call +7 701 123 45 67 on one of our working days." in text
    assert "we cannot promise an exact day" in text
    assert soup.find("button", attrs={"data-print": True})
    with app.extensions["komek_db"]() as db:
        visit = db.scalar(select(HomeVisit).where(HomeVisit.reference == reference))
        assert (visit.for_whom, visit.reason, visit.about) == ("other", "age", "age-pension")
        assert visit.preferred_days == ["tue", "thu"] and visit.preferred_times == ["morning"]
        assert visit.phone == "+77011234567" and visit.consent_to_call is True and visit.status == "received"
        assert db.scalar(select(StatusEvent.to_status).where(StatusEvent.case_kind == "home_visit",
                                                             StatusEvent.case_id == visit.id)) == "received"
    assert not any(secret in location or reference in location or "701" in location for location in visitor.seen_locations)


def test_something_else_is_stored_as_no_guide(app, visitor):
    response = _post(visitor, "/en/help/home-visit", {**HOME_VISIT, "about": "other", "days": [], "times": []})
    assert response.status_code == 303
    reference = _soup(visitor.get("/en/help/home-visit/sent")).select_one("strong.big.code").get_text()
    with app.extensions["komek_db"]() as db:
        visit = db.scalar(select(HomeVisit).where(HomeVisit.reference == reference))
        assert visit.about == "" and visit.preferred_days == [] and visit.preferred_times == []


@pytest.mark.parametrize("typed, field, message", [
    ({"for_whom": ""}, "for_whom", "Choose who needs the visit"),
    ({"for_whom": "neighbour"}, "for_whom", "Choose who needs the visit"),
    ({"reason": "money"}, "reason", "Choose why the person cannot travel"),
    ({"name": ""}, "name", "Enter the full name of the person who needs the visit"),
    ({"name": "R2-D2"}, "name", "A name can have only letters, spaces, hyphens and apostrophes"),
    ({"address": "  "}, "address", "Enter the address for the visit"),
    ({"address": "ж" * 301}, "address", "Write up to 300 characters. Now there are 301."),
    ({"about": "../../etc"}, "about", "Choose what you need help with"),
    ({"days": ["mon", "sun"]}, "days", "Choose days from the list"),
    ({"times": ["night"]}, "times", "Choose a time of day from the list"),
    ({"phone": "123"}, "phone", "The number is too short. Enter 10 digits after +7, for example +7 701 123 45 67"),
    ({"consent": ""}, "consent", "To send the request, tick the box to say we may call this number"),
])
def test_bad_home_visit_answers_get_a_specific_message_and_keep_what_was_typed(visitor, typed, field, message):
    data = {**HOME_VISIT, **typed}
    response = _post(visitor, "/en/help/home-visit", {key: value for key, value in data.items() if value != ""})
    assert response.status_code == 200
    soup = _soup(response)
    assert _errors(response) == [message]
    assert soup.select_one(".error-summary a")["href"] == f"#{field}" and soup.find(id=field)
    if field != "address":
        assert soup.find("textarea", attrs={"name": "address"}).get_text() == HOME_VISIT["address"]
    if field != "days":
        assert {box["value"] for box in soup.select("input[name=days][checked]")} == {"tue", "thu"}


def test_the_page_language_decides_the_guide_titles_offered(page):
    soup = page("/ru/help/home-visit")
    labels = [label.get_text(strip=True) for label in soup.select("input[name=about] + label")]
    assert "Запись в ЦОН" in labels


def test_a_tampered_or_missing_form_token_gets_the_expired_page_never_an_error(visitor):
    reference, secret = book_somewhere(visitor, "en")
    find_booking(visitor, "en", reference, secret)
    for path in ("/en/help/booking/cancel", "/en/help/home-visit", f"/en/help/book/{LIBRARY}/2030-01-01"):
        response = visitor.post(path, data={"csrf_token": "tampered", "time": "10:00"})
        assert response.status_code == 400 and "This page has expired" in _text(response), path
    assert "This booking is cancelled." not in _text(visitor.get("/en/help/booking"))
