"""Slippage and stale records from a project's history (gis.schedule): pure functions, hand-made history."""
import datetime as dt
import json
import os

import pytest

from gis import milestones, schedule
from gis.store.base import HistoryEntry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def feature(fid="p", *, status="implementation", planned_end=None, agency="so-gtvt", **extra):
    props = {"id": fid, "name_vi": f"Dự án {fid}", "name_en": f"Project {fid}", "sector": "transport.road",
             "status": status, "lead_agency": agency, "planned_end": planned_end, "version": 1, **extra}
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
            "properties": props}


def entries(*rows, pid="p"):
    """rows: (changed_at, action, changes[, user[, note]]); ids follow the order given."""
    out = []
    for i, row in enumerate(rows, 1):
        at, action, changes, user, note = (list(row) + ["planner@cantho.gov.vn", ""][len(row) - 3:])[:5]
        out.append(HistoryEntry(i, pid, i, at, user, action, changes, note))
    return out


def facts(feat, hist=(), today=dt.date(2019, 5, 19), after=schedule.DEFAULT_STALE_AFTER_DAYS):
    return schedule.schedule_facts(feat, list(hist), today, after)


# -- behind schedule, completed late -----------------------------------------------------------------

def test_open_project_past_its_planned_end_is_behind_by_whole_months():
    f = facts(feature(planned_end="2017"), today=dt.date(2019, 5, 19))
    # 2017 ends on 31 Dec 2017; to 19 May 2019 is 16 whole months (17 only on 31 May) and 504 days
    assert (f["behind"], f["months_behind"], f["days_behind"]) == (True, 16, 504)
    assert f["months_late"] is None
    f = facts(feature(planned_end="2017"), today=dt.date(2019, 5, 31))
    assert f["months_behind"] == 17


@pytest.mark.parametrize("planned_end, today", [("2019", dt.date(2019, 12, 31)), ("2019-05-19", dt.date(2019, 5, 19)),
                                                (None, dt.date(2019, 5, 19)), ("soon", dt.date(2019, 5, 19))])
def test_not_behind_until_the_last_day_has_passed_or_without_a_date(planned_end, today):
    f = facts(feature(planned_end=planned_end), today=today)
    assert f["behind"] is False and f["months_behind"] is None and f["days_behind"] is None


@pytest.mark.parametrize("status", ["completion", "maintenance", "cancelled"])
def test_closed_projects_are_never_behind(status):
    assert facts(feature(status=status, planned_end="2015"))["behind"] is False


def test_completed_after_the_planned_end_is_late_by_months_between_the_two_last_days():
    vam_cong = feature(status="maintenance", planned_end="2017", actual_end="2019-05-19")
    f = facts(vam_cong, today=dt.date(2026, 1, 1))
    assert (f["months_late"], f["days_late"], f["behind"]) == (16, 504, False)
    on_time = facts(feature(status="completion", planned_end="2017", actual_end="2017-06"))
    assert on_time["months_late"] is None and on_time["days_late"] is None
    same_year = facts(feature(status="completion", planned_end="2017", actual_end="2017"))
    assert same_year["months_late"] is None  # both end on 31 Dec 2017
    days_only = facts(feature(status="completion", planned_end="2017-12", actual_end="2018-01-20"))
    assert (days_only["months_late"], days_only["days_late"]) == (0, 20)
    cancelled = facts(feature(status="cancelled", planned_end="2017", actual_end="2019"))
    assert cancelled["months_late"] is None


# -- baseline and re-plans ------------------------------------------------------------------------------

def test_the_first_planned_end_stays_and_each_change_counts_as_a_re_plan():
    hist = entries(
        ("2016-03-01T02:00:00Z", "create", {"planned_end": [None, "2017"], "status": [None, "preparation"]}),
        ("2017-11-01T18:30:00Z", "update", {"planned_end": ["2017", "2018-06"]}, "a@so-gtvt", "land clearance late"),
        ("2018-02-01T02:00:00Z", "update", {"progress": [10, 30]}),
        ("2018-12-20T03:00:00Z", "update", {"planned_end": ["2018-06", "2019"]}, "b@so-gtvt"),
    )
    f = facts(feature(planned_end="2019"), hist, today=dt.date(2020, 3, 15))
    assert f["baseline_end"] == "2017" and f["planned_end"] == "2019"
    assert f["replanned"] == 2
    assert f["plan_changes"] == [
        {"date": "2017-11-02", "old": "2017", "new": "2018-06", "user": "a@so-gtvt", "note": "land clearance late",
         "action": "update"},  # 18:30 UTC is the next morning in Vietnam
        {"date": "2018-12-20", "old": "2018-06", "new": "2019", "user": "b@so-gtvt", "note": "", "action": "update"}]
    # behind is measured against today's plan: 31 Dec 2019 -> 15 Mar 2020
    assert (f["behind"], f["months_behind"], f["days_behind"]) == (True, 2, 75)


def test_rows_in_any_order_are_read_oldest_first():
    hist = entries(("2016-03-01T02:00:00Z", "create", {"planned_end": [None, "2017"]}),
                   ("2017-11-01T02:00:00Z", "update", {"planned_end": ["2017", "2018"]}),
                   ("2018-11-01T02:00:00Z", "update", {"planned_end": ["2018", "2020"]}))
    f = facts(feature(planned_end="2020"), list(reversed(hist)))  # the store gives newest first
    assert f["baseline_end"] == "2017" and [c["new"] for c in f["plan_changes"]] == ["2018", "2020"]


def test_seeded_value_is_the_baseline_when_never_changed():
    f = facts(feature(planned_end="2017"), entries(("2018-01-01T00:00:00Z", "seed", {})))
    assert f["baseline_end"] == "2017" and f["replanned"] == 0 and f["plan_changes"] == []


def test_setting_a_first_planned_end_is_not_a_re_plan_and_clearing_one_is():
    hist = entries(("2016-03-01T02:00:00Z", "seed", {}),
                   ("2017-01-05T02:00:00Z", "update", {"planned_end": [None, "2018"]}),
                   ("2017-06-05T02:00:00Z", "update", {"planned_end": ["2018", "2020"]}),
                   ("2017-09-05T02:00:00Z", "update", {"planned_end": ["2020", None]}))
    f = facts(feature(planned_end=None), hist)
    assert f["baseline_end"] == "2018" and f["replanned"] == 2
    assert [(c["old"], c["new"]) for c in f["plan_changes"]] == [("2018", "2020"), ("2020", None)]
    assert f["behind"] is False  # no planned end today


def test_no_planned_end_ever_gives_no_baseline():
    f = facts(feature(), entries(("2018-01-01T00:00:00Z", "seed", {})))
    assert f["baseline_end"] is None and f["replanned"] == 0


# -- last confirmed, stale ----------------------------------------------------------------------------

def test_last_confirmed_is_the_newest_row_that_is_not_a_milestone_in_vietnam_time():
    hist = entries(("2018-01-01T00:00:00Z", "seed", {}),
                   ("2018-06-01T00:00:00Z", "milestone", {"status": ["preparation", "implementation"]}))
    f = facts(feature(), hist, today=dt.date(2018, 8, 1))
    assert f["last_confirmed"] == "2018-01-01" and f["last_confirmed_action"] == "seed"
    assert f["days_since_confirmed"] == 212 and f["stale"] is True  # 212 > 183: milestones are no check
    confirmed = hist + [HistoryEntry(3, "p", 1, "2018-04-30T17:30:00Z", "chi@so-gtvt", "confirm", {}, "checked")]
    f = facts(feature(), confirmed, today=dt.date(2018, 8, 1))
    assert f["last_confirmed"] == "2018-05-01" and f["last_confirmed_by"] == "chi@so-gtvt"
    assert f["last_confirmed_action"] == "confirm" and f["stale"] is False


def test_a_confirmation_resets_staleness():
    hist = entries(("2018-01-01T00:00:00Z", "seed", {}))
    today = dt.date(2019, 3, 1)
    assert facts(feature(), hist, today=today)["stale"] is True
    hist.append(HistoryEntry(2, "p", 1, "2019-02-28T03:00:00Z", "chi", "confirm", {}, ""))
    after = facts(feature(), hist, today=today)
    assert after["stale"] is False and after["days_since_confirmed"] == 1
    assert facts(feature(), hist, today=dt.date(2019, 9, 1))["stale"] is True  # 185 days later


@pytest.mark.parametrize("days_ago, stale", [(0, False), (183, False), (184, True)])
def test_stale_after_more_than_the_period(days_ago, stale):
    today = dt.date(2019, 7, 1)
    at = (today - dt.timedelta(days=days_ago)).isoformat() + "T03:00:00Z"
    assert facts(feature(), entries((at, "update", {"progress": [1, 2]})), today=today)["stale"] is stale


def test_the_period_is_a_parameter_and_no_history_means_never_confirmed():
    hist = entries(("2019-06-01T03:00:00Z", "update", {"progress": [1, 2]}))
    assert facts(feature(), hist, today=dt.date(2019, 7, 1), after=183)["stale"] is False
    assert facts(feature(), hist, today=dt.date(2019, 7, 1), after=20)["stale"] is True
    never = facts(feature(), [], today=dt.date(2019, 7, 1))
    assert never["last_confirmed"] is None and never["stale"] is True and never["days_since_confirmed"] is None


# -- index and panels --------------------------------------------------------------------------------

def test_schedule_index_and_the_dashboard_panels():
    feats = [feature("late", planned_end="2017", agency="so-gtvt"),
             feature("later", planned_end="2016-06", agency="bo-gtvt"),
             feature("done", status="maintenance", planned_end="2017", actual_end="2019-05-19", agency="bo-gtvt"),
             feature("fresh", planned_end="2030", agency="so-gtvt")]
    hist = [HistoryEntry(1, "late", 1, "2016-01-01T00:00:00Z", "s", "seed", {}, ""),
            HistoryEntry(2, "later", 1, "2016-01-01T00:00:00Z", "s", "seed", {}, ""),
            HistoryEntry(3, "later", 2, "2016-05-01T00:00:00Z", "a", "update",
                         {"planned_end": ["2015", "2016-06"]}, ""),
            HistoryEntry(4, "fresh", 1, "2019-05-01T00:00:00Z", "s", "confirm", {}, "")]
    index = schedule.schedule_index(feats, hist, dt.date(2019, 5, 19), 183)
    assert set(index) == {"late", "later", "done", "fresh"}
    slip = schedule.slippage(feats, index, "en")
    assert [(r["id"], r["months_behind"]) for r in slip["behind"]] == [("later", 34), ("late", 16)]
    later = slip["behind"][0]
    assert later["baseline_end"] == "2015" and later["replanned"] == 1 and later["lead_agency_title"]
    assert [(r["id"], r["months_late"]) for r in slip["completed_late"]] == [("done", 16)]
    assert slip["replanned_projects"] == 1
    stale = schedule.stale_records(feats, index, 183, "en")
    assert stale["total"] == 3 and stale["after_days"] == 183
    assert [(a["code"], a["count"]) for a in stale["by_agency"]] == [("bo-gtvt", 2), ("so-gtvt", 1)]
    assert [p["id"] for p in stale["by_agency"][0]["projects"]] == ["done", "later"]  # never confirmed first
    json.dumps([index, slip, stale])


def test_vam_cong_from_the_real_data_and_its_milestones():
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as fh:
        feats = {f["id"]: f for f in json.load(fh)["features"]}
    vc = feats["vam-cong-bridge"]
    rows = milestones.history_rows(vc)
    hist = [HistoryEntry(1, vc["id"], 1, "2026-01-10T03:00:00Z", "seed", "seed", {}, "")]
    hist += [HistoryEntry(i, r["project_id"], 1, r["changed_at"], "seed", "milestone", r["changes"], r["note"])
             for i, r in enumerate(rows, 2)]
    f = schedule.schedule_facts(vc, hist, dt.date(2026, 3, 1), 183)
    assert (f["baseline_end"], f["planned_end"], f["actual_end"]) == ("2017", "2017", "2019-05-19")
    assert (f["months_late"], f["behind"], f["replanned"]) == (16, False, 0)
    assert f["last_confirmed"] == "2026-01-10" and f["stale"] is False
