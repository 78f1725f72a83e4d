"""A localised map renders in Chromium with every request answered by 127.0.0.1.

The page and /vendor/<path> (through gis.assets.resolve) come from a local http.server on a
random free port; any request to another host is aborted and fails the test, and so do page
errors, failed requests and HTTP errors. Locally a missing Chromium skips; in CI it fails.
"""
import functools
import http.server
import os
import threading
import urllib.parse

import folium
import pytest
from folium import plugins

from gis import assets

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason):
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def build_map():
    m = folium.Map(location=[10.03, 105.70], zoom_start=10, tiles=None, maxZoom=19)
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Cầu Vàm Cống"},
         "geometry": {"type": "LineString", "coordinates": [[105.58, 10.25], [105.60, 10.23]]}},
    ]}
    folium.GeoJson(features, name="projects", popup=folium.GeoJsonPopup(fields=["name"]),
                   tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(m)
    cluster = plugins.MarkerCluster(name="cluster").add_to(m)
    for lat, lon in [(10.03, 105.78), (10.031, 105.781), (10.10, 105.60)]:
        folium.Marker([lat, lon], popup="in a cluster").add_to(cluster)
    folium.Marker([9.95, 105.55], icon=folium.Icon(color="red")).add_to(m)  # glyphicons
    folium.Marker([10.15, 105.85], icon=folium.Icon(prefix="fa", icon="bridge", angle=30)).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.Draw().add_to(m)
    folium.LayerControl().add_to(m)
    return m


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the page folder, and /vendor/<path> through assets.resolve (404 if refused)."""

    def translate_path(self, path):
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        if path.startswith("/vendor/"):
            try:
                return assets.resolve(path[len("/vendor/"):])
            except (assets.ForbiddenAsset, FileNotFoundError):
                return os.path.join(self.directory, "__missing__")
        return super().translate_path(path)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    if not os.path.isdir(assets.vendor_root()):
        missing(f"front-end packages not installed in {assets.vendor_root()}: run `npm ci`")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_localised_map_renders_offline(server, browser):
    folder, base = server
    html = assets.localise(build_map(), lambda p: "/vendor/" + p).render()
    assert assets.external_urls(html) == []
    (folder / "map.html").write_text(html, encoding="utf-8")

    problems = []
    page = browser.new_page()

    def route(r):
        if urllib.parse.urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            problems.append(f"blocked non-local request: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and problems.append(f"HTTP {r.status}: {r.url}"))

    page.goto(f"{base}/map.html", wait_until="load")
    try:
        # 2 awesome markers + the cluster of the two close markers + the far one (or a cluster of 3)
        page.wait_for_function("() => document.querySelectorAll('.leaflet-marker-pane > *').length >= 3",
                               timeout=15000)
    finally:
        assert problems == []
    page.evaluate("() => document.fonts.ready")
    assert page.evaluate("() => typeof L === 'object' && typeof L.markerClusterGroup === 'function'"
                         " && typeof L.Control.Draw === 'function' && typeof L.Control.FullScreen === 'function'")
    assert page.locator(".awesome-marker").count() >= 2
    assert page.locator(".marker-cluster").count() >= 1
    assert page.locator(".leaflet-interactive").count() >= 1  # the GeoJSON line
    loaded = page.evaluate("() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Glyphicons" in f for f in loaded), loaded
    assert any("Font Awesome" in f for f in loaded), loaded
    if os.environ.get("GIS_SCREENSHOT"):
        page.screenshot(path=os.environ["GIS_SCREENSHOT"])
    page.close()
    assert problems == []
