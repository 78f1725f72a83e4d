"""The map on any date: milestones from the sources, state_at_date, ``?at=`` on the API and pages.

On both stores, with the real seed data (projects.geojson) where the issue names a project.
"""
import datetime as dt
import json
import os
import re

import pytest

from app import create_app
from gis import milestones
from gis.history import state_at_date
from gis.store.base import HistoryEntry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def feature(pid="p", **props):
    base = {"id": pid, "name_vi": "Dự án", "status": "implementation", "sector": "transport.road",
            "lead_agency": "so-gtvt", "progress": None, "version": 1}
    base.update(props)
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [105.7, 10.0]},
            "properties": base}


def entry(i, action, changed_at, changes=None, version=1, pid="p"):
    return HistoryEntry(i, pid, version, changed_at, "u", action, changes or {}, "")


# -- milestones (pure) ---------------------------------------------------------------------------

def test_an_opened_project_has_a_start_and_an_opening_milestone():
    got = milestones.milestones(feature(status="maintenance", progress=100, actual_start="2013-09-10",
                                        actual_end="2019-05-19"))
    assert [(m["date"], m["changes"]) for m in got] == [
        (dt.date(2013, 9, 10), {"status": ["preparation", "implementation"], "progress": [0, None]}),
        (dt.date(2019, 5, 19), {"status": ["implementation", "maintenance"], "progress": [None, 100]}),
    ]


def test_a_partial_date_counts_from_the_last_day_it_names():
    got = milestones.milestones(feature(status="completion", actual_end="2019", ntm_year=2019))
    assert [m["date"] for m in got] == [dt.date(2019, 12, 31)]
    assert milestones.last_day("2021-02") == dt.date(2021, 2, 28)
    assert milestones.last_day("2019-13") is None and milestones.last_day("soon") is None


def test_no_milestone_is_invented_where_the_sources_give_no_date():
    # in operation since an unknown day: the start alone cannot tell when it opened
    assert milestones.milestones(feature(status="maintenance", actual_start="1995")) == []
    assert milestones.milestones(feature(status="identification")) == []
    only_start = milestones.milestones(feature(status="implementation", actual_start="2025-09-22", progress=30))
    assert [m["changes"] for m in only_start] == [{"status": ["preparation", "implementation"], "progress": [0, 30]}]


# -- state_at_date (pure) ------------------------------------------------------------------------

def test_later_edits_are_undone_and_milestones_tell_the_older_states():
    current = feature(status="completion", progress=100, version=2,
                      geometry_note="moved")
    current["geometry"] = {"type": "Point", "coordinates": [105.8, 10.1]}
    entries = [
        entry(1, "milestone", "2014-03-31T00:00:00Z", {"status": ["preparation", "implementation"]}),
        entry(2, "seed", "2026-01-05T02:00:00Z"),
        entry(3, "update", "2026-06-01T02:00:00Z", {"status": ["implementation", "completion"],
                                                  "progress": [60, 100], "geometry_note": [None, "moved"],
                                                  "geometry": [{"type": "Point", "coordinates": [105.7, 10.0]},
                                                               current["geometry"]]}, version=2),
    ]
    state, basis = state_at_date(current, entries, dt.date(2026, 5, 31))
    assert basis == "recorded" and state["properties"]["status"] == "implementation"
    assert state["properties"]["progress"] == 60 and "geometry_note" not in state["properties"]
    assert state["geometry"]["coordinates"] == [105.7, 10.0] and state["properties"]["version"] == 1
    state, basis = state_at_date(current, entries, dt.date(2020, 1, 1))
    assert (state["properties"]["status"], basis) == ("implementation", "milestones")
    state, basis = state_at_date(current, entries, dt.date(2014, 3, 30))
    assert (state["properties"]["status"], basis) == ("preparation", "milestones")
    assert current["properties"]["status"] == "completion"  # the input is not touched
    today, basis = state_at_date(current, entries, dt.date(2026, 6, 1))
    assert today == current and basis == "recorded"


def test_a_project_created_later_did_not_exist_and_one_without_milestones_is_first_recorded():
    assert state_at_date(feature(), [entry(1, "create", "2026-07-15T02:00:00Z")], dt.date(2026, 7, 14)) == \
        (None, "not_yet")
    state, basis = state_at_date(feature(), [entry(1, "seed", "2026-01-05T02:00:00Z")], dt.date(2019, 1, 1))
    assert basis == "first_recorded" and state["properties"]["status"] == "implementation"


def test_the_day_is_read_in_vietnam_time():
    current = feature(progress=30, version=2)
    entries = [entry(1, "seed", "2026-01-01T00:00:00Z"),
               entry(2, "update", "2026-06-30T18:00:00Z", {"progress": [10, 30]}, version=2)]  # 1 July, 01:00
    assert state_at_date(current, entries, dt.date(2026, 6, 30))[0]["properties"]["progress"] == 10
    assert state_at_date(current, entries, dt.date(2026, 7, 1))[0]["properties"]["progress"] == 30


# -- the API and the pages on the real seed, both stores -------------------------------------------

@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    return app


def statuses(client, query):
    r = client.get(f"/api/projects?{query}")
    assert r.status_code == 200, r.get_json()
    body = json.loads(r.data)
    return {f["id"]: f["properties"]["status"] for f in body["features"]}, body


def test_vam_cong_is_under_construction_in_2018_and_in_operation_in_2020(app):
    c = app.test_client()
    in_2018, body = statuses(c, "at=2018-06-30")
    in_2020, _ = statuses(c, "at=2020-06-30")
    today, _ = statuses(c, "")
    assert in_2018["vam-cong-bridge"] == "implementation" and in_2020["vam-cong-bridge"] == "maintenance"
    assert body["at"] == "2018-06-30"
    # communes recognised in 2019 are not yet "completion" in mid-2018, those of 2014 are
    assert in_2018["ntm-co-do-thoi-hung"] == "implementation" and in_2018["ntm-co-do-trung-an"] == "completion"
    assert in_2020["ntm-co-do-thoi-hung"] == "completion"
    assert len(in_2018) == len(today) == 68
    # projects with no dated milestone are listed as shown "as first recorded"
    assert "hitech-park" in body["first_recorded"] and "vam-cong-bridge" not in body["first_recorded"]


def test_filters_apply_to_the_state_on_that_date(app):
    c = app.test_client()
    building_2018, _ = statuses(c, "at=2018-06-30&status=implementation")
    building_today, _ = statuses(c, "status=implementation")
    assert "vam-cong-bridge" in building_2018 and "vam-cong-bridge" not in building_today
    assert set(building_2018.values()) == {"implementation"}


def test_an_edit_today_is_not_shown_on_an_earlier_date(app):
    with app.app_context():
        from gis.web import get_store

        store = get_store()
        store.update_project("hitech-park", {"status": "preparation"}, expected_version=1, user="t", note="")
    yesterday = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    before, _ = statuses(app.test_client(), f"at={yesterday}")
    now, _ = statuses(app.test_client(), "")
    assert before["hitech-park"] == "identification" and now["hitech-park"] == "preparation"


@pytest.mark.parametrize("value, message", [("2999-01-01", "future"), ("30/06/2019", "date like"),
                                            ("1970", "on or after"), ("2019-02-30", "date like")])
def test_a_bad_date_is_a_clear_400(app, value, message):
    r = app.test_client().get(f"/api/projects?at={value}")
    assert r.status_code == 400 and message in r.get_json()["message"]
    assert app.test_client().get(f"/?at={value}").status_code == 400


def test_the_map_page_and_its_json_twin_answer_for_a_date(app):
    c = app.test_client()
    page = c.get("/?at=2018-06-30&lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The map as it was on" in text and 'value="2018-06-30"' in text
    twin = c.get("/map.json?at=2018-06-30&status=implementation").get_json()
    assert twin["at"] == "2018-06-30" and twin["count"] == len(twin["features"])
    assert "vam-cong-bridge" in {f["id"] for f in twin["features"]}
    assert set(twin["features"][0]["properties"]) >= {"status", "name_vi"}


def test_the_project_page_shows_the_project_on_a_date(app):
    c = app.test_client()
    then = c.get("/projects/vam-cong-bridge?at=2018-06-30&lang=en").get_data(as_text=True)
    now = c.get("/projects/vam-cong-bridge?lang=en").get_data(as_text=True)
    assert "The project as it was on" in then and "dated milestones" in then
    badge = re.compile(r'class="status-badge"[^>]*>([^<]+)<')
    assert badge.findall(then)[0] == "Under construction" and badge.findall(now)[0] == "In operation"
    assert c.get("/projects/vam-cong-bridge?at=tomorrow").status_code == 400
    assert c.get("/projects/vam-cong-bridge?thanks=1").status_code == 200  # other parameters are the page's own


def test_history_lists_the_milestones_at_their_dates(app):
    with app.app_context():
        from gis.web import get_store

        entries = get_store().history("vam-cong-bridge")
    assert [(e.action, e.changed_at[:10]) for e in entries] == [
        ("seed", entries[0].changed_at[:10]), ("milestone", "2019-05-19"), ("milestone", "2013-09-10")]
