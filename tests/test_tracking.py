"""Issue #8's acceptance over HTTP, on both stores: a project past its planned end shows up in
the behind-schedule filter with the right number of months; a confirmation clears a stale
flag and appears in history."""
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from gis.dashboard import today_in_vietnam, whole_months_between
from tests.test_planner import ROAD, app, csrf_of, editor  # noqa: F401 (fixtures)


HOME = "/planner"


def ids(client, query):
    r = client.get(f"/map.json?{query}")
    assert r.status_code == 200, r.get_json()
    return {f["id"] for f in r.get_json()["features"]}


def store_of(app):
    from gis.web import get_store

    return get_store()


def test_a_missed_planned_end_is_behind_schedule_by_whole_months(app):
    with app.app_context():
        store_of(app).update_project(ROAD, {"planned_end": "2025-06"}, expected_version=1, user="t", note="re-plan")
    c = app.test_client()
    assert ROAD in ids(c, "flag=behind") and ROAD not in ids(c, "")  - ids(c, "flag=behind")
    months = whole_months_between(dt.date(2025, 6, 30), today_in_vietnam())
    page = c.get(f"/projects/{ROAD}?lang=en").get_data(as_text=True)
    assert f'data-months-behind="{months}"' in page
    assert 'data-replanned="1"' in page and "first planned: 2027" in page
    late = {r["id"]: r for r in c.get("/api/dashboard").get_json()["slippage"]["behind"]}
    assert late[ROAD]["months_behind"] == months and late[ROAD]["replanned"] == 1
    assert c.get("/projects?flag=behind").get_data(as_text=True).count(f'/projects/{ROAD}"') >= 1


def test_a_confirmation_clears_the_stale_flag_and_is_in_the_history(app, editor):
    with app.app_context():  # six months and more pass: the seed row is the last check
        store = store_of(app)
        with store._tx(write=True) as conn:
            conn.execute(sa.text("UPDATE history SET changed_at = '2026-01-01T00:00:00Z' WHERE project_id = :p "
                                 "AND action = 'seed'"), {"p": ROAD})
    c = app.test_client()
    assert ROAD in ids(c, "flag=stale")
    home = editor.get(HOME).get_data(as_text=True)  # flagged to its agency
    assert 'class="stale-count" data-count="1"' in home
    assert 'data-stale="true"' in c.get(f"/projects/{ROAD}").get_data(as_text=True)
    page = editor.get(f"/projects/{ROAD}").get_data(as_text=True)
    form = page[page.index("confirm-form") - 200:]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    r = editor.post(f"/projects/{ROAD}/confirm", data={"csrf_token": token, "version": "1", "note": "checked"})
    assert r.status_code == 302
    assert ROAD not in ids(c, "flag=stale")
    page = c.get(f"/projects/{ROAD}").get_data(as_text=True)
    assert 'data-stale="false"' in page and 'data-action="confirm"' in page
    assert 'class="stale-count" data-count="0"' in editor.get(HOME).get_data(as_text=True)


@pytest.mark.parametrize("query", ["flag=late", "flag=behind&flag=nope"])
def test_an_unknown_flag_is_a_400(app, query):
    r = app.test_client().get(f"/map.json?{query}")
    assert r.status_code == 400 and "flag" in r.get_json()["message"]


def test_exports_and_oc4ids_use_the_configured_stale_period(store_url):
    """STALE_AFTER_DAYS reaches every view of ?flag=stale, not only the map."""
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": store_url, "STALE_AFTER_DAYS": 1})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        store = store_of(app)
        with store._tx(write=True) as conn:  # the seed rows were checked three days ago
            conn.execute(sa.text("UPDATE history SET changed_at = :t WHERE action = 'seed'"),
                         {"t": (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")})
    c = app.test_client()
    everything = len(c.get("/api/projects").get_json()["features"])
    assert len(ids(c, "flag=stale")) == everything
    exported = c.get("/api/projects/export?format=geojson&flag=stale")
    assert exported.headers["X-Feature-Count"] == str(everything)
    assert len(c.get("/api/oc4ids.json?flag=stale").get_json()["projects"]) == everything
