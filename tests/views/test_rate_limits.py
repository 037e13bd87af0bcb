"""Per-client rate limits on the forms that check a code: counted in Redis and shared by app servers, a
429 page in the reader's language, and a site that stays up (with its database lockouts) when Redis is down."""

import shutil
import socket
import subprocess
import time

import pytest
from bs4 import BeautifulSoup
from flask_babel import gettext

from services.codes import new_reference
from tests.conftest import missing_service
from tests.journey_support import csrf_token
from tests.support import check_page, make_test_app
from web import limits

WRONG_CODE = "2222-3333"


def _app(tmp_path, name="komek.sqlite3", **overrides):
    return make_test_app(tmp_path / name, **overrides)


def _client(app, address="10.9.8.7"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _check_status(client, lang="en", reference=None, secret=WRONG_CODE):
    # A reference of its own unless given: the database lockout counts per reference.
    reference = reference or new_reference()
    token = csrf_token(client.get(f"/{lang}/status/").get_data(as_text=True))
    return client.post(f"/{lang}/status/", data={"csrf_token": token, "reference": reference, "secret_code": secret})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def without_redis(tmp_path_factory):
    """An app server whose REDIS_URL points at a port where nothing listens."""
    return _app(tmp_path_factory.mktemp("no-redis"), RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_free_port()}/0")


@pytest.fixture
def limit(without_redis):
    def set_limit(value):
        without_redis.config["CODE_CHECK_RATE_LIMIT"] = value
    yield set_limit
    without_redis.config["CODE_CHECK_RATE_LIMIT"] = "30 per minute"


def test_every_code_check_is_limited_per_client_and_only_on_post(without_redis, limit):
    assert set(limits.CODE_CHECKS) <= set(without_redis.view_functions)
    limit("2 per minute")
    fields = {"/en/apply/resume": {"code": "ABCD-EFGH", "birth_date-day": "1", "birth_date-month": "2",
                                   "birth_date-year": "1990"},
              "/en/status/": {"reference": new_reference(), "secret_code": WRONG_CODE},
              "/en/help/find": {"reference": new_reference(), "secret_code": WRONG_CODE},
              "/en/staff/sign-in": {"username": "nobody", "password": "wrong password"}}
    for number, (path, data) in enumerate(fields.items()):
        client = _client(without_redis, f"10.7.7.{number}")
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        token = csrf_token(client.get(path).get_data(as_text=True))
        answers = [client.post(path, data={"csrf_token": token, **data}).status_code for _ in range(3)]
        assert answers == [200, 200, 429], (path, answers)
        # The GET of the same form stays open: a person can still read it.
        assert client.get(path).status_code == 200, path


def test_a_limit_hit_answers_429_in_the_readers_language_for_every_app_server_sharing_redis(tmp_path, redis_url):
    import redis

    first = _app(tmp_path, "first.sqlite3", RATELIMIT_STORAGE_URI=redis_url, CODE_CHECK_RATE_LIMIT="3 per minute")
    client = _client(first)
    for _ in range(3):
        assert _check_status(client, "kk").status_code == 200
    response = _check_status(client, "kk")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    check_page(soup, "/kk/status/")
    with first.test_request_context("/kk/"):
        title = gettext("Too many tries in a short time")
    assert soup.find("html")["lang"] == "kk" and soup.find("h1").get_text(strip=True) == title
    # Counted in Redis, not in this process: a second app server sees the same count for this client...
    assert redis.Redis.from_url(redis_url).keys("*/komek/*")
    second = _app(tmp_path, "second.sqlite3", RATELIMIT_STORAGE_URI=redis_url, CODE_CHECK_RATE_LIMIT="3 per minute")
    english = _check_status(_client(second), "en")
    assert english.status_code == 429 and "Too many tries in a short time" in english.get_data(as_text=True)
    # ...and another client is not affected.
    assert _check_status(_client(second, "10.9.8.8"), "en").status_code == 200


def _site_stays_up_and_locks_after_five_tries(app, network):
    client = _client(app, f"{network}.3")
    assert client.get("/en/").status_code == 200
    assert client.get("/en/status/").status_code == 200
    reference = new_reference()
    answers = [_check_status(client, reference=reference) for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert "locked for 1 hour" not in answers[3].get_data(as_text=True)
    assert "locked for 1 hour" in answers[4].get_data(as_text=True)
    # The lock is in the database: another client, even with another address, finds the reference locked.
    assert "locked for 1 hour" in _check_status(_client(app, f"{network}.4"), reference=reference).get_data(as_text=True)


def test_an_unreachable_redis_keeps_the_site_up_and_the_database_lockout_holds(without_redis):
    started = time.perf_counter()
    _site_stays_up_and_locks_after_five_tries(without_redis, "10.1.2")
    assert time.perf_counter() - started < 10


def test_an_unreachable_redis_still_limits_each_app_server_in_memory(without_redis, limit):
    limit("3 per minute")
    client = _client(without_redis, "10.3.3.3")
    assert [_check_status(client).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert without_redis.extensions["komek_limiter"]._storage_dead


def test_redis_stopping_while_the_site_runs_keeps_it_up_and_the_database_lockout_holds(tmp_path):
    if not shutil.which("redis-server"):
        missing_service("needs Debian's redis-server (`make services` installs it)")
    port = _free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        import redis

        store = redis.Redis(port=port)
        for _ in range(50):
            try:
                store.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        app = _app(tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0")
        assert _check_status(_client(app, "10.5.5.5"), reference=new_reference()).status_code == 200
        assert store.keys("*/komek/*")
    finally:
        server.terminate()
        server.wait(10)
    _site_stays_up_and_locks_after_five_tries(app, "10.6.6")


def _through_proxy(app, forwarded_for: str):
    """A reader behind nginx: gunicorn sees nginx's address, nginx adds the reader's to X-Forwarded-For."""
    client = _client(app, "127.0.0.1")
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def test_behind_a_trusted_proxy_each_reader_is_limited_by_their_own_address(tmp_path):
    app = _app(tmp_path, TRUSTED_PROXIES=1, CODE_CHECK_RATE_LIMIT="2 per minute")
    reader = _through_proxy(app, "203.0.113.5")
    assert [_check_status(reader).status_code for _ in range(3)] == [200, 200, 429]
    # Another reader behind the same nginx keeps their own tries...
    assert _check_status(_through_proxy(app, "203.0.113.6")).status_code == 200
    # ...and the first can't start afresh by sending an address of their own: nginx appends the real one last.
    assert _check_status(_through_proxy(app, "198.51.100.1, 203.0.113.5")).status_code == 429


def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(tmp_path):
    app = _app(tmp_path, CODE_CHECK_RATE_LIMIT="2 per minute")
    answers = []
    for number in range(3):
        client = _client(app, "10.4.4.4")
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{number}"
        answers.append(_check_status(client).status_code)
    assert answers == [200, 200, 429]
