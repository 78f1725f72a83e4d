"""The public map in Chromium, against gunicorn serving the seed data (+ one hostile project).

Every test also passes the ``page`` fixture's checks: no page error, no failed request, no
HTTP error, no dialog and no request leaving 127.0.0.1 except (aborted) OpenStreetMap tiles.
The map says it is drawn by setting ``window.mapReady``; tests wait on that, never on time.
"""
import json
import os
import urllib.parse

import pytest

from gis import mapview, schema

from .conftest import zoom_to

pytestmark = pytest.mark.browser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 667}
XSS_ID = "xss-test-project"  # created by the live_server fixture (conftest.py)
XSS_PAYLOAD = "<img src=x onerror=alert(1)>"
SCREENSHOTS = os.path.join(ROOT, "test-artifacts", "screenshots")
VAM_CONG = "vam-cong-bridge"

READY = "() => window.mapReady === true"

# Every project layer inside the per-sector-group marker clusters, by feature id.
CLUSTERED_IDS = """() => {
  const out = {groups: 0, ids: []};
  window.cantho.map.eachLayer(l => {
    if (l instanceof L.MarkerClusterGroup) {
      out.groups += 1;
      l.getLayers().forEach(x => out.ids.push(x.feature ? x.feature.id : null));
    }
  });
  return out;
}"""

VISIBLE_CONTROLS = """() => [...document.querySelectorAll('.leaflet-control, .embed-credit')]
  .map(e => ({name: e.className.split(' ').filter(c => c !== 'leaflet-control').join('.'),
              r: e.getBoundingClientRect(), vis: getComputedStyle(e).visibility}))
  .filter(c => c.r.width > 0 && c.r.height > 0 && c.vis !== 'hidden')
  .map(c => ({name: c.name, x: c.r.x, y: c.r.y, w: c.r.width, h: c.r.height}))"""


def open_map(page, url):
    page.goto(url)
    page.wait_for_function(READY)


def submit_filters(page):
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    page.wait_for_function(READY)


def drawn_ids(page):
    clustered = page.evaluate(CLUSTERED_IDS)
    assert clustered["groups"] >= 1, "no marker-cluster group on the map"
    return clustered["ids"]


def api_ids(api, **params):
    return sorted(f["id"] for f in api("/api/projects", **params)["features"])


OPEN_POPUP_BY_SCRIPT = """(id) => {
  let found = null;
  window.cantho.map.eachLayer(l => {
    if (l instanceof L.MarkerClusterGroup) l.getLayers().forEach(x => { if (x.feature && x.feature.id === id) found = x; });
  });
  found.openPopup();
}"""


def open_popup(page, feature, zoom=16, by_script=False):
    """Zoom in on a Point project (clusters split at zoom 13) and click its pin.

    by_script opens the popup with layer.openPopup() instead: no pointer event, so no tooltip.
    """
    lon, lat = feature["geometry"]["coordinates"]
    zoom_to(page, lat, lon, zoom)
    lang = page.evaluate("() => document.documentElement.lang")
    title = feature["properties"]["name_vi" if lang == "vi" else "name_en"]
    pin = page.locator(".leaflet-marker-pane").get_by_title(title, exact=True).locator(".cantho-pin")
    pin.wait_for(state="visible")
    if by_script:
        page.evaluate(OPEN_POPUP_BY_SCRIPT, feature["id"])
    else:
        pin.click()
    popup = page.locator(f'.leaflet-popup .cantho-popup[data-project-id="{feature["id"]}"]')
    popup.wait_for(state="visible")
    return popup


def overlaps(a, b):
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


# -- what the map shows ----------------------------------------------------------------

def test_map_draws_every_project_the_api_lists(live_server, page, api):
    open_map(page, live_server + "/")
    expected = api_ids(api)
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as f:
        assert len(expected) == len(json.load(f)["features"]) + 1  # the seed projects + the hostile one
    assert page.evaluate("() => window.cantho.featureCount") == len(expected)
    assert sorted(drawn_ids(page)) == expected
    assert int(page.locator(".match-count").get_attribute("data-count")) == len(expected)
    # the legend counts each status as drawn
    counts = {}
    for f in api("/api/projects")["features"]:
        counts[f["properties"]["status"]] = counts.get(f["properties"]["status"], 0) + 1
    legend = {row.get_attribute("data-status"): int(row.locator(".legend-count").inner_text())
              for row in page.locator(".cantho-legend li[data-status]").all()}
    assert legend == {c.code: counts.get(c.code, 0) for c in schema.codelist("status")}
    # points are pins, lines are vector paths
    assert page.locator(".leaflet-marker-pane .cantho-pin, .leaflet-marker-pane .marker-cluster").count() >= 1
    assert page.locator("path.cantho-line").count() >= 1



def test_zoom_stays_between_the_region_and_a_building(live_server, page):
    open_map(page, live_server + "/")
    zooms = page.evaluate("""() => { const m = window.cantho.map;
      m.setZoom(2, {animate: false}); const low = m.getZoom();
      m.setZoom(21, {animate: false}); return [m.getMinZoom(), m.getMaxZoom(), low, m.getZoom()]; }""")
    assert zooms == [mapview.MIN_ZOOM, mapview.MAX_ZOOM, mapview.MIN_ZOOM, mapview.MAX_ZOOM]

def test_clicking_a_project_opens_its_popup(live_server, page, api):
    feature = api(f"/api/projects/{VAM_CONG}")
    open_map(page, live_server + "/")
    popup = open_popup(page, feature)
    assert popup.locator(".cantho-popup-title").inner_text() == feature["properties"]["name_vi"]
    status = schema.code_title("status", feature["properties"]["status"], "vi")
    assert popup.locator(".status-badge").inner_text() == status
    link = popup.locator("a.cantho-popup-link")
    assert link.get_attribute("href") == f"/projects/{VAM_CONG}"
    with page.expect_navigation():
        link.click()
    assert urllib.parse.urlsplit(page.url).path == f"/projects/{VAM_CONG}"
    assert page.locator("h1").inner_text() == feature["properties"]["name_vi"]


@pytest.mark.parametrize("status", [c.code for c in schema.codelist("status")])
def test_status_filter_shows_exactly_the_matching_projects(live_server, page, api, status):
    open_map(page, live_server + "/")
    page.select_option("#f-status", status)
    submit_filters(page)
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["status"] == [status]
    expected = api_ids(api, status=status)
    assert int(page.locator(".match-count").get_attribute("data-count")) == len(expected)
    assert page.evaluate("() => window.cantho.featureCount") == len(expected)
    assert sorted(drawn_ids(page)) == expected
    assert page.locator("#f-status").input_value() == status  # the form keeps the choice


def test_search_ignores_diacritics(live_server, page, api):
    open_map(page, live_server + "/")
    page.fill("#f-q", "vam cong")
    submit_filters(page)
    ids = drawn_ids(page)
    assert VAM_CONG in ids
    count = page.evaluate("() => window.cantho.featureCount")
    assert count == len(ids) == int(page.locator(".match-count").get_attribute("data-count"))
    assert count < len(api_ids(api))  # the search narrowed the map
    assert page.locator("#f-q").input_value() == "vam cong"


def test_english_switch_changes_the_legend_and_lang(live_server, page):
    open_map(page, live_server + "/")
    assert page.evaluate("() => document.documentElement.lang") == "vi"
    assert page.locator(".cantho-legend summary").inner_text() == "Chú giải"
    labels_vi = page.locator(".cantho-legend li[data-status] .legend-label").all_inner_texts()
    assert labels_vi == [c.title("vi") for c in schema.codelist("status")]

    with page.expect_navigation():
        page.locator('.site-header a[hreflang="en"]').click()
    page.wait_for_function(READY)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator(".cantho-legend summary").inner_text() == "Legend"
    labels_en = page.locator(".cantho-legend li[data-status] .legend-label").all_inner_texts()
    assert labels_en == [c.title("en") for c in schema.codelist("status")]
    assert labels_en != labels_vi
    # the choice is remembered: the next page without ?lang= stays in English
    page.goto(live_server + "/projects")
    assert page.evaluate("() => document.documentElement.lang") == "en"


def test_html_in_project_names_stays_text(live_server, page, api, watch):
    """The popup, the project page and the list show the payload as text; no script runs.

    The popup is opened by script (layer.openPopup()), not by a pointer: hovering or clicking a
    pin also opens its tooltip, which is test_html_in_project_names_stays_text_in_the_tooltip.
    """
    feature = api(f"/api/projects/{XSS_ID}")
    assert feature["properties"]["name_vi"] == XSS_PAYLOAD
    open_map(page, live_server + "/")
    popup = open_popup(page, feature, by_script=True)
    assert popup.locator(".cantho-popup-title").text_content() == XSS_PAYLOAD
    assert page.locator('img[src="x"]').count() == 0

    page.goto(f"{live_server}/projects/{XSS_ID}")
    page.wait_for_function(READY)
    assert page.locator("h1").text_content() == XSS_PAYLOAD
    assert XSS_PAYLOAD in page.title()
    assert page.locator('img[src="x"]').count() == 0

    page.goto(f"{live_server}/projects?q=cai+cui")
    assert page.get_by_text(XSS_PAYLOAD, exact=True).count() >= 1
    assert page.locator('img[src="x"]').count() == 0
    assert watch.dialogs == []


def test_html_in_project_names_stays_text_in_the_tooltip(live_server, page, api, watch):
    feature = api(f"/api/projects/{XSS_ID}")
    open_map(page, live_server + "/")
    lon, lat = feature["geometry"]["coordinates"]
    zoom_to(page, lat, lon, 16)
    page.locator(".leaflet-marker-pane").get_by_title(XSS_PAYLOAD, exact=True).hover()
    tooltip = page.locator(".leaflet-tooltip").first
    tooltip.wait_for(state="visible")
    assert tooltip.text_content() == XSS_PAYLOAD
    assert page.locator('img[src="x"]').count() == 0
    assert watch.dialogs == []


# -- layout ----------------------------------------------------------------------------

def test_phone_shows_the_map_with_the_filters_folded(live_server, page):
    page.set_viewport_size(PHONE)
    open_map(page, live_server + "/")
    box = page.locator(".folium-map").bounding_box()
    assert box["height"] > 300, box
    assert box["y"] + 300 <= PHONE["height"], f"less than 300 px of map above the fold: {box}"
    assert page.evaluate("() => document.querySelector('details.filter-panel').open") is False
    assert page.evaluate("() => document.querySelector('details.cantho-legend').open") is False
    # unfolding the filters keeps them usable
    page.locator("details.filter-panel > summary").click()
    assert page.locator("#f-status").is_visible()


@pytest.mark.parametrize("path,expected", [
    ("/", ("leaflet-control-zoom", "leaflet-control-layers", "cantho-legend", "leaflet-control-attribution")),
    ("/embed", ("leaflet-control-layers", "leaflet-control-attribution", "embed-credit")),
], ids=["map", "embed"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_map_controls_do_not_cover_each_other(live_server, page, size, path, expected):
    page.set_viewport_size(size)
    open_map(page, live_server + path)
    page.evaluate("() => document.fonts.ready")
    controls = page.evaluate(VISIBLE_CONTROLS)
    names = " ".join(c["name"] for c in controls)
    for name in expected:
        assert name in names, f"{name} missing from {names}"
    clashes = [(a["name"], b["name"]) for i, a in enumerate(controls) for b in controls[i + 1:] if overlaps(a, b)]
    assert clashes == [], f"overlapping: {clashes} in {controls}"
    m = page.locator(".folium-map").bounding_box()
    outside = [c["name"] for c in controls if c["x"] < m["x"] - 1 or c["y"] < m["y"] - 1
               or c["x"] + c["w"] > m["x"] + m["width"] + 1 or c["y"] + c["h"] > m["y"] + m["height"] + 1]
    assert outside == [], (m, controls)


@pytest.mark.parametrize("size", [
    DESKTOP,
    PHONE,
], ids=["desktop", "phone"])
def test_open_popup_is_not_covered_by_controls(live_server, page, api, size):
    page.set_viewport_size(size)
    open_map(page, live_server + "/")
    popup = open_popup(page, api(f"/api/projects/{VAM_CONG}"), zoom=15)
    page.wait_for_function("() => !document.querySelector('.leaflet-map-pane.leaflet-pan-anim')")
    box = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    rect = {"x": box["x"], "y": box["y"], "w": box["width"], "h": box["height"]}
    covering = [c["name"] for c in page.evaluate(VISIBLE_CONTROLS) if overlaps(c, rect)]
    assert covering == [], (rect, covering)
    assert popup.is_visible()


@pytest.mark.parametrize("path,size", [
    ("/", DESKTOP), ("/", PHONE), ("/embed", DESKTOP), ("/embed", PHONE), ("/projects", DESKTOP), ("/projects", PHONE),
    (f"/projects/{VAM_CONG}", DESKTOP),
    (f"/projects/{VAM_CONG}", PHONE),
    ("/dashboard", DESKTOP),
    ("/dashboard", PHONE),
], ids=lambda v: v if isinstance(v, str) else f"{v['width']}x{v['height']}")
def test_pages_do_not_scroll_sideways(live_server, page, path, size):
    page.set_viewport_size(size)
    page.goto(live_server + path)
    if page.locator(".folium-map").count():
        page.wait_for_function(READY)
    page.evaluate("() => document.fonts.ready")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"], f"{path} is {width} px wide in a {size['width']} px window"


def test_embed_is_the_map_alone_with_the_same_filters(live_server, page, api):
    status = "implementation"
    expected = api_ids(api, status=status)
    open_map(page, f"{live_server}/embed?status={status}")
    assert page.locator(".site-header").count() == 0
    assert page.locator("form.filters").count() == 0
    assert page.evaluate("() => window.cantho.featureCount") == len(expected)
    assert sorted(drawn_ids(page)) == expected
    assert int(page.locator("[data-count]").first.get_attribute("data-count")) == len(expected)
    box = page.locator(".folium-map").bounding_box()
    assert box["width"] >= DESKTOP["width"] - 1 and box["height"] >= DESKTOP["height"] - 1, box
    credit = page.locator("a.embed-credit").get_attribute("href")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(credit).query) == {"status": [status]}


# -- screenshots (looked at by a person; test-artifacts/ is git-ignored) ----------------

PAGES = [("map", "/"), ("project-vam-cong-bridge", f"/projects/{VAM_CONG}"), ("dashboard", "/dashboard")]


@pytest.mark.parametrize("size_name,size", [("desktop", DESKTOP), ("phone", PHONE)], ids=["desktop", "phone"])
@pytest.mark.parametrize("name,path", PAGES, ids=[p[0] for p in PAGES])
def test_screenshot(live_server, page, name, path, size_name, size):
    page.set_viewport_size(size)
    page.goto(live_server + path)
    if page.locator(".folium-map").count():
        page.wait_for_function(READY)
    page.evaluate("() => document.fonts.ready")
    if page.locator(".fa-solid").count():
        loaded = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        assert any("Font Awesome" in f for f in loaded), f"icon font not loaded: {loaded}"
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{name}-{size_name}-{size['width']}x{size['height']}.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000
