"""Fifty people at once on a real gunicorn (gunicorn.conf.py, preloaded, 5 workers × 2 threads), on SQLite
and on PostgreSQL with Redis: each browses, applies, books a help-point time and checks a status with wrk
(benchmarks/load.lua), until 1,500 requests. Nobody gets a server error or a page their browser did not
expect, every acknowledged application is in the database, and no time holds more bookings than its
capacity. `make benchmark-load` runs the same load for 10,000 requests and measures it."""

import shutil

import pytest

from benchmarks.load import mixed_load
from tests.conftest import missing_service

REQUESTS = 1500


@pytest.fixture
def load_environment(engine_url, request):
    if not shutil.which("wrk"):
        missing_service("needs Debian's wrk (`make test` installs it)")
    return {"REDIS_URL": request.getfixturevalue("redis_url")} if engine_url.startswith("postgresql") else {}


def test_fifty_people_at_once_get_no_server_error_and_capacity_holds(engine_url, load_environment, tmp_path):
    result = mixed_load(engine_url, load_environment, tmp_path, REQUESTS, give_up_after=240)
    counts, database = result["counts"], result["database"]
    summary = {key: counts.get(key) for key in ("requests", "applications", "bookings", "status_checks",
                                                 "status_4xx", "status_5xx", "unexpected")}
    assert result["requests_logged"] >= REQUESTS, summary
    assert counts.get("status_5xx", 0) == 0 and result["server_errors_logged"] == 0, (summary, result["problems"])
    assert counts.get("unexpected", 0) == 0, (summary, result["problems"])
    assert database["times_over_capacity"] == [], database
    assert database["submissions"] >= counts["applications"], (database, summary)
    # Every kind of journey happened, so "no error" covers them all.
    assert counts["applications"] >= 5 and counts["bookings"] >= 5 and counts["status_checks"] >= 5, summary
