"""The dashboard: numbers, lateness, target 11, escaped SVG charts with tables, the pages.

Everything runs on small in-memory data; the web tests put a fake store in the app.
"""
import copy
import datetime as dt
import json
import os
from collections import Counter
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from gis import dashboard, schema, style, targets
from gis.store.base import HistoryEntry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(os.path.dirname(ROOT), "shared", "seed", "000_fef4242a5e16bd21.txt")
TODAY = dt.date(2018, 3, 15)


def feature(fid, *, status="implementation", sector="transport.road", agency="so-gtvt", progress=None,
            planned_end=None, name=None, **extra):
    props = {"id": fid, "name_vi": name or f"Dự án {fid}", "name_en": name or f"Project {fid}", "sector": sector,
             "status": status, "lead_agency": agency, "progress": progress, "planned_end": planned_end,
             "location_accuracy": "approximate", "sources": ["test"], "version": 1,
             "updated_at": "2018-01-01T00:00:00Z", **extra}
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
            "properties": props}


def commune(fid, ntm_year, status="completion"):
    return feature(fid, status=status, sector="rural.ntm", agency="so-nnptnt", progress=100 if ntm_year else None,
                   ntm_year=ntm_year)


def sample_features():
    return [
        feature("a", status="implementation", progress=10, planned_end="2017"),  # late: 2 months
        feature("b", status="preparation", progress=None, planned_end="2017-02-10", sector="transport.water"),
        feature("c", status="implementation", progress=60, planned_end="2019", agency="bo-gtvt"),  # not yet due
        feature("d", status="completion", progress=100, planned_end="2016", actual_end="2016"),  # done: not late
        feature("e", status="cancelled", planned_end="2015", sector="tourism", agency="so-vhttdl"),  # cancelled
        feature("f", status="identification", progress=0, sector="economy.industry", agency="bql-kcn"),
        feature("g", status="maintenance", progress=100, planned_end="2017-06", sector="economy.hitech",
                agency="so-khcn"),
        feature("h", status="implementation", progress=99, planned_end="2018-03-14", agency="so-gtvt"),  # 1 day
        commune("x1", 2015), commune("x2", 2017), commune("x3", 2019), commune("x4", None, status="implementation"),
    ]


def history(*entries):
    return [HistoryEntry(i, pid, v, at, "editor", action, changes, note)
            for i, (pid, v, at, action, changes, note) in enumerate(entries, 1)]


def targets_doc():
    return copy.deepcopy(targets.load_targets())


def summary(features=None, hist=(), lang="vi", today=TODAY):
    return dashboard.summarise(features if features is not None else sample_features(), list(hist), today, lang,
                               None, targets_doc=targets_doc())


# -- counts ----------------------------------------------------------------------------------------

def test_counts_add_up():
    feats = sample_features()
    s = summary(feats)
    assert s["total"] == len(feats) == 12
    cross = s["by_sector_status"]
    assert [r["code"] for r in cross["rows"]] == schema.codes("sector")  # every sector, in codelist order
    assert cross["total"] == 12
    for row in cross["rows"]:
        assert row["total"] == sum(row["counts"].values())
    for st in schema.codes("status"):
        assert cross["totals"][st] == sum(r["counts"][st] for r in cross["rows"])
    assert sum(cross["totals"].values()) == 12
    road = next(r for r in cross["rows"] if r["code"] == "transport.road")
    assert road["counts"]["implementation"] == 3 and road["total"] == 4
    assert {x["code"]: x["count"] for x in s["statuses"]} == Counter(f["properties"]["status"] for f in feats)
    assert sum(r["total"] for r in s["by_agency"]["rows"]) == 12
    assert [r["total"] for r in s["by_agency"]["rows"]] == sorted((r["total"] for r in s["by_agency"]["rows"]),
                                                                   reverse=True)
    assert all(r["total"] > 0 for r in s["by_agency"]["rows"])
    bins = {b["key"]: b["count"] for b in s["progress"]}
    assert sum(bins.values()) == 12
    assert bins == {"0-24": 2, "25-49": 0, "50-74": 1, "75-99": 1, "100": 5, "unknown": 3}
    assert s["open_projects"] == 6 and s["open_without_planned_end"] == 2  # f and x4
    json.dumps(s)  # the JSON twin can serialise it


def test_unknown_codes_are_counted_not_dropped():
    feats = sample_features() + [feature("z", sector="space.port", status="dreaming")]
    s = summary(feats)
    assert s["by_sector_status"]["total"] == 13
    row = next(r for r in s["by_sector_status"]["rows"] if r["code"] == "space.port")
    assert row["counts"]["dreaming"] == 1 and row["title"] == "space.port"


# -- behind schedule ------------------------------------------------------------------------------------

@pytest.mark.parametrize("planned_end, today, expected", [
    ("2017", dt.date(2017, 12, 31), None),  # a year passes at its last day's end
    ("2017", dt.date(2018, 1, 1), (1, 0)),
    ("2017", dt.date(2018, 1, 31), (31, 1)),
    ("2017", dt.date(2018, 3, 15), (74, 2)),
    ("2017-05", dt.date(2017, 5, 31), None),
    ("2017-05", dt.date(2017, 6, 29), (29, 0)),
    ("2017-05", dt.date(2017, 6, 30), (30, 1)),  # 31 May -> 30 June is a whole month
    ("2016-02", dt.date(2016, 3, 1), (1, 0)),  # leap year: Feb 2016 ends on the 29th
    ("2017-02-10", dt.date(2017, 2, 10), None),
    ("2017-02-10", dt.date(2017, 5, 9), (88, 2)),
    ("2017-02-10", dt.date(2017, 5, 10), (89, 3)),
    ("2017-01-31", dt.date(2017, 2, 28), (28, 1)),
    ("2019", dt.date(2018, 3, 15), None),
    (None, dt.date(2018, 3, 15), None),
    ("soon", dt.date(2018, 3, 15), None),
])
def test_lateness_for_full_and_partial_dates(planned_end, today, expected):
    late = dashboard.lateness(planned_end, today)
    if expected is None:
        assert late is None
    else:
        assert (late["days_late"], late["months_late"]) == expected


def test_behind_schedule_lists_open_projects_whose_planned_end_passed():
    rows = summary()["behind_schedule"]
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {"a", "b", "h"}  # not c (future), d/g (done), e (cancelled), f (no date)
    assert by_id["a"]["months_late"] == 2 and by_id["a"]["last_day"] == "2017-12-31"
    assert by_id["b"]["months_late"] == 13 and by_id["b"]["last_day"] == "2017-02-10"
    assert by_id["h"]["months_late"] == 0 and by_id["h"]["days_late"] == 1
    assert [r["id"] for r in rows] == ["b", "a", "h"]  # latest first
    assert by_id["a"]["colour"] == style.STATUS_COLOURS["implementation"]


# -- recent updates --------------------------------------------------------------------------------

def test_recent_updates_newest_first_one_line_per_project_at_most_ten():
    entries = [("a", 3, "2018-03-10T08:00:00Z", "update", {"progress": [5, 10]}, "site visit"),
               ("a", 2, "2018-03-01T08:00:00Z", "update", {"status": ["preparation", "implementation"]}, ""),
               ("gone", 4, "2018-02-01T08:00:00Z", "archive", {}, "")]
    entries += [(f"p{i}", 1, f"2018-01-{20 - i:02d}T00:00:00Z", "seed", {}, "") for i in range(15)]
    recent = summary(hist=history(*entries))["recent"]
    assert len(recent) == 10
    assert [r["project_id"] for r in recent[:3]] == ["a", "gone", "p0"]
    assert recent[0]["fields"] == ["progress"] and recent[0]["note"] == "site visit" and recent[0]["version"] == 3
    assert recent[0]["name"] == "Dự án a" and recent[1]["name"] == "gone" and recent[1]["in_list"] is False
    changed = [r["changed_at"] for r in recent]
    assert changed == sorted(changed, reverse=True)


# -- targets ----------------------------------------------------------------------------------------------

def test_targets_file_holds_the_plans_13_targets_without_invented_values():
    doc = targets.load_targets()
    assert targets.check_targets(doc) == []
    ts = doc["targets"]
    assert [t["number"] for t in ts] == list(range(1, 14))
    assert all(t["values"] == [] for t in ts)  # planners record them; none invented
    assert [t["number"] for t in ts if t.get("computed_from")] == [11]
    assert all(t["text_vi"] and t["text_en"] and t["unit"] and t["parts"] for t in ts)
    t3 = {p["key"]: p["value"] for p in ts[2]["parts"]}
    assert t3 == {"sector_1": 7.31, "sector_2": 32.36, "sector_3": 60.33}
    t7 = {p["key"]: p["value"] for p in ts[6]["parts"]}
    assert t7 == {"kindergarten": 93, "primary": 100, "lower_secondary": 90, "upper_secondary": 70}
    assert ts[10]["parts"][0]["value"] == 36 and ts[10]["computed_from"]["sector"] == "rural.ntm"
    if os.path.exists(PLAN):  # the texts are quoted from the plan, word for word
        with open(PLAN, encoding="utf-8") as fh:
            plan = " ".join(fh.read().split())
        for t in ts:
            assert " ".join(t["text_vi"].split()) in plan, t["number"]


def test_targets_check_refuses_typed_values_for_target_11_and_values_without_source():
    doc = targets_doc()
    doc["targets"][10]["values"] = [{"year": 2018, "part": "ntm_communes", "value": 30, "source": "report"}]
    assert any("computed" in p for p in targets.check_targets(doc))
    doc = targets_doc()
    doc["targets"][0]["values"] = [{"year": 2018, "part": "grdp_growth", "value": 7.9}]
    assert any("source" in p for p in targets.check_targets(doc))
    doc["targets"][0]["values"] = [{"year": 2018, "part": "nope", "value": 7.9, "source": "r"}]
    assert any("unknown part" in p for p in targets.check_targets(doc))


def _target11(s):
    return next(t for t in s["targets"]["targets"] if t["number"] == 11)


def test_target_11_is_computed_from_the_communes_per_year():
    t = _target11(summary())
    c = t["computed"]
    assert [(y["year"], y["count"]) for y in c["years"]] == [(2015, 1), (2016, 1), (2017, 2), (2018, 2),
                                                             (2019, 3), (2020, 3)]
    assert [y["new"] for y in c["years"]] == [1, 0, 1, 0, 1, 0]
    assert c["target"] == 36 and c["communes"] == 4 and c["reached_by_target_year"] == 3
    assert t["values"] == [] and t["latest"] == {}
    other = next(t for t in summary()["targets"]["targets"] if t["number"] == 1)
    assert other["computed"] is None and other["latest"] == {}


def test_target_11_changes_when_a_communes_ntm_year_changes():
    feats = sample_features()
    before = [y["count"] for y in _target11(summary(feats))["computed"]["years"]]
    next(f for f in feats if f["id"] == "x3")["properties"]["ntm_year"] = 2016
    after = [y["count"] for y in _target11(summary(feats))["computed"]["years"]]
    assert before == [1, 1, 2, 2, 3, 3] and after == [1, 2, 3, 3, 3, 3]
    next(f for f in feats if f["id"] == "x1")["properties"]["status"] = "implementation"  # not reached any more
    assert [y["count"] for y in _target11(summary(feats))["computed"]["years"]] == [0, 1, 2, 2, 2, 2]


def test_recorded_values_are_shown_latest_per_part():
    doc = targets_doc()
    doc["targets"][0]["values"] = [
        {"year": 2018, "period": "year", "part": "grdp_growth", "value": 7.6, "source": "Annual report 2018"},
        {"year": 2018, "period": "H1", "part": "grdp_growth", "value": 7.1, "source": "Six-month report 2018"}]
    assert targets.check_targets(doc) == []
    t1 = targets.summarise_targets(doc, [], "en")["targets"][0]
    assert t1["latest"]["grdp_growth"]["value"] == 7.6
    assert t1["text"].startswith("Gross regional") and t1["parts"][0]["unit"] == "% a year"


# -- charts --------------------------------------------------------------------------------------------

class FigureParser(HTMLParser):
    """Collects, per <figure>: svg attributes, bar rects in order (with row ends), table rows."""

    def __init__(self):
        super().__init__()
        self.figures, self.fig, self.cell, self.in_table, self.section, self.ids = [], None, None, False, None, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "figure":
            self.fig = {"id": a.get("id"), "svg": None, "bars": [], "rows": [], "head": [], "foot": []}
            self.figures.append(self.fig)
        elif self.fig is None:
            return
        elif tag == "svg":
            self.fig["svg"] = a
        elif tag == "rect" and "data-value" in a:
            self.fig["bars"].append((a.get("data-series"), float(a["data-value"])))
        elif tag == "text" and "data-total" in a:
            self.fig["bars"].append(("TOTAL", float(a["data-total"])))
        elif tag == "table":
            self.in_table = True
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr" and self.in_table:
            self.row = []
            {"thead": self.fig["head"], "tbody": self.fig["rows"], "tfoot": self.fig["foot"]}[self.section].append(
                self.row)
        elif tag in ("td", "th") and self.in_table:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.in_table = False
        elif tag == "figure":
            self.fig = None


def parse_figures(html):
    p = FigureParser()
    p.feed(str(html))
    return p


def as_number(text, lang="vi"):
    return float(text.replace("." if lang == "vi" else ",", "").replace(",", "."))


def check_figure_matches_table(fig, ids, lang="vi"):
    svg = fig["svg"]
    assert svg["role"] == "img"
    assert all(ref in ids for ref in svg["aria-labelledby"].split())
    assert fig["id"] + "-caption" in svg["aria-labelledby"]
    head = fig["head"][0]
    if any(series == "TOTAL" for series, _v in fig["bars"]):  # stacked bars: rows end with their total
        rows, current = [], {}
        for series, value in fig["bars"]:
            if series == "TOTAL":
                current["TOTAL"] = value
                rows.append(current)
                current = {}
            else:
                current[series] = value
        assert len(rows) == len(fig["rows"])
        codes = [s for s in schema.codes("status")]
        for drawn, table_row in zip(rows, fig["rows"]):
            numbers = [as_number(c, lang) for c in table_row[1:]]
            assert numbers[-1] == drawn["TOTAL"] == sum(numbers[:-1])
            table_by_status = {code: n for code, n in zip(codes, numbers[:-1]) if n}
            assert table_by_status == {k: v for k, v in drawn.items() if k != "TOTAL"}
        assert head[-1] in ("Total", "Tổng")
    else:  # columns: one bar per table row, same order
        assert [v for _s, v in fig["bars"]] == [as_number(r[1], lang) for r in fig["rows"]]


def test_every_chart_has_a_table_with_the_same_numbers():
    s = summary()
    figs = dashboard.charts(s, "vi")
    assert set(figs) == {"sector_status", "agency", "progress", "ntm"}
    for name, html in figs.items():
        assert isinstance(html, Markup)
        parsed = parse_figures(html)
        assert len(parsed.figures) == 1, name
        check_figure_matches_table(parsed.figures[0], parsed.ids)
    ntm = parse_figures(figs["ntm"]).figures[0]
    assert [r[0] for r in ntm["rows"]] == [str(y) for y in range(2015, 2021)]
    assert 'data-target="36"' in figs["ntm"]
    progress = parse_figures(figs["progress"]).figures[0]
    assert [as_number(r[1]) for r in progress["rows"]] == [b["count"] for b in s["progress"]]


def test_chart_colours_come_from_the_shared_palette():
    html = str(dashboard.charts(summary(), "vi")["sector_status"])
    for code, colour in style.STATUS_COLOURS.items():
        assert f'fill="{colour}"' in html, code


def test_chart_numbers_and_labels_are_in_the_readers_locale():
    rows = [{"title": "Đường", "counts": {"implementation": 1234}}]
    series = [{"code": "implementation", "title": "Đang thi công", "colour": "#0072B2", "ink": "#fff"}]
    vi = str(dashboard.stacked_bar_chart("c", "T", rows, series, lang="vi"))
    en = str(dashboard.stacked_bar_chart("c", "T", rows, series, lang="en"))
    assert ">1.234<" in vi and ">1,234<" in en
    assert 'data-value="1234"' in vi  # machine-readable value stays plain

    def fake_gettext(text, **kw):
        return {"Number of projects": "Số dự án", "Total": "Tổng"}.get(text, text) % kw if kw else \
            {"Number of projects": "Số dự án", "Total": "Tổng"}.get(text, text)

    translated = str(dashboard.charts(summary(), "vi", fake_gettext)["sector_status"])
    assert "Số dự án" in translated and "Tổng" in translated
    assert "Đang thi công" in translated and "Đường bộ và cầu" in translated  # codelist titles in Vietnamese
    english = str(dashboard.charts(summary(lang="en"), "en")["sector_status"])
    assert "Under construction" in english and "Roads and bridges" in english


EVIL = '<script>alert("x")</script>'


def test_svg_escapes_every_label():
    rows = [{"title": EVIL, "counts": {"implementation": 2}}]
    series = [{"code": "implementation", "title": EVIL + "'\"", "colour": '"><script>', "ink": "#fff"}]
    html = str(dashboard.stacked_bar_chart(EVIL, EVIL, rows, series, lang="vi", row_header=EVIL, note=EVIL))
    html += str(dashboard.column_chart(EVIL, EVIL, [{"title": EVIL, "value": 3}], target={"value": 5, "label": EVIL},
                                       category_header=EVIL, value_header=EVIL, y_label=EVIL, lang="en"))
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert 'fill="&#34;&gt;&lt;script&gt;"' in html  # attribute values escaped too


def test_sector_and_project_names_from_the_data_are_escaped_in_charts():
    feats = sample_features() + [feature("evil", sector=EVIL, agency=EVIL, name=EVIL, planned_end="2016")]
    s = summary(feats, hist=history(("evil", 2, "2018-03-01T00:00:00Z", "update", {EVIL: [1, 2]}, EVIL)))
    html = "".join(str(h) for h in dashboard.charts(s, "vi").values())
    assert "<script" not in html and "&lt;script&gt;" in html
    assert any(r["title"] == EVIL for r in s["by_sector_status"]["rows"])  # data stay raw; escaping is on output


# -- the pages ------------------------------------------------------------------------------------------

class FakeStore:
    url = "memory://"

    def __init__(self, features, entries):
        self.features, self.entries = features, entries

    def list_projects(self, query=None):
        return [f for f in self.features]

    def count_projects(self, query=None):
        return len(self.features)

    def history(self, project_id=None, *, limit=100):
        return [e for e in self.entries if project_id in (None, e.project_id)][:limit]

    def list_layer(self, name, bbox=None):
        return []

    def layer_names(self):
        return []

    def close(self):
        pass


@pytest.fixture
def client(tmp_path):
    from app import create_app
    from gis.web import dashboard as web_dashboard

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"})
    if "dashboard" not in app.blueprints:  # until the lead registers it in gis.web.init_app
        app.register_blueprint(web_dashboard.bp)
    feats = sample_features() + [feature("evil", name=EVIL, planned_end="2016")]
    entries = history(("evil", 2, "2018-03-01T00:00:00Z", "update", {"progress": [1, 2]}, EVIL),
                      ("a", 1, "2018-01-01T00:00:00Z", "seed", {}, ""))
    app.extensions["gis_store"] = FakeStore(feats, entries)
    return app.test_client()


def test_dashboard_page_renders_charts_tables_targets_and_the_commune_map(client):
    resp = client.get("/dashboard?lang=vi")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    parsed = parse_figures(html)
    assert len(parsed.figures) == 5  # four bar charts and the progress roll-up's lines (checked further down)
    for fig in parsed.figures:
        if not fig["id"].startswith("chart-rollup"):
            check_figure_matches_table(fig, parsed.ids)
    assert html.count('data-target="') >= 13  # the 13 targets' rows (and the chart's target line)
    assert "Xây dựng, hoàn thành 100% xã đạt chuẩn nông thôn mới (36/36 xã)." in html
    assert 'data-project-id="evil"' in html and 'data-months-late="' in html
    assert "leaflet" in html.lower()  # the small map of the communes


def test_dashboard_page_in_english(client):
    html = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "no value recorded yet" in html
    assert "Under construction" in html and 'lang="vi"' in html  # the plan's own words stay beside the translation


def test_api_dashboard_returns_the_same_numbers(client):
    resp = client.get("/api/dashboard?lang=en")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["total"] == 13
    assert body["by_sector_status"]["total"] == 13
    assert {r["id"] for r in body["behind_schedule"]} >= {"a", "b", "evil"}
    t11 = next(t for t in body["targets"]["targets"] if t["number"] == 11)
    assert t11["computed"]["target"] == 36 and len(t11["computed"]["years"]) == 6
    assert body["recent"][0]["project_id"] == "evil"
    html = client.get("/dashboard?lang=en").get_data(as_text=True)
    table = parse_figures(html).figures[0]
    assert as_number(table["foot"][0][-1], "en") == body["by_sector_status"]["total"]


# -- slippage, records to confirm, progress roll-ups (gis.schedule, gis.progress) ----------------------------

def tracking_client(tmp_path, monkeypatch, **config):
    from app import create_app

    monkeypatch.setattr(dashboard, "today_in_vietnam", lambda: TODAY)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", **config})
    feats = sample_features() + [
        feature("late-done", status="maintenance", progress=100, planned_end="2016-06", actual_end="2017-09-10",
                agency="bo-gtvt", investment_vnd=3000),
        feature("evil", name=EVIL, planned_end="2016", agency="so-gtvt", investment_vnd=1000, progress=20)]
    feats[0]["properties"]["investment_vnd"] = 1000  # "a": 10 % now
    entries = history(
        ("evil", 3, "2018-03-01T00:00:00Z", "update", {"planned_end": ["2015-06", "2016"]}, EVIL),
        ("evil", 2, "2017-03-01T00:00:00Z", "update", {"planned_end": ["2014", "2015-06"], "progress": [0, 20]}, ""),
        ("a", 2, "2017-06-01T00:00:00Z", "update", {"progress": [5, 10]}, ""),
        ("late-done", 1, "2018-02-20T00:00:00Z", "confirm", {}, ""),
        ("a", 1, "2017-01-01T00:00:00Z", "seed", {}, ""),
        ("evil", 1, "2016-01-01T00:00:00Z", "seed", {}, ""),
        ("late-done", 1, "2016-01-01T00:00:00Z", "seed", {}, ""),
        ("late-done", 1, "2017-09-10T00:00:00Z", "milestone", {"status": ["implementation", "maintenance"],
                                                              "progress": [None, 100]}, "actual_end 2017-09-10"))
    app.extensions["gis_store"] = FakeStore(feats, entries)
    return app.test_client()


def test_api_dashboard_has_slippage_stale_records_and_rollups(tmp_path, monkeypatch):
    body = tracking_client(tmp_path, monkeypatch).get("/api/dashboard?lang=en").get_json()
    behind = {r["id"]: r for r in body["slippage"]["behind"]}
    assert set(behind) == {r["id"] for r in body["behind_schedule"]} == {"a", "b", "h", "evil"}
    assert behind["evil"]["baseline_end"] == "2014" and behind["evil"]["replanned"] == 2
    assert behind["evil"]["months_behind"] == 14  # against today's plan: 31 Dec 2016 -> 15 Mar 2018
    assert [(r["id"], r["months_late"]) for r in body["slippage"]["completed_late"]] == [("late-done", 14)]
    stale = body["stale"]
    assert stale["after_days"] == 183
    stale_ids = {p["id"] for a in stale["by_agency"] for p in a["projects"]}
    assert "late-done" not in stale_ids and "evil" not in stale_ids  # confirmed 2018-02-20, changed 2018-03-01
    assert {"a", "b", "c"} <= stale_ids  # seeded 2017-01-01, never confirmed, never confirmed
    assert stale["total"] == len(stale_ids) == sum(a["count"] for a in stale["by_agency"])
    city = body["progress_rollup"]["city"]["physical"]
    assert body["progress_rollup"]["years"] == [2016, 2017, 2018]
    # 2016: a 5 % x 1000, evil 0 % x 1000; late-done unknown before its milestone -> (5000 + 0) / 2000
    # 2017: a 10, evil 20, late-done 100 x 3000 -> (10000 + 20000 + 300000) / 5000; 2018 (to 15 Mar) the same
    assert city["values"] == [2.5, 66.0, 66.0]
    assert city["included"] == [2, 3, 3] and city["excluded"] == [12, 11, 11]  # of 14: no investment or unknown


def test_stale_period_comes_from_the_config(tmp_path, monkeypatch):
    body = tracking_client(tmp_path, monkeypatch, STALE_AFTER_DAYS=20).get("/api/dashboard").get_json()
    stale_ids = {p["id"] for a in body["stale"]["by_agency"] for p in a["projects"]}
    assert body["stale"]["after_days"] == 20
    assert "late-done" in stale_ids and "evil" not in stale_ids  # 23 days vs 14 days before 15 Mar 2018


def test_dashboard_page_shows_the_new_panels_escaped(tmp_path, monkeypatch):
    import re

    html = tracking_client(tmp_path, monkeypatch).get("/dashboard?lang=vi").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'id="completed-late"' in html and 'data-project-id="late-done" data-months-late="14"' in html
    assert 'data-project-id="evil" data-months-late="' in html and 'data-replanned="2"' in html
    assert "điều chỉnh kế hoạch 2 lần" in html or "re-planned 2 times" in html
    assert 'id="stale-records"' in html and 'id="chart-rollup-physical"' in html
    figure = html[html.index('id="chart-rollup-physical"'):]
    figure = figure[:figure.index("</figure>")]
    drawn = [float(v) for v in re.findall(r'data-series="city" data-point="([0-9.]+)"', figure)]
    table = [float(v) for v in re.findall(r'<tr><th scope="row">\d{4}</th><td data-value="([0-9.]+)"', figure)]
    assert drawn == table == [2.5, 66.0, 66.0]
    english = tracking_client(tmp_path, monkeypatch).get("/dashboard?lang=en").get_data(as_text=True)
    assert "re-planned 2 times" in english and "Records to confirm" in english
