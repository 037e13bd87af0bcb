"""A real gunicorn on a loopback port and just enough of a browser to use it: shared by the crash test
(tests/security/test_crash.py) and the load benchmark (benchmarks/load.py)."""

import http.client
import http.cookies
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

from settings import ROOT

START_TIMEOUT = 15.0
REQUEST_TIMEOUT = 5.0
GUNICORN = pathlib.Path(sys.executable).with_name("gunicorn")


class Browser:
    """Just enough of a browser: cookies (set and deleted), form posts, no automatic redirects."""

    def __init__(self, port: int | None = None):
        self.cookies: dict[str, str] = {}
        self.port = port

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Cookie": self.cookie_header()} if self.cookies else {}
            body = None
            if data is not None:
                body = urlencode(data)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _stat_fields(pid: int | str) -> list[str] | None:
    """State, parent, process group, ... of a process, from /proc (None once it is gone)."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        fields = _stat_fields(entry.name) if entry.name.isdigit() else None
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def memory_kib(pid: int) -> dict[str, int]:
    """A process's memory in KiB: resident (RSS), its share of pages shared with other processes (PSS), and
    what is its alone (private: freed if it ended)."""
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return {"rss": fields["Rss"], "pss": fields["Pss"], "private": fields["Private_Clean"] + fields["Private_Dirty"]}


class Gunicorn:
    """gunicorn as `make run` starts it (gunicorn.conf.py), in a process group of its own, so a kill
    reaches every worker. `app` is the WSGI app to serve; `ready_path` answers 200 once it is up."""

    def __init__(self, env: dict, log_path: pathlib.Path, app: str = "app:create_app()",
                 ready_path: str = "/static/build/manifest.json"):
        self.env = env
        self.log_path = log_path
        self.app = app
        self.ready_path = ready_path
        self.process = None
        self.port = None
        self.groups: list[int] = []

    def start(self) -> None:
        self.port = free_port()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
                 # No shared control socket in the home directory: each test server stays on its own.
                 "--no-control-socket", self.app],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.groups.append(self.process.pid)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                connection.request("GET", self.ready_path)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.03)
        raise AssertionError(f"gunicorn did not answer within {START_TIMEOUT}s:\n{self.log_path.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        """The worker processes: the master's children."""
        return sorted(int(entry.name) for entry in pathlib.Path("/proc").iterdir()
                      if entry.name.isdigit() and (fields := _stat_fields(entry.name))
                      and fields[0] != "Z" and int(fields[1]) == self.process.pid)

    def kill(self) -> None:
        """kill -9 the master and its workers at once (the whole process group)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def wait_gone(self) -> None:
        deadline = time.monotonic() + 10
        while self.process and group_members(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop_all(self) -> None:
        """Teardown: nothing of any start may survive, whatever happened."""
        for pgid in self.groups:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
