"""Shared by the reliability and security tier (docs/reliability.md): Hypothesis profiles,
the `slow` switch, the figures each run records, and a gunicorn that can be SIGKILLed.

Profiles (registered on import):

* ``reliability`` — the default run: enough examples to find the usual mistakes, the whole
  fuzz module within about a minute on the 2-core CI machine.
* ``reliability-slow`` — the ``@pytest.mark.slow`` variants: ten times as many examples.

Neither keeps an example database (no ``.hypothesis/`` folder in the work tree) and
neither has a deadline (the first call of a GDAL reader or of PROJ can be slow, which is
not a failure). ``HYPOTHESIS_SEED`` makes a run repeatable; without it every run explores
new inputs.

``record(section, **figures)`` merges numbers into ``test-artifacts/reliability.json``
(ignored by git) so the figures quoted in docs/reliability.md come from a real run:
``cat test-artifacts/reliability.json`` after ``pytest tests/test_crash_server.py ...``.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from hypothesis import HealthCheck, settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIGURES_PATH = os.environ.get("RELIABILITY_FIGURES", os.path.join(ROOT, "test-artifacts", "reliability.json"))

DEFAULT_EXAMPLES = 150
SLOW_EXAMPLES = 1500

settings.register_profile(
    "reliability", max_examples=DEFAULT_EXAMPLES, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture])
settings.register_profile(
    "reliability-slow", parent=settings.get_profile("reliability"), max_examples=SLOW_EXAMPLES)

# Each test picks its profile explicitly (``profile(...)``); this only sets what a bare
# @given in these modules would get.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "reliability"))

#: ``@pytest.mark.parametrize("size", SIZES)``: the reduced run and its `slow` long variant.
SIZES = [pytest.param("reduced", id="reduced"), pytest.param("long", id="long", marks=pytest.mark.slow)]


def profile(size: str, **overrides) -> settings:
    """The Hypothesis settings of a size ("reduced" or "long"), with overrides."""
    base = settings.get_profile("reliability-slow" if size == "long" else "reliability")
    return settings(base, **overrides) if overrides else base


def record(section: str, **figures) -> None:
    """Merge ``figures`` under ``section`` in the figures file (best effort, never fails a test)."""
    with contextlib.suppress(OSError, ValueError):
        os.makedirs(os.path.dirname(FIGURES_PATH), exist_ok=True)
        with open(FIGURES_PATH, "a+", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.seek(0)
            text = f.read()
            try:
                data = json.loads(text) if text.strip() else {}
            except ValueError:
                data = {}
            data.setdefault(section, {}).update(figures)
            f.seek(0)
            f.truncate()
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)


# -- a real server that can be killed ----------------------------------------------------------

def server_env(db_url: str) -> dict:
    env = dict(os.environ)
    env.update(GIS_ENV="development", DATABASE_URL=db_url, PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -w N 'app:create_app()'`` in its own process group, so that ``kill()`` can
    SIGKILL the master and every worker at once (a power cut, an OOM kill)."""

    def __init__(self, db_url: str, folder, workers: int = 2):
        self.env = server_env(db_url)
        self.folder = folder
        self.workers = workers
        self.proc = None
        self.url = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> str:
        port = free_port()
        self.starts += 1
        self.log_path = os.path.join(str(self.folder), f"gunicorn-{self.starts}.log")
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-b", f"127.0.0.1:{port}",
                 "--timeout", "120", "app:create_app()"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as resp:
                    if resp.status == 200:
                        return self.url
            except Exception as exc:  # noqa: BLE001 - not up yet
                last = exc
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"gunicorn did not become healthy (last: {last}):\n{self.log()[-3000:]}", pytrace=False)

    def log(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def kill(self) -> None:
        """SIGKILL the whole group (master and workers): no shutdown code runs."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # a worker left behind
        self.proc = None


def api_user(store, email: str = "robot@sogtvt.cantho.gov.vn", role: str = "editor",
             agency: str | None = "so-gtvt") -> str:
    """An account (no usable password: API only) and a fresh API token for it."""
    from gis import accounts
    from gis.store.accounts import accounts_of

    acc = accounts_of(store)
    user, _ = acc.find_user(email)
    if user is None:
        user = acc.create_user(email, "!unusable", role, agency, "reliability tests")
    token, digest = accounts.new_token()
    acc.add_token(user.id, digest, "reliability tests")
    return token


def project_feature(pid: str, *, lead_agency: str = "so-gtvt", lon: float = 105.7, lat: float = 10.0) -> dict:
    """A minimal valid project (a road of ``lead_agency``) at (lon, lat)."""
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": pid, "name_vi": f"Dự án {pid}", "name_en": f"Project {pid}",
                           "sector": "transport.road", "status": "implementation", "progress": 0,
                           "lead_agency": lead_agency, "location_accuracy": "approximate",
                           "sources": ["reliability tests"]}}


def sqlite_integrity(db_url: str) -> str:
    import sqlite3

    path = db_url.split("sqlite:///", 1)[1]
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))


def http(method: str, url: str, *, token: str | None = None, headers: dict | None = None, body=None,
         timeout: float = 60.0) -> tuple[int, dict, bytes]:
    """One request on a new connection: (status, headers, body). Connection errors raise OSError."""
    import urllib.error

    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(url, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None and not (headers or {}).get("Content-Type"):
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()
    except urllib.error.URLError as err:
        raise ConnectionError(f"{method} {url}: {err.reason}") from None
