"""Komek under load: gunicorn as `make run` starts it (gunicorn.conf.py), wrk on loopback, on one engine.

    make benchmark-load                              (SQLite, then PostgreSQL + Redis; both throw-away)
    python -m benchmarks.load --engine sqlite        (or --engine postgresql with KOMEK_TEST_POSTGRES_URL
                                                      and KOMEK_TEST_REDIS_URL from tools/test_services.sh)

1. Pages: requests per second and p50/p95/p99 latency for the home page, a guide, a search and a question
   page, each after a warm-up, with gzip asked for as browsers do, and each as a ratio to a bare Flask route
   (benchmarks/bare_app.py) served by the same gunicorn configuration in the same run (measured before and
   after the pages; the ratio uses their mean).
2. Mixed load: 50 connections, each one person (benchmarks/load.lua) who browses, applies, books a time
   and checks a status, on a freshly started server, until 10,000 requests: server errors, and afterwards
   whether any help-point time holds more bookings than its capacity. The resident size of every worker
   is read after each 1,000 requests: the goal is at most 80 MB, and no growth from the 5,000th to the
   10,000th.
3. Database size: 1,000 applications, each from a fresh visit, through the app in this process.

Results go to benchmarks/results/load-<engine>.json and .md; the README summarises them. Nothing here is
asserted: figures are reported, and the tests stay untimed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import runpy
import signal
import sqlite3
import subprocess
import tempfile
import time
from urllib.parse import quote

from sqlalchemy import create_engine, text

from app import create_app
from services.help_points import load_help_points
from settings import ROOT
from tests.journey_support import csrf_token, example_answers, submit
from tests.live_server import Browser, Gunicorn, memory_kib
from tests.support import migrate

SCRIPT = ROOT / "benchmarks" / "load.lua"
RESULTS = ROOT / "benchmarks" / "results"
SECRET_KEY = "load-benchmark-secret-key"
QUESTION = ("id-card", "applicant-name")
PAGES = {
    "home": "/kk/",
    "guide": "/ru/guides/disability",
    "search": "/ru/search?q=" + quote("потерял паспрот"),
    "question": f"/en/apply/{QUESTION[0]}/{QUESTION[1]}",
}
PAGE_CONNECTIONS = 20
MIXED_CONNECTIONS = 50
MEMORY_GOAL_KIB = 80 * 1024
GUNICORN_CONFIG = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
ACCESS_LINE = re.compile(r'^\S+ "(?:GET|POST|HEAD) [^"]*" (\d{3}) ', re.MULTILINE)


# --------------------------------------------------------------------------- databases

class SqliteEngine:
    name = "sqlite"

    def __init__(self, folder: pathlib.Path):
        self.folder = folder

    def fresh(self, label: str) -> str:
        url = f"sqlite:///{self.folder / f'{label}.sqlite3'}"
        migrate(url)
        return url

    def environment(self) -> dict:
        return {}

    def size(self, url: str) -> int:
        path = url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return os.path.getsize(path)


class PostgresEngine:
    name = "postgresql"

    def __init__(self, server_url: str, redis_url: str):
        self.server_url, self.redis_url = server_url, redis_url
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")

    def fresh(self, label: str) -> str:
        database = f"komek_{label}_{os.getpid()}"
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        url = self.server_url.rsplit("/", 1)[0] + "/" + database
        migrate(url)
        return url

    def environment(self) -> dict:
        return {"REDIS_URL": self.redis_url}

    def size(self, url: str) -> int:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        finally:
            engine.dispose()


# --------------------------------------------------------------------------- wrk

def _wrk_command(url: str, seconds: float, connections: int, threads: int, headers: list[str]) -> list[str]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "30s", "-s", str(SCRIPT)]
    for header in headers:
        command += ["-H", header]
    return command + [url]


def _wrk_result(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("KOMEK-RESULT "):
            return json.loads(line.removeprefix("KOMEK-RESULT "))
    raise RuntimeError(f"wrk printed no result:\n{output[-2000:]}")


def wrk(url: str, seconds: float, headers: list[str]) -> dict:
    command = _wrk_command(url, seconds, PAGE_CONNECTIONS, 2, headers)
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    result = _wrk_result(finished.stdout)
    result["rps"] = result["requests"] / result["seconds"]
    return result


def measure_page(port: int, path: str, seconds: float, headers: list[str]) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    wrk(url, min(2, seconds), headers)  # warm-up: templates compiled, connections pooled
    return wrk(url, seconds, headers)


# --------------------------------------------------------------------------- servers

def _server(folder: pathlib.Path, environment: dict, app: str, ready_path: str, label: str) -> Gunicorn:
    # The rest of the configuration is gunicorn.conf.py's: workers from the cores, 2 threads each.
    environment = {**os.environ, "KOMEK_ENV": "development", "SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1",
                   # As behind nginx: each simulated person sends an address of their own.
                   "KOMEK_TRUSTED_PROXIES": "1", **environment}
    server = Gunicorn(environment, folder / f"{label}.log", app=app, ready_path=ready_path)
    server.start()
    return server


def _stop(server: Gunicorn) -> None:
    server.stop_all()
    server.wait_gone()


def _draft_cookie(port: int) -> str:
    """A visit with a draft standing at the question page measured, as a person's browser would hold it."""
    browser = Browser(port)
    start = f"/en/apply/{QUESTION[0]}"
    status, headers, html = browser.get(start)
    status, headers, _ = browser.post(start, {"csrf_token": csrf_token(html)})
    answers = example_answers(QUESTION[0])
    location = headers["Location"]
    while not location.endswith("/" + QUESTION[1]):
        status, _, html = browser.get(location)
        question = location.rsplit("/", 1)[1].replace("-", "_")
        status, headers, _ = browser.post(location, {"csrf_token": csrf_token(html), **answers[question]})
        assert status == 303, (location, status)
        location = headers["Location"]
    return browser.cookie_header()


def measure_pages(engine, folder: pathlib.Path, seconds: float) -> dict:
    # As nginx asks: a connection per request (its default HTTP/1.0 upstream), so every worker takes its
    # share; with wrk's kept-alive connections the first worker to accept would keep them all.
    gzip = ["Accept-Encoding: gzip", "Connection: close"]
    bare = _server(folder, {}, "benchmarks.bare_app:app", "/", "bare-gunicorn")
    try:
        results = {"bare Flask route (before)": measure_page(bare.port, "/", seconds, gzip)}
    finally:
        _stop(bare)
    url = engine.fresh("pages")
    komek = _server(folder, {"DATABASE_URL": url, **engine.environment()}, "app:create_app()",
                    "/static/build/manifest.json", "pages-gunicorn")
    try:
        cookie = _draft_cookie(komek.port)
        for name, path in PAGES.items():
            headers = gzip + ([f"Cookie: {cookie}"] if name == "question" else [])
            results[name] = measure_page(komek.port, path, seconds, headers)
    finally:
        _stop(komek)
    bare = _server(folder, {}, "benchmarks.bare_app:app", "/", "bare-gunicorn")
    try:
        results["bare Flask route (after)"] = measure_page(bare.port, "/", seconds, gzip)
    finally:
        _stop(bare)
    floor = (results["bare Flask route (before)"]["rps"] + results["bare Flask route (after)"]["rps"]) / 2
    floor_p50 = (results["bare Flask route (before)"]["latency_ms"]["p50"]
                 + results["bare Flask route (after)"]["latency_ms"]["p50"]) / 2
    for result in results.values():
        result["rps_ratio_to_bare"] = result["rps"] / floor
        result["p50_ratio_to_bare"] = result["latency_ms"]["p50"] / floor_p50
    return results


# --------------------------------------------------------------------------- mixed load

def _lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(key)}] = {_lua(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(_lua(item) for item in value) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return repr(value)


def write_plan(path: pathlib.Path) -> None:
    """What each simulated person does, as a Lua table for load.lua."""
    points = load_help_points(ROOT / "content" / "help_points.yaml")
    plan = {
        "languages": ["kk", "ru", "en"],
        "guides": ["id-card", "passport", "age-pension", "disability", "kindergarten-queue", "digital-signature"],
        "searches": {"kk": ["жеке куәлік", "зейнетакы", "балабақша кезегі"],
                     "ru": ["потерял паспорт", "пенсия по возрасту", "эцп"],
                     "en": ["lost id card", "pension", "kindergarten"]},
        "application": QUESTION[0],
        "answers": {question: answers for question, answers in example_answers(QUESTION[0]).items()},
        "points": list(points.points),
        "names": ["Айгүл Серікқызы", "Ерлан Асқарұлы", "Иван Петров", "Сәуле Ерланқызы"],
        # Share of each journey; after any of them a person may press "Finish and clear".
        "weights": {"browse": 0.45, "apply": 0.25, "book": 0.12, "status": 0.18, "finish": 0.2},
    }
    path.write_text("return " + _lua(plan) + "\n", encoding="utf-8")


def _access_lines(log: pathlib.Path, offset: int) -> list[str]:
    return ACCESS_LINE.findall(log.read_text(encoding="utf-8", errors="replace")[offset:])


def _memory(server: Gunicorn) -> dict:
    return {"workers": {pid: memory_kib(pid) for pid in server.workers()}, "master": memory_kib(server.process.pid)}


def mixed_load(url: str, environment: dict, folder: pathlib.Path, total: int, give_up_after: float = 600) -> dict:
    """Runs the mixed load on a migrated database until `total` requests are served (also a test:
    tests/security/test_mixed_load.py), and checks the database after it."""
    plan = folder / "plan.lua"
    write_plan(plan)
    server = _server(folder, {"DATABASE_URL": url, **environment}, "app:create_app()",
                     "/static/build/manifest.json", "mixed-gunicorn")
    try:
        deadline = time.monotonic() + 30
        while len(server.workers()) < GUNICORN_CONFIG["workers"] and time.monotonic() < deadline:
            time.sleep(0.1)
        offset = len(server.log_path.read_text(encoding="utf-8", errors="replace"))
        samples = [{"requests": 0, **_memory(server)}]
        command = _wrk_command(f"http://127.0.0.1:{server.port}/", 900, MIXED_CONNECTIONS, MIXED_CONNECTIONS, [])
        started = time.monotonic()
        load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "KOMEK_LOAD_PLAN": str(plan)})
        next_sample = 1000
        while load.poll() is None and time.monotonic() - started < give_up_after:
            served = len(_access_lines(server.log_path, offset))
            if served >= min(next_sample, total):
                samples.append({"requests": served, **_memory(server)})
                if served >= total:
                    break
                next_sample += 1000
            else:
                time.sleep(0.05)
        load.send_signal(signal.SIGINT)
        output, errors = load.communicate(timeout=60)
        elapsed = time.monotonic() - started
        result = _wrk_result(output + errors)
        statuses = _access_lines(server.log_path, offset)
    finally:
        _stop(server)
    result["rps"] = result["requests"] / result["seconds"]
    result["wall_seconds"] = elapsed
    result["server_errors_logged"] = sum(1 for status in statuses if status.startswith("5"))
    result["requests_logged"] = len(statuses)
    result["memory"] = samples
    result["database"] = _check_database(url)
    return result


def _check_database(url: str) -> dict:
    """After the load: no help-point time holds more active bookings than its capacity."""
    points = load_help_points(ROOT / "content" / "help_points.yaml").points
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT help_point, starts_at, COUNT(*), COUNT(DISTINCT place) FROM appointments "
                "WHERE active IS NOT NULL GROUP BY help_point, starts_at")).all()
            submissions = connection.execute(text("SELECT COUNT(*) FROM submissions")).scalar_one()
    finally:
        engine.dispose()
    over = [f"{point} {starts}: {count} of {points[point].capacity}" for point, starts, count, places in rows
            if count > points[point].capacity or places != count]
    return {"appointments": sum(row[2] for row in rows), "times_booked": len(rows),
            "times_full": sum(1 for point, _, count, _ in rows if count == points[point].capacity),
            "times_over_capacity": over, "submissions": submissions}


# --------------------------------------------------------------------------- database size

def database_growth(engine, applications: int) -> dict:
    url = engine.fresh("size")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "TESTING": True,
                      "CODE_CHECK_RATE_LIMIT": "1000000 per minute"})
    before = engine.size(url)
    started = time.monotonic()
    for number in range(applications):
        submit(app.test_client(), QUESTION[0], ("kk", "ru", "en")[number % 3], for_other=number % 2 == 1)
    seconds = time.monotonic() - started
    app.extensions["komek_db"].kw["bind"].dispose()
    after = engine.size(url)
    return {"applications": applications, "bytes_before": before, "bytes_after": after,
            "bytes_per_1000": (after - before) * 1000 / applications, "seconds": seconds}


# --------------------------------------------------------------------------- report

def machine() -> dict:
    memory = next(line for line in pathlib.Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    model = next((line.split(":", 1)[1].strip() for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    return {"date": datetime.date.today().isoformat(), "cores": os.cpu_count(), "cpu": model,
            "memory": memory.split(":", 1)[1].strip(), "python": platform.python_version(), "wrk": wrk_version,
            "workers": GUNICORN_CONFIG["workers"], "threads": GUNICORN_CONFIG["threads"],
            "preload_app": GUNICORN_CONFIG["preload_app"]}


def markdown(engine_name: str, report: dict) -> str:
    m = report["machine"]
    lines = [f"# Load on {engine_name}, {m['date']}", "",
             f"{m['cores']} cores ({m['cpu']}), {m['memory']}, Python {m['python']}, {m['wrk']}; "
             f"gunicorn.conf.py: {m['workers']} workers × {m['threads']} threads, preload_app {m['preload_app']}; wrk, gunicorn and the "
             "database share the same cores.", "",
             f"## Pages ({report['seconds']} s each after a warm-up, {PAGE_CONNECTIONS} connections, gzip)", "",
             "| page | requests/s | × bare | p50 ms | p95 ms | p99 ms | p50 × bare | errors |", "|---|---|---|---|---|---|---|---|"]
    for name, r in report["pages"].items():
        errors = sum(r["errors"].values())
        lines.append(f"| {name} | {r['rps']:.0f} | {r['rps_ratio_to_bare']:.2f} | {r['latency_ms']['p50']:.1f} | "
                     f"{r['latency_ms']['p95']:.1f} | {r['latency_ms']['p99']:.1f} | {r['p50_ratio_to_bare']:.1f} | {errors} |")
    mixed = report["mixed"]
    counts, db = mixed["counts"], mixed["database"]
    first, middle, last = mixed["memory"][0], _sample_at(mixed["memory"], mixed["memory"][-1]["requests"] // 2), mixed["memory"][-1]
    lines += ["", f"## Mixed load ({MIXED_CONNECTIONS} connections, one person each)", "",
              f"- {mixed['requests']} requests in {mixed['seconds']:.1f} s: {mixed['rps']:.0f} requests/s; "
              f"p50 {mixed['latency_ms']['p50']:.1f} ms, p95 {mixed['latency_ms']['p95']:.1f} ms, "
              f"p99 {mixed['latency_ms']['p99']:.1f} ms.",
              f"- Server errors: {counts.get('status_5xx', 0)} seen by the people, {mixed['server_errors_logged']} in "
              f"gunicorn's log; socket errors {sum(mixed['errors'].values()) - mixed['errors']['status']}; "
              f"4xx answers {counts.get('status_4xx', 0)}; unexpected answers {counts.get('unexpected', 0)}"
              + (f" ({'; '.join(mixed['problems'])})" if mixed["problems"] else "") + ".",
              f"- Done: {counts.get('applications', 0)} applications, {counts.get('bookings', 0)} bookings "
              f"({counts.get('time_taken_meanwhile', 0)} times taken by someone else meanwhile, "
              f"{counts.get('no_free_time', 0)} tries found nothing free), {counts.get('status_checks', 0)} status checks, "
              f"{counts.get('pages_browsed', 0)} pages browsed, {counts.get('finished_visits', 0)} visits ended with "
              "Finish and clear.",
              f"- Capacity: {db['appointments']} active bookings on {db['times_booked']} times, {db['times_full']} "
              f"of them full; times over capacity: {len(db['times_over_capacity'])}"
              + (f" ({'; '.join(db['times_over_capacity'][:5])})" if db["times_over_capacity"] else "") + ".",
              "", "### Worker memory (MB: resident / proportional share / private)", "",
              "| after requests | " + " | ".join(f"worker {n + 1}" for n in range(len(first["workers"])))
              + " | whole server (master + workers, proportional) |", "|---|" + "---|" * (len(first["workers"]) + 1)]
    for sample in mixed["memory"]:
        cells = [f"{m['rss'] / 1024:.1f} / {m['pss'] / 1024:.1f} / {m['private'] / 1024:.1f}" for m in sample["workers"].values()]
        total = (sample["master"]["pss"] + sum(m["pss"] for m in sample["workers"].values())) / 1024
        lines.append(f"| {sample['requests']} | " + " | ".join(cells) + f" | {total:.0f} |")
    growth = [(last["workers"][pid]["rss"] - m["rss"]) / 1024 for pid, m in middle["workers"].items() if pid in last["workers"]]
    largest = max(m["rss"] for m in last["workers"].values()) / 1024
    verdict = "met" if largest * 1024 <= MEMORY_GOAL_KIB else "not met"
    lines += ["", f"Largest worker after {last['requests']} requests: {largest:.1f} MB resident (goal ≤ "
              f"{MEMORY_GOAL_KIB // 1024} MB: {verdict}); growth from request {middle['requests']} to {last['requests']}: "
              + ", ".join(f"{g:+.1f}" for g in growth) + " MB. Resident counts the pages every worker shares "
              "(Python, the libraries, and with preload_app the loaded app); the proportional share divides "
              "those among the processes, private is what a worker holds alone.", ""]
    size = report["database_size"]
    lines += ["## Database size", "",
              f"{size['applications']} applications (id-card, kk/ru/en, for themselves and for someone else, each from "
              f"a fresh visit whose session row stays until it expires): {size['bytes_before'] / 1024:.0f} KiB → "
              f"{size['bytes_after'] / 1024:.0f} KiB, **{size['bytes_per_1000'] / 1024:.0f} KiB per 1,000 applications** "
              f"({size['seconds']:.0f} s through the app in one process).", ""]
    return "\n".join(lines)


def _sample_at(samples: list[dict], requests: int) -> dict:
    return next(sample for sample in samples if sample["requests"] >= requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="length of each page's measured run")
    parser.add_argument("--mixed-requests", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=1000)
    arguments = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="komek-load-") as folder_name:
        folder = pathlib.Path(folder_name)
        if arguments.engine == "sqlite":
            engine = SqliteEngine(folder)
        else:
            engine = PostgresEngine(os.environ["KOMEK_TEST_POSTGRES_URL"], os.environ["KOMEK_TEST_REDIS_URL"])
        report = {"machine": machine(), "engine": engine.name, "seconds": arguments.seconds}
        report["pages"] = measure_pages(engine, folder, arguments.seconds)
        print(json.dumps({name: round(r["rps"]) for name, r in report["pages"].items()}), flush=True)
        report["mixed"] = mixed_load(engine.fresh("mixed"), engine.environment(), folder, arguments.mixed_requests)
        report["database_size"] = database_growth(engine, arguments.applications)
    (RESULTS / f"load-{engine.name}.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    summary = markdown(engine.name, report)
    (RESULTS / f"load-{engine.name}.md").write_text(summary, encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    main()
