"""The map over many projects (more than gis.mapdata.MAX_ALL) in Chromium: the page embeds
none, the legend counts them all, the view shows grid counts, and zooming in or panning
asks for the projects in view."""
import subprocess
import sys

import pytest

from gis import mapdata
from tests.browser.conftest import ROOT, _server_env, gunicorn
from tests.browser.test_public_map import READY
from tests.test_mapdata import STATUSES, synthetic

pytestmark = pytest.mark.browser
COUNT = mapdata.MAX_ALL + 1000


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    db_url = f"sqlite:///{folder / 'store.db'}"
    env = _server_env(db_url)
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    from gis.store import open_store

    store = open_store(db_url)
    try:
        store.seed(synthetic(COUNT, columns=100))
    finally:
        store.close()
    with gunicorn(env, folder) as url:
        yield url


STATE = """() => ({mode: window.cantho.mode, features: window.cantho.featureCount, cells: window.cantho.cells,
  counts: window.cantho.counts})"""


def test_the_page_embeds_no_project_and_the_legend_counts_them_all(page, big_server):
    page.goto(big_server + "/?lang=en")
    page.wait_for_function(READY)
    state = page.evaluate(STATE)
    assert state["mode"] == "viewport" and state["cells"] > 0
    assert sum(state["counts"].values()) == COUNT
    assert set(state["counts"]) == set(STATUSES)
    assert page.locator(".match-count").get_attribute("data-count") == str(COUNT)
    html = page.content()
    assert "synthetic-00001" not in html  # nothing embedded: the page weight does not grow with the data


def test_zooming_in_draws_the_projects_in_view_and_panning_follows(page, big_server):
    page.goto(big_server + "/")
    page.wait_for_function(READY)
    with _redrawn(page):
        page.evaluate("() => { window.cantho.map.setView([9.95, 105.55], 15); }")
    state = page.evaluate(STATE)
    assert state["cells"] == 0 and 0 < state["features"] <= mapdata.MAX_DRAWN
    first = set(page.evaluate(IDS))
    with _redrawn(page):
        page.evaluate("() => { window.cantho.map.panBy([600, 0], {animate: false}); }")
    assert set(page.evaluate(IDS)) != first


IDS = """() => { const out = []; window.cantho.map.eachLayer(l => {
  (l instanceof L.MarkerClusterGroup ? l.getLayers() : [l]).forEach(x => { if (x.feature) out.push(x.feature.id); });
}); return out; }"""


class _redrawn:
    """Waits for the map's next cantho:map-redrawn event around the block."""

    def __init__(self, page):
        self.page = page

    def __enter__(self):
        self.page.evaluate("() => { window.__redrawn = false; document.addEventListener('cantho:map-redrawn', "
                           "() => { window.__redrawn = true; }, {once: true}); }")

    def __exit__(self, *exc):
        if exc[0] is None:
            self.page.wait_for_function("() => window.__redrawn === true", timeout=15000)
        return False
