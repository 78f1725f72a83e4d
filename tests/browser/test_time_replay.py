"""The map on a date, in Chromium: the slider, the play button and ``/?at=``.

Issue #8's acceptance: moving the time control to 2018 shows the Vàm Cống bridge under
construction, to 2020 in operation (from its sourced dates), and the legend counts follow.
"""
import collections
import os

import pytest

from tests.browser.test_public_map import SCREENSHOTS, VAM_CONG, open_map

pytestmark = pytest.mark.browser

STATE = """() => {
  const out = {at: window.cantho.at, counts: {}, status: {}};
  document.querySelectorAll('.cantho-legend li[data-status]').forEach(li => {
    out.counts[li.dataset.status] = +li.querySelector('.legend-count').textContent;
  });
  window.cantho.map.eachLayer(l => {
    const groups = l instanceof L.MarkerClusterGroup ? l.getLayers() : [l];
    groups.forEach(x => { if (x.feature && x.feature.properties) out.status[x.feature.id] = x.feature.properties.status; });
  });
  return out;
}"""


def legend_of(api, at=None):
    params = {"at": at} if at else {}
    counts = collections.Counter(f["properties"]["status"] for f in api("/api/projects", **params)["features"])
    return dict(counts)


def nonzero(counts):
    return {k: v for k, v in counts.items() if v}


def slide_to(page, month_index):
    """Keyboard, as a user would: Home (January 2016), then Right once per month."""
    slider = page.locator(".time-slider")
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(month_index):
        page.keyboard.press("ArrowRight")


def test_the_slider_replays_vam_cong_from_construction_to_operation(page, live_server, api):
    open_map(page, live_server + "/?lang=en")
    today = page.evaluate(STATE)
    assert today["status"][VAM_CONG] == "maintenance" and nonzero(today["counts"]) == legend_of(api)
    page.locator("details.time-control > summary").click()
    slide_to(page, 29)  # January 2016 + 29 months = June 2018
    page.wait_for_function("() => window.cantho.at === '2018-06-30'")
    in_2018 = page.evaluate(STATE)
    assert in_2018["status"][VAM_CONG] == "implementation"
    assert nonzero(in_2018["counts"]) == legend_of(api, "2018-06-30") != nonzero(today["counts"])
    assert page.locator("input[name=at]").input_value() == "2018-06-30"
    assert "2018" in page.locator(".time-status").inner_text()
    assert "at=2018-06-30" in page.url  # the view is a link
    count = page.locator(".match-count").get_attribute("data-count")
    assert int(count) == sum(in_2018["counts"].values())

    for _ in range(24):  # two years later: June 2020
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.cantho.at === '2020-06-30'")
    in_2020 = page.evaluate(STATE)
    assert in_2020["status"][VAM_CONG] == "maintenance"
    assert nonzero(in_2020["counts"]) == legend_of(api, "2020-06-30") != nonzero(in_2018["counts"])


def test_play_runs_to_today_and_stops(page, live_server, api):
    open_map(page, live_server + "/?at=2026-06-30")
    assert page.locator(".time-slider").is_visible()  # a dated link opens the time control
    play = page.locator(".time-play")
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => document.querySelector('.time-play').getAttribute('aria-pressed') === 'false'",
                           timeout=20000)
    state = page.evaluate(STATE)
    assert state["at"] == page.locator(".time-control").get_attribute("data-today")
    assert nonzero(state["counts"]) == legend_of(api)


def test_a_dated_link_opens_the_map_on_that_date_without_the_slider(page, live_server, api):
    open_map(page, live_server + "/?at=2018-06-30&status=implementation&lang=en")
    state = page.evaluate(STATE)
    assert state["status"][VAM_CONG] == "implementation"
    assert set(nonzero(state["counts"])) == {"implementation"}
    assert nonzero(state["counts"])["implementation"] == legend_of(api, "2018-06-30")["implementation"]
    assert "The map as it was on" in page.locator(".time-status").inner_text()
    page.screenshot(path=os.path.join(SCREENSHOTS, "map-2018-06-30.png"))
