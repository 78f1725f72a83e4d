"""Fixtures of the browser tier: the real server (gunicorn) on seed data, and Chromium.

* ``live_server`` (session): a temporary SQLite store seeded with ``flask --app app seed``
  plus one hostile project (``xss-test-project``, whose names are an HTML payload) created
  through the store API; then ``gunicorn -w 2`` on a free 127.0.0.1 port. Yields its base URL.
* ``browser`` (session): Debian's Chromium through Playwright. Missing Chromium or
  Playwright skips locally with the reason and fails in CI (CI=true).
* ``watch`` / ``page`` (per test): a fresh context (Vietnamese locale, 1280x800) whose every
  request to a host other than 127.0.0.1 is aborted. Tile requests to *.openstreetmap.org are
  the only ones allowed to leave (and they are aborted too: no internet); every other external
  request, page error, failed request, HTTP error or dialog (a dialog means injected script
  ran) is recorded, and the test fails (in its call phase) if anything was.
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

XSS_ID = "xss-test-project"
XSS_PAYLOAD = "<img src=x onerror=alert(1)>"
XSS_COPY_OF = "cai-cui-port-phase-2"  # a Point far from the projects the other tests click on
XSS_COORDINATES = [105.60, 10.12]  # open country in Thới Lai / Cờ Đỏ, alone at street zoom

DESKTOP = {"width": 1280, "height": 800}


def missing(reason):
    """Skip locally, fail in CI: CI must run every tier."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


# -- the server ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(db_url: str) -> dict:
    env = dict(os.environ)
    env.update(GIS_ENV="development", DATABASE_URL=db_url, PYTHONUNBUFFERED="1")
    return env


def hostile_feature() -> dict:
    """A copy of a seed feature whose names are an HTML/JS payload."""
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as f:
        seed = json.load(f)
    feature = copy.deepcopy(next(f for f in seed["features"] if f["id"] == XSS_COPY_OF))
    feature["id"] = XSS_ID
    feature["properties"].update(id=XSS_ID, name_vi=XSS_PAYLOAD, name_en=XSS_PAYLOAD)
    feature["geometry"] = {"type": "Point", "coordinates": list(XSS_COORDINATES)}
    return feature


def _wait_healthy(url: str, proc: subprocess.Popen, log_path: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(0.2)
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()[-3000:]
    pytest.fail(f"gunicorn did not answer /healthz with 200 (exit code {proc.poll()}, last: {last}):\n{log}",
                pytrace=False)


@contextlib.contextmanager
def gunicorn(env: dict, folder):
    """The app served the way production serves it (gunicorn, 2 workers) on a free port."""
    port = _free_port()
    log_path = str(folder / "gunicorn.log")
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                 "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Base URL of gunicorn (2 workers) serving the seed data plus the hostile project."""
    folder = tmp_path_factory.mktemp("live_server")
    db_url = f"sqlite:///{folder / 'store.db'}"
    env = _server_env(db_url)
    seed = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "seed"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if seed.returncode != 0:
        pytest.fail(f"`flask --app app seed` failed ({seed.returncode}):\n{seed.stdout}\n{seed.stderr}", pytrace=False)

    from gis.store import open_store

    store = open_store(db_url)
    try:
        store.create_project(hostile_feature(), user="browser-tests", note="HTML payload in the names (XSS check)")
    finally:
        store.close()

    with gunicorn(env, folder) as url:
        yield url


@pytest.fixture(scope="session")
def api(live_server):
    """GET a JSON document from the live server: api('/api/projects', status='x')."""

    def get(path, **params):
        query = ("?" + urllib.parse.urlencode(params, doseq=True)) if params else ""
        with urllib.request.urlopen(live_server + path + query, timeout=10) as resp:
            return json.load(resp)

    return get


# -- the browser -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        missing(f"{CHROMIUM} not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed in this venv (pip install -r requirements.txt)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - a broken install is the same as a missing one
            missing(f"cannot launch {CHROMIUM}: {exc}")
        yield b
        b.close()


def is_tile(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host == "openstreetmap.org" or host.endswith(".openstreetmap.org")


def is_local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


class Watch:
    """What went wrong in the browser during one test (tiles are counted apart)."""

    def __init__(self):
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        self.tiles_blocked = 0
        self._pages = set()

    def attach(self, context):
        context.route("**/*", self._route)
        context.on("page", self.attach_page)  # pages the site opens (target=_blank, window.open)

    def attach_page(self, page):
        if id(page) in self._pages:
            return
        self._pages.add(id(page))
        page.on("pageerror", lambda e: self.problems.append(f"page error on {page.url}: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _route(self, route):
        url = route.request.url
        if is_local(url):
            route.continue_()
            return
        if is_tile(url):
            self.tiles_blocked += 1
        else:
            self.problems.append(f"blocked non-local request: {url}")
        route.abort()

    def _failed(self, request):
        if is_tile(request.url):
            return  # aborted by _route above: no internet here, and the map must not need tiles
        if not is_local(request.url):
            return  # already recorded as a blocked request
        if request.failure == "net::ERR_ABORTED" and request.resource_type not in ("document", "script", "xhr", "fetch"):
            return  # cancelled by the browser because the page navigated on (e.g. the favicon): not a server fault
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation on {message.location.get('url', '?')}: {message.text}")

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message!r} on {dialog.page.url if dialog.page else '?'}")
        self.problems.append(f"a {dialog.type} dialog opened (injected script ran?): {dialog.message!r}")
        dialog.dismiss()


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def context(browser, watch):
    ctx = browser.new_context(viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    ctx.set_default_timeout(15000)
    watch.attach(ctx)
    yield ctx
    with contextlib.suppress(Exception):
        ctx.close()


@pytest.fixture
def page(context, watch):
    pg = context.new_page()
    watch.attach_page(pg)
    return pg


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a browser test that saw problems, in the call phase (so ``xfail`` applies to it too)."""
    watch = item.funcargs.get("watch") if hasattr(item, "funcargs") else None
    try:
        result = yield
    except BaseException:
        if watch is not None and watch.problems:
            item.add_report_section("call", "browser problems", "\n".join(watch.problems))
        raise
    if watch is not None and watch.problems:
        pytest.fail("the browser saw problems during this test:\n  " + "\n  ".join(watch.problems), pytrace=False)
    return result


def sign_in(page, server, email, password):
    """Sign in through the form, as a planner would."""
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(server + "/planner")


def zoom_to(page, lat: float, lon: float, zoom: int) -> None:
    """Centre the map on (lat, lon) at ``zoom`` without animation, then wait for the marker
    clusters' own animation: splitting, they glide pins from the cluster's place to their own
    (a CSS transition while the map pane has ``leaflet-cluster-anim``, ~300 ms). A pointer
    pressed on a pin in that time can be released on the map, and then nothing opens."""
    page.evaluate("([lat, lon, z]) => { window.cantho.map.setView([lat, lon], z, {animate: false}); }", [lat, lon, zoom])
    page.wait_for_function("() => !document.querySelector('.leaflet-map-pane.leaflet-cluster-anim')")
