"""XSS payloads in every user-writable field never run in Chromium, and show as text.

A server of its own (gunicorn, 2 workers, a seeded SQLite store) holds one project per
payload whose every text field is the payload: names, descriptions, plan target, location
note, data notes, sources (plus a ``javascript:`` URL), the notes of its history entries,
and citizens' feedback (message, name, contact; one published, one pending). Then every
page that shows them is rendered in Chromium: the public map (popups and tooltips), the
embed map, the list, each project page, the dashboard, the history and its Atom feed, the
OGC HTML pages, and, signed in, the planner's home, the edit form, the moderation page and
an import whose file name, attribute names and attribute values are payloads (review page,
commit, the imported project).

The ``watch`` fixture (conftest.py) fails a test on any dialog (alert/confirm/prompt: a
payload ran), page error, CSP violation or HTTP error (``<img src=x>`` rendered as HTML
would request /x and get a 404). Each page also must show the payload as text and hold no
``img[src=x]``, no ``svg[onload]`` and no ``javascript:`` link.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from .conftest import _server_env, gunicorn, zoom_to
from .conftest import sign_in as conftest_sign_in

pytestmark = pytest.mark.browser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "xss test passphrase"
EDITOR, ADMIN = "editor@sogtvt.cantho.gov.vn", "admin@sokhdt.cantho.gov.vn"
PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "svg": '"><svg onload=alert(1)>',
    "template": "${alert(1)}",
    "backtick": "`+alert(1)+`",
    "quote": "';alert(1)//",
}
JS_URL = "javascript:alert(1)"
READY = "() => window.mapReady === true"
OPEN_POPUP = """(id) => {
  let found = null;
  window.cantho.map.eachLayer(l => {
    if (l instanceof L.MarkerClusterGroup) l.getLayers().forEach(x => { if (x.feature && x.feature.id === id) found = x; });
  });
  found.openPopup();
}"""
TRIED = {"pages": 0, "payload_checks": 0}


def pid_of(key: str) -> str:
    return f"xss-{key}"


def coordinates(i: int) -> list:
    return [105.50 + 0.03 * i, 10.17]  # open country west of the city, about 3 km apart


def hostile_project(i: int, key: str, payload: str) -> dict:
    return {"type": "Feature", "id": pid_of(key), "geometry": {"type": "Point", "coordinates": coordinates(i)},
            "properties": {"id": pid_of(key), "name_vi": payload, "name_en": payload, "sector": "transport.road",
                           "status": "implementation", "progress": 10, "lead_agency": "so-gtvt",
                           "location_accuracy": "approximate", "description_vi": payload,
                           "description_en": payload, "plan_target": payload, "location_note": payload,
                           "data_notes": {"progress": payload},
                           "sources": [payload, JS_URL, "https://example.org/?q=" + payload]}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xss_server")
    db_url = f"sqlite:///{folder / 'store.db'}"
    env = _server_env(db_url)

    def flask(*args, stdin=None):
        proc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    flask("seed")
    flask("users", "create", "--email", EDITOR, "--role", "editor", "--agency", "so-gtvt",
          stdin=f"{PASSWORD}\n{PASSWORD}\n")
    flask("users", "create", "--email", ADMIN, "--role", "admin", "--agency", "so-khdt",
          stdin=f"{PASSWORD}\n{PASSWORD}\n")

    from gis.store import open_store
    from gis.store.accounts import accounts_of

    store = open_store(db_url)
    try:
        acc = accounts_of(store)
        for i, (key, payload) in enumerate(PAYLOADS.items()):
            feature = store.create_project(hostile_project(i, key, payload), user="xss-tests", note=payload)
            store.update_project(pid_of(key), {"progress": 20}, expected_version=feature["properties"]["version"],
                                 user="xss-tests", note=payload)
            published = acc.add_feedback(pid_of(key), payload, payload, payload, "xss-tests")
            acc.moderate(published, "published", ADMIN, None)
            acc.add_feedback(pid_of(key), payload + " (pending)", payload, payload, "xss-tests")
    finally:
        store.close()
    with gunicorn(env, folder) as url:
        yield url


def sign_in(page, server, email):
    conftest_sign_in(page, server, email, PASSWORD)


def assert_inert(page, *texts):
    """Nothing of a payload became markup, and each text shows as text."""
    TRIED["pages"] += 1
    page.wait_for_timeout(150)  # let onload/onerror handlers fire if anything was parsed as HTML
    assert page.locator('img[src="x"]').count() == 0, page.url
    assert page.locator("svg[onload]").count() == 0, page.url
    assert page.locator('a[href^="javascript:" i]').count() == 0, page.url
    body = page.locator("body").inner_text()
    for text in texts:
        TRIED["payload_checks"] += 1
        assert text in body, f"{text!r} is not shown as text on {page.url}"


# -- public pages -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/embed"])
def test_map_popups_and_tooltips_show_payloads_as_text(server, page, watch, path):
    page.goto(server + path)
    page.wait_for_function(READY)
    for i, (key, payload) in enumerate(PAYLOADS.items()):
        lon, lat = coordinates(i)
        zoom_to(page, lat, lon, 16)
        pin = page.locator(".leaflet-marker-pane").get_by_title(payload, exact=True)
        pin.first.wait_for(state="visible")
        pin.first.hover()
        tooltip = page.locator(".leaflet-tooltip").filter(has_text=payload).first  # not a district's
        tooltip.wait_for(state="visible")
        assert tooltip.text_content().strip() == payload
        page.evaluate(OPEN_POPUP, pid_of(key))
        popup = page.locator(f'.leaflet-popup .cantho-popup[data-project-id="{pid_of(key)}"]')
        popup.wait_for(state="visible")
        assert payload in popup.inner_text()
        assert_inert(page, payload)
    assert watch.dialogs == []


def test_list_dashboard_and_ogc_pages_show_payloads_as_text(server, page, watch):
    page.goto(server + "/projects")
    assert_inert(page, *PAYLOADS.values())
    page.goto(server + "/projects?q=" + urllib.request.quote("alert"))
    assert_inert(page)
    page.goto(server + "/dashboard")
    assert_inert(page)
    page.goto(server + "/ogc/collections/projects/items?f=html&limit=200")
    assert_inert(page, *PAYLOADS.values())
    for key, payload in PAYLOADS.items():
        page.goto(f"{server}/ogc/collections/projects/items/{pid_of(key)}?f=html")
        assert_inert(page, payload)
    page.goto(server + "/api/docs")
    assert_inert(page)
    assert watch.dialogs == []


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_project_page_shows_every_field_note_and_feedback_as_text(server, page, watch, key):
    payload = PAYLOADS[key]
    page.goto(f"{server}/projects/{pid_of(key)}")
    page.wait_for_function(READY)
    assert page.locator("h1").text_content().strip() == payload
    assert payload in page.title()
    entries = page.locator(".timeline-entry")
    assert entries.count() >= 2 and all(payload in entries.nth(i).inner_text() for i in range(2))
    assert page.locator("ul.sources li").count() == 3
    assert page.locator("ul.sources").inner_text().count(payload) == 2
    assert JS_URL in page.locator("ul.sources").inner_text()
    assert_inert(page, payload)
    assert watch.dialogs == []


def test_history_and_its_atom_feed_keep_notes_as_text(server, page, watch):
    page.goto(server + "/history")
    assert_inert(page, *PAYLOADS.values())
    page.goto(server + "/history?user=" + urllib.request.quote(PAYLOADS["img"]))
    assert_inert(page)
    page.goto(server + "/history.atom")
    assert_inert(page)
    with urllib.request.urlopen(server + "/history.atom", timeout=10) as resp:
        feed = ET.fromstring(resp.read())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summaries = [e.findtext("a:summary", namespaces=ns) or "" for e in feed.findall("a:entry", ns)]
    titles = [e.findtext("a:title", namespaces=ns) or "" for e in feed.findall("a:entry", ns)]
    for payload in PAYLOADS.values():
        assert any(s.startswith(payload) for s in summaries), payload  # parsed back to the exact text
        assert any(t.startswith(payload) for t in titles), payload
    assert watch.dialogs == []


# -- planner pages --------------------------------------------------------------------------------

def test_planner_pages_show_payloads_as_text(server, page, watch):
    sign_in(page, server, EDITOR)
    assert_inert(page, *PAYLOADS.values())
    page.goto(server + "/planner/feedback")
    assert_inert(page, *(p + " (pending)" for p in PAYLOADS.values()))
    for key, payload in PAYLOADS.items():
        page.goto(f"{server}/projects/{pid_of(key)}/edit")
        assert_inert(page, payload)
        assert page.locator("#description_vi").input_value() == payload
        page.goto(f"{server}/projects/{pid_of(key)}")
        page.wait_for_function(READY)
        assert_inert(page, payload)  # signed in: edit links, the pending-feedback count
    assert watch.dialogs == []


@pytest.mark.parametrize("filename_key", ["img", "svg"])
def test_an_import_with_hostile_names_and_attributes_stays_text(server, page, watch, filename_key):
    filename = PAYLOADS[filename_key] + ".geojson"  # no "/" in a file name: the other payloads keep theirs
    features = []
    for i, (key, payload) in enumerate(PAYLOADS.items()):
        pid = f"imp-{filename_key}-{key}"
        props = {"id": pid, "name_vi": payload, "name_en": payload, "sector": "tourism", "status": "preparation",
                 "lead_agency": "so-gtvt", "location_accuracy": "approximate", "sources": [payload],
                 "description_vi": payload, payload: payload}  # an attribute named with the payload
        features.append({"type": "Feature", "id": pid, "properties": props,
                         "geometry": {"type": "Point", "coordinates": [105.50 + 0.03 * i, 10.05]}})
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")

    sign_in(page, server, EDITOR)
    page.goto(server + "/planner/import")
    page.set_input_files("#file", files=[{"name": filename, "mimeType": "application/geo+json", "buffer": body}])
    page.click("main form button[type=submit]")
    page.wait_for_url("**/planner/import/*")
    assert_inert(page, filename, *PAYLOADS.values())
    page.click('button[name="action"][value="commit"]')
    page.wait_for_load_state()
    assert_inert(page, filename)
    for key, payload in PAYLOADS.items():
        page.goto(f"{server}/projects/imp-{filename_key}-{key}")
        page.wait_for_function(READY)
        assert_inert(page, payload)
        assert page.locator("h1").text_content().strip() == payload
    assert watch.dialogs == []


def test_zz_record_the_figures(server):
    from fuzz_profiles import record

    record("xss", payloads=len(PAYLOADS) + 1, page_checks=TRIED["pages"], text_checks=TRIED["payload_checks"])
