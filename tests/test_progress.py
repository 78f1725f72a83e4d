"""Progress curves and investment-weighted roll-ups (gis.progress) and their charts (gis.progress_chart)."""
import datetime as dt
import json
import os
import re

import pytest
from markupsafe import Markup

from gis import milestones, progress, progress_chart
from gis.store.base import HistoryEntry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVIL = '<script>alert("x")</script>'


def feature(fid, *, status="implementation", sector="transport.road", progress_=None, investment=None,
            disbursed=None, **extra):
    props = {"id": fid, "name_vi": f"Dự án {fid}", "name_en": f"Project {fid}", "sector": sector, "status": status,
             "lead_agency": "so-gtvt", "progress": progress_, "investment_vnd": investment,
             "disbursed_vnd": disbursed, "version": 1, **extra}
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
            "properties": props}


def row(i, pid, at, action, changes=None, version=1):
    return HistoryEntry(i, pid, version, at, "planner", action, changes or {}, "")


# -- dates ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("2017", dt.date(2017, 1, 1)), ("2017-02", dt.date(2017, 2, 1)),
                                             ("2017-02-10", dt.date(2017, 2, 10)), (None, None), ("soon", None)])
def test_first_day_of_partial_dates(value, expected):
    assert progress.first_day(value) == expected


def test_year_ends_stop_at_today():
    assert progress.year_ends(dt.date(2019, 5, 19)) == [dt.date(2016, 12, 31), dt.date(2017, 12, 31),
                                                        dt.date(2018, 12, 31), dt.date(2019, 5, 19)]


# -- one project --------------------------------------------------------------------------------------

def test_project_curves_from_milestone_seed_and_updates():
    f = feature("p", progress_=60, investment=1000, disbursed=450, planned_start="2018", planned_end="2020-06")
    hist = [row(1, "p", "2019-01-05T02:00:00Z", "seed"),
            row(2, "p", "2018-03-10T00:00:00Z", "milestone",
                {"status": ["preparation", "implementation"], "progress": [0, 40]}),
            row(3, "p", "2019-06-01T02:00:00Z", "update", {"progress": [40, 60], "disbursed_vnd": [200, 450]}, 2),
            row(4, "p", "2019-08-01T02:00:00Z", "confirm", {}, 2)]
    c = progress.project_progress(f, hist)
    # the start of works dates 0 %; 40 % is what the seed recorded; the update brings 60 %
    assert c["physical"] == [{"date": "2018-03-10", "value": 0, "action": "milestone"},
                             {"date": "2019-01-05", "value": 40, "action": "seed"},
                             {"date": "2019-06-01", "value": 60, "action": "update"}]
    assert c["financial"] == [{"date": "2019-01-05", "value": 20.0, "action": "seed"},
                              {"date": "2019-06-01", "value": 45.0, "action": "update"}]
    assert c["planned"] == [{"date": "2018-01-01", "value": 0, "action": "plan"},
                            {"date": "2020-06-30", "value": 100, "action": "plan"}]


def test_completion_milestone_dates_the_final_value_real_vam_cong():
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as fh:
        vc = next(f for f in json.load(fh)["features"] if f["id"] == "vam-cong-bridge")
    hist = [row(1, vc["id"], "2026-01-10T03:00:00Z", "seed")]
    hist += [row(i, r["project_id"], r["changed_at"], "milestone", r["changes"])
             for i, r in enumerate(milestones.history_rows(vc), 2)]
    c = progress.project_progress(vc, hist)
    assert [(p["date"], p["value"]) for p in c["physical"]] == [("2013-09-10", 0), ("2019-05-19", 100)]
    assert c["financial"] == [] and c["planned"] is None  # no disbursement figure, no planned start


def test_unknown_values_make_no_point_and_planned_line_needs_both_dates_in_order():
    f = feature("p", progress_=None, planned_start="2020", planned_end="2019")
    c = progress.project_progress(f, [row(1, "p", "2019-01-05T02:00:00Z", "seed")])
    assert c == {"physical": [], "financial": [], "planned": None}
    assert progress.financial_percent(0, 5) is None and progress.financial_percent(800, 200) == 25.0
    assert progress.financial_percent(300, 100) == 33.3


# -- weighting -------------------------------------------------------------------------------------------

def test_weighted_progress_by_hand():
    props = [{"progress": 100, "investment_vnd": 300, "disbursed_vnd": 150},
             {"progress": 40, "investment_vnd": 700, "disbursed_vnd": 140},
             {"progress": 80},  # no investment: left out of both
             {"progress": None, "investment_vnd": 500, "disbursed_vnd": 100},  # financial only
             {"progress": 10, "investment_vnd": 1000, "disbursed_vnd": 900, "status": "cancelled"}]
    w = progress.weighted(props)
    # (100 x 300 + 40 x 700) / (300 + 700) = 58000 / 1000
    assert w["physical"] == {"value": 58.0, "included": 2, "excluded": 3}
    # (150 + 140 + 100) / (300 + 700 + 500) = 390 / 1500
    assert w["financial"] == {"value": 26.0, "included": 3, "excluded": 2}
    assert progress.weighted([{"progress": 50}])["physical"] == {"value": None, "included": 0, "excluded": 1}


def rollup_case():
    feats = [feature("r1", status="maintenance", progress_=100, investment=1000),
             feature("t1", sector="tourism", progress_=30, investment=3000),
             feature("n1", sector="rural.ntm", status="completion", progress_=100),
             feature("r2", progress_=0, investment=1000)]
    hist = [row(1, "r1", "2016-02-01T02:00:00Z", "create",
                {"progress": [None, 10], "status": [None, "implementation"]}),
            row(2, "r1", "2017-06-01T02:00:00Z", "update", {"progress": [10, 50]}, 2),
            row(3, "r1", "2018-09-01T02:00:00Z", "update", {"progress": [50, 100],
                                                           "status": ["implementation", "maintenance"]}, 3),
            row(4, "t1", "2018-01-10T02:00:00Z", "seed"),  # before it: shown as first recorded
            row(5, "t1", "2019-03-01T02:00:00Z", "update", {"progress": [20, 30]}, 2),
            row(6, "n1", "2016-01-01T02:00:00Z", "seed"),
            row(7, "r2", "2018-05-01T02:00:00Z", "create", {"progress": [None, 0]})]
    return feats, hist


def test_rollup_by_year_weighted_by_investment_checked_by_hand():
    feats, hist = rollup_case()
    r = progress.rollup(feats, hist, dt.date(2019, 5, 19))
    assert r["years"] == [2016, 2017, 2018, 2019]
    assert r["days"] == ["2016-12-31", "2017-12-31", "2018-12-31", "2019-05-19"]
    city = r["city"]["physical"]
    # 2016: (10x1000 + 20x3000)/4000; 2017: (50x1000 + 20x3000)/4000;
    # 2018: r2 exists: (100x1000 + 20x3000 + 0x1000)/5000; 2019: (100x1000 + 30x3000 + 0)/5000
    assert city["values"] == [17.5, 27.5, 32.0, 38.0]
    assert city["included"] == [2, 2, 3, 3] and city["excluded"] == [1, 1, 1, 1]  # n1: no investment
    groups = {g["code"]: g for g in r["groups"]}
    assert set(groups) == {"transport", "tourism", "rural"}  # no economic-zone project at all
    assert groups["transport"]["physical"]["values"] == [10.0, 50.0, 50.0, 50.0]
    assert groups["tourism"]["physical"]["values"] == [20.0, 20.0, 20.0, 30.0]
    assert groups["rural"]["physical"] == {"values": [None] * 4, "included": [0] * 4, "excluded": [1] * 4}
    assert r["city"]["financial"]["values"] == [None] * 4
    json.dumps(r)


def test_rollup_ignores_projects_archived_on_that_date():
    feats, hist = rollup_case()
    feats[1]["properties"]["archived"] = True
    hist.append(row(8, "t1", "2019-04-01T02:00:00Z", "archive", {"archived": [False, True]}, 3))
    r = progress.rollup(feats, hist, dt.date(2019, 5, 19))
    assert r["city"]["physical"]["values"] == [17.5, 27.5, 32.0, 50.0]  # 2019 without t1: (100000 + 0) / 2000


# -- charts ------------------------------------------------------------------------------------------------

def _points(html, series):
    return [float(v) for v in re.findall(rf'data-series="{series}" data-point="([0-9.]+)"', str(html))]


def test_project_chart_draws_the_points_of_its_table():
    f = feature("p", progress_=60, investment=1000, disbursed=450, planned_start="2018", planned_end="2020-06")
    hist = [row(1, "p", "2019-01-05T02:00:00Z", "seed"),
            row(2, "p", "2019-06-01T02:00:00Z", "update", {"progress": [40, 60], "disbursed_vnd": [200, 450]}, 2)]
    html = progress_chart.project_chart(f, hist, "vi")
    assert isinstance(html, Markup) and 'role="img"' in html and "<desc" in html and "<table" in html
    assert _points(html, "physical") == [40, 60] and _points(html, "financial") == [20.0, 45.0]
    assert _points(html, "planned") == [0, 100]
    cells = [float(v) for v in re.findall(r'<td data-value="([0-9.]+)"', str(html))]
    assert sorted(cells) == sorted([40, 60, 20.0, 45.0, 0, 100])
    assert "45%" in html and "20%" in html and "data-marker=" in html  # the planned end is marked
    assert progress_chart.project_chart(feature("q"), [row(1, "q", "2019-01-05T02:00:00Z", "seed")]) is None


def test_project_panels_give_both_parts():
    f = feature("p", progress_=60, planned_end="2017")
    panels = progress_chart.project_panels(f, [row(1, "p", "2018-01-05T02:00:00Z", "seed")], dt.date(2019, 5, 19),
                                           183, "en")
    assert set(panels) == {"sched", "progress_chart"}
    assert panels["sched"]["months_behind"] == 16 and panels["sched"]["stale"] is True
    assert panels["progress_chart"] is not None and "60%" in panels["progress_chart"]


def test_rollup_chart_lines_match_the_table_and_escape_titles():
    feats, hist = rollup_case()
    data = progress_chart.rollup_summary(feats, hist, dt.date(2019, 5, 19), "en")
    assert data["city"]["title"] == "Whole city"
    assert [g["title"] for g in data["groups"]][:2] == ["Transport", "Tourism"]
    data["groups"][1]["title"] = EVIL
    html = str(progress_chart.rollup_chart(data, "physical", "en"))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert _points(html, "city") == [17.5, 27.5, 32.0, 38.0] and _points(html, "tourism") == [20, 20, 20, 30]
    assert 'data-series="rural"' not in html  # no value: in the table, not drawn
    table_rows = re.findall(r"<tr><th scope=\"row\">(\d{4})</th>(.*?)</tr>", html)
    assert [y for y, _cells in table_rows] == ["2016", "2017", "2018", "2019"]
    assert re.findall(r'data-value="([0-9.]+)"', table_rows[2][1])[:1] == ["32.0"]
    charts = progress_chart.dashboard_charts({"progress_rollup": data}, "en")
    assert set(charts) == {"rollup_physical"}  # no disbursement recorded: no financial chart


def test_the_modules_stay_free_of_flask():
    import subprocess
    import sys

    code = "import sys, gis.schedule, gis.progress, gis.progress_chart; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
