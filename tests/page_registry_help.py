"""Page states of views/help.py, for the audits (see tests/page_registry.py).

States that need a booking first get it through the test client, like a person would: the first day
with a free time, the first free time on it, a made-up name and phone. Each prepared state uses a fresh
name, so repeated audits (every language, scheme and size) never trip the one-booking-per-person rule.
"""

import random
import re

EXCLUDED = {}

LIBRARY = "example-library-1"  # capacity 2
CENTRE = "example-community-centre-2"  # capacity 1
# The same person for "already booked": they book once, then try again.
REPEATED = {"name": "Сәуле Ерланқызы", "phone": "+7 702 555 01 02", "phone_owner": "relative"}
_LETTERS = "абвгдежзиклмнопрстуфхэюяәғқңөұүі"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _post(client, path: str, data: dict, remote_addr: str | None = None):
    token = _csrf(client.get(path).get_data(as_text=True))
    extra = {"environ_base": {"REMOTE_ADDR": remote_addr}} if remote_addr else {}
    return client.post(path, data={"csrf_token": token, **data}, **extra)


def random_person() -> dict:
    name = " ".join("".join(random.choice(_LETTERS) for _ in range(7)).capitalize() for _ in range(2))
    phone = "+7 70" + "".join(random.choice("0123456789") for _ in range(8))
    return {"name": name, "phone": phone, "phone_owner": "self"}


def booking_days(point: str = LIBRARY):
    """The open days ahead, from the help points file and the real clock (as the app sees them)."""
    from services.help_points import load_help_points
    from settings import ROOT
    from web.sessions import utcnow

    points = load_help_points(ROOT / "content" / "help_points.yaml")
    return points.open_days(points.get(point), utcnow())


def a_later_day(point: str = LIBRARY) -> str:
    """An open day after today, so its first time is still ahead while the audit runs."""
    days = booking_days(point=point)
    return (days[1] if len(days) > 1 else days[0]).isoformat()


def free_time(client, lang: str, point: str = LIBRARY) -> tuple[str, str]:
    """The path of the first day with a free time, and that time."""
    html = client.get(f"/{lang}/help/book/{point}").get_data(as_text=True)
    for path in re.findall(rf'href="(/{lang}/help/book/{point}/\d{{4}}-\d\d-\d\d)"', html):
        times = re.findall(r'name="time" value="([^"]+)">', client.get(path).get_data(as_text=True))
        if times:
            return path, times[0]
    raise AssertionError(f"no free time at {point}")


def book_somewhere(client, lang: str, person: dict | None = None, point: str = LIBRARY):
    """Book the first free time; returns the reference and secret code shown on the confirmation page."""
    path, time = free_time(client, lang, point)
    response = _post(client, path, {"time": time, **(person or random_person())})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    reference, secret = re.findall(r'class="big code">([^<]+)<', html)[:2]
    return reference, secret


def find_booking(client, lang: str, reference: str, secret: str):
    # A fresh address for each lookup: the audit's own wrong-code state must not lock these out.
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    response = _post(client, f"/{lang}/help/find", {"reference": reference, "secret_code": secret}, address)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]


def _booked(client, lang):
    book_somewhere(client, lang)


def _found(client, lang):
    find_booking(client, lang, *book_somewhere(client, lang))


def _found_and_cancelled(client, lang):
    _found(client, lang)
    assert _post(client, f"/{lang}/help/booking/cancel", {}).status_code == 303


def _booked_once(client, lang):
    # Tolerant: in later languages this person already holds the booking.
    path, time = free_time(client, lang)
    _post(client, path, {"time": time, **REPEATED})


def _fill(point: str, day: str, time: str):
    def prepare(client, lang):
        # Tolerant too: once the time is full, the booking is simply refused.
        _post(client, f"/{lang}/help/book/{point}/{day}", {"time": time, **random_person()})
    return prepare


def _first_time(point: str, day: str) -> str:
    from services.help_points import load_help_points
    from settings import ROOT
    import datetime

    points = load_help_points(ROOT / "content" / "help_points.yaml")
    return points.get(point).slots(datetime.date.fromisoformat(day))[0].strftime("%H:%M")


def _home_visit_sent(client, lang):
    response = _post(client, f"/{lang}/help/home-visit", HOME_VISIT)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]


HOME_VISIT = {"for_whom": "other", "reason": "age", "name": "Бақыт Сейітқызы", "address": "Мысал ауылы, Бірінші көше, 5",
              "about": "age-pension", "days": ["tue", "thu"], "times": ["morning"], "phone": "8 701 123 45 67",
              "consent": "y"}


def help_states():
    from tests.page_registry import PageState

    day = a_later_day()
    centre_day = a_later_day(CENTRE)
    centre_time = _first_time(CENTRE, centre_day)
    library_first = _first_time(LIBRARY, day)
    fill_centre = _fill(CENTRE, centre_day, centre_time)
    return [
        PageState("help: index", "help.index", template="help-index"),
        PageState("help: choose a help point", "help.choose_point", template="help-choose-point"),
        PageState("help: choose a day", "help.choose_day", {"point": LIBRARY}, template="help-choose-day"),
        PageState("help: unknown help point", "help.choose_day", {"point": "no-such-point"}, status=404),
        PageState("help: a day that cannot be booked", "help.book", {"point": LIBRARY, "day": "2000-01-01"},
                  template="help-choose-day-error"),
        PageState("help: book a time", "help.book", {"point": LIBRARY, "day": day}, template="help-book"),
        PageState("help: book, with every answer wrong", "help.book", {"point": LIBRARY, "day": day},
                  post={"time": "25:99", "name": "<script>x</script>", "phone": "12", "phone_owner": "boss"},
                  template="help-book-error"),
        PageState("help: book, a full time shown as full", "help.book", {"point": CENTRE, "day": centre_day},
                  prepare=fill_centre, template="help-book-full"),
        PageState("help: book, the time filled up meanwhile", "help.book", {"point": CENTRE, "day": centre_day},
                  prepare=fill_centre, post={"time": centre_time, **random_person()}, template="help-book-race-lost"),
        PageState("help: book, this person already has a booking", "help.book", {"point": LIBRARY, "day": day},
                  prepare=_booked_once, post={"time": library_first, **REPEATED}, template="help-book-already"),
        PageState("help: booked", "help.booked", prepare=_booked, template="help-booked"),
        PageState("help: booked page in a new visit", "help.booked", status=404),
        PageState("help: find a booking", "help.find_booking", template="help-find"),
        PageState("help: find a booking, wrong code", "help.find_booking",
                  post={"reference": "KMK-AAAA-BBBB", "secret_code": "AAAA-BBBB"}, template="help-find-error"),
        PageState("help: your booking", "help.manage_booking", prepare=_found, template="help-manage"),
        PageState("help: your booking, cancelled", "help.manage_booking", prepare=_found_and_cancelled,
                  template="help-manage-cancelled"),
        PageState("help: cancel, are you sure", "help.cancel_booking", prepare=_found, template="help-cancel"),
        PageState("help: cancel a cancelled booking", "help.cancel_booking", prepare=_found_and_cancelled,
                  template="help-cancel-error"),
        PageState("help: change, choose a day", "help.change_day", prepare=_found, template="help-change-day"),
        PageState("help: change, choose a time", "help.change_time", {"day": day}, prepare=_found,
                  template="help-change-time"),
        PageState("help: change, a wrong time", "help.change_time", {"day": day}, prepare=_found,
                  post={"time": "7:00"}, template="help-change-time-error"),
        PageState("help: home visit", "help.home_visit", template="help-home-visit"),
        PageState("help: home visit, with every answer wrong", "help.home_visit",
                  post={"for_whom": "x", "reason": "", "name": "", "address": "д" * 301, "about": "nothing",
                        "days": "sun", "times": "night", "phone": "12"}, template="help-home-visit-error"),
        PageState("help: home visit sent", "help.home_visit_sent", prepare=_home_visit_sent,
                  template="help-home-visit-sent"),
    ]
