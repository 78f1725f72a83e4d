"""Period reports (plan section IV.4): periods, the state at the period end, changes, targets,
the static map, XLSX, the PDF (Vietnamese glyphs) and the pages.

Most tests run on small in-memory data with a history written by hand (the store stamps
history with the current time, so past periods need crafted entries); one test runs the
whole path on both real store backends.
"""
import copy
import datetime as dt
import io
import logging
import os
import re

import pytest

from gis import style, targets
from gis.errors import BadRequest, NotFound
from gis.reports import content, map_image, pdf, periods, xlsx
from gis.store.base import HistoryEntry

TODAY = dt.date(2026, 11, 27)
H1 = periods.parse_period("2026-H1")
POINT = {"type": "Point", "coordinates": [105.75, 10.03]}


def props(fid, **extra):
    base = {"id": fid, "name_vi": f"Dự án {fid} Cầu Đường", "name_en": f"Project {fid}", "sector": "transport.road",
            "status": "implementation", "lead_agency": "so-gtvt", "progress": None, "planned_end": None,
            "location_accuracy": "approximate", "sources": ["test"], "version": 1, "updated_at": "2026-01-01T00:00:00Z"}
    base.update(extra)
    return base


def feature(fid, geometry=POINT, **extra):
    return {"type": "Feature", "id": fid, "geometry": copy.deepcopy(geometry), "properties": props(fid, **extra)}


def entry(i, pid, version, at, action="update", changes=None, note="", user="editor@sogtvt.cantho.gov.vn"):
    return HistoryEntry(i, pid, version, at, user, action, changes or {}, note)


def scenario():
    """Current features and their whole history.

    a: seeded 2025-01-01; 2026-03-10 preparation -> implementation; 2026-08-01 completed (progress 40 -> 100).
    b: created 2026-07-15 (after H1).
    c: archived 2026-05-01 (so gone by the end of H1, present at the end of 2025).
    d: seeded 2026-11-20, completed with actual_end 2026-09 (first recorded after H1: a caveat).
    e: planned to end 2026-06, still under construction: behind schedule at the end of H1.
    f: planned to end 2026-07: not yet behind schedule at the end of H1.
    g: changed at 2026-06-30T18:00Z = 1 July 01:00 in Vietnam: that change belongs to H2.
    """
    features = [
        feature("a", status="completion", progress=100, actual_end="2026-08-01", version=3),
        feature("b", status="identification", sector="tourism", lead_agency="so-vhttdl"),
        feature("c", status="preparation", sector="economy.industry", lead_agency="bql-kcn", version=2, archived=True),
        feature("d", status="completion", progress=100, actual_end="2026-09", sector="transport.water"),
        feature("e", status="implementation", planned_end="2026-06", progress=55),
        feature("f", status="implementation", planned_end="2026-07"),
        feature("g", status="implementation", progress=30, version=2),
    ]
    history = [
        entry(1, "a", 1, "2025-01-01T03:00:00Z", "seed"),
        entry(2, "c", 1, "2025-01-01T03:00:00Z", "seed"),
        entry(3, "e", 1, "2025-01-01T03:00:00Z", "seed"),
        entry(4, "f", 1, "2025-01-01T03:00:00Z", "seed"),
        entry(5, "g", 1, "2025-01-01T03:00:00Z", "seed"),
        entry(6, "a", 2, "2026-03-10T02:00:00Z", changes={"status": ["preparation", "implementation"],
                                                          "progress": [None, 40]}, note="Khởi công"),
        entry(7, "c", 2, "2026-05-01T02:00:00Z", "archive", {"archived": [False, True]}, note="Dừng"),
        entry(8, "g", 2, "2026-06-30T18:00:00Z", changes={"progress": [10, 30]}),
        entry(9, "b", 1, "2026-07-15T02:00:00Z", "create",
              {"name_vi": [None, "Dự án b Cầu Đường"], "status": [None, "identification"]}),
        entry(10, "a", 3, "2026-08-01T02:00:00Z", changes={"status": ["implementation", "completion"],
                                                           "progress": [40, 100], "actual_end": [None, "2026-08-01"]}),
        entry(11, "d", 1, "2026-11-20T02:00:00Z", "seed"),
    ]
    return features, history


def by_id(features):
    return {f["id"]: f for f in features}


def targets_doc(values=()):
    doc = copy.deepcopy(targets.load_targets())
    for number, value in values:
        t = next(t for t in doc["targets"] if t["number"] == number)
        t["values"].append(value)
    return doc


def build(period=H1, lang="vi", features=None, history=None, doc=None, today=TODAY):
    f, h = scenario()
    return content.build_report(period, features if features is not None else f, history if history is not None else h,
                                today, lang, targets_doc=doc or targets_doc())


def test_the_report_and_oc4ids_modules_do_not_import_flask_or_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys, gis.reports.periods, gis.reports.content, gis.reports.map_image, gis.reports.xlsx, "
            "gis.reports.pdf, gis.oc4ids; "
            "print(sorted(m for m in ('flask', 'matplotlib', 'weasyprint', 'geopandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "[]"  # loaded on first use only


# -- periods ---------------------------------------------------------------------------------------------

def test_periods_parse_and_are_named_in_both_languages():
    h1, h2, year = (periods.parse_period(k) for k in ("2026-H1", "2026-H2", "2026"))
    assert (h1.start, h1.end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (h2.start, h2.end) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert h1.label("vi") == "6 tháng đầu năm 2026" and h1.label("en") == "First half of 2026"
    assert h2.label("vi") == "6 tháng cuối năm 2026" and h2.label("en") == "Second half of 2026"
    assert year.label("vi") == "Năm 2026" and year.label("en") == "Year 2026"
    custom = periods.parse_period("2026-01-01..2026-03-31")
    assert custom.kind == "range" and custom.label("vi") == "Từ 01/01/2026 đến 31/03/2026"


def test_a_range_that_is_a_standard_period_becomes_that_period():
    assert periods.range_period("2026-01-01", "2026-06-30").key == "2026-H1"
    assert periods.range_period("2026-01-01", "2026-12-31").key == "2026"
    assert periods.period_from_args({"period": ["2026-H2"]}).key == "2026-H2"
    assert periods.period_from_args({"from": ["2026-02-01"], "to": ["2026-02-28"]}).key == "2026-02-01..2026-02-28"
    assert periods.period_from_args({}) is None


@pytest.mark.parametrize("token", ["2026-H3", "26-H1", "2015", "2026-02-30..2026-03-01", "2026-03-01..2026-02-01",
                                   "x", "", "2026-H1.pdf", "../etc/passwd"])
def test_bad_period_names_are_not_found(token):
    with pytest.raises(NotFound):
        periods.parse_period(token)


@pytest.mark.parametrize("start, end", [("2026-13-01", "2026-12-31"), ("2026-05-01", "2026-04-30"),
                                        ("2015-01-01", "2015-06-30"), ("1/1/2026", "2026-06-30"), ("", "")])
def test_bad_ranges_are_a_400_naming_the_problem(start, end):
    with pytest.raises(BadRequest):
        periods.range_period(start, end)


def test_the_index_lists_every_6_month_and_annual_period_from_2016_that_has_started():
    years = periods.standard_periods(TODAY)
    assert [y["year"] for y in years] == list(range(2026, 2015, -1))
    assert all([p.kind for p in y["periods"]] == ["year", "H2", "H1"] for y in years)
    assert sum(len(y["periods"]) for y in years) == 33
    early = periods.standard_periods(dt.date(2026, 3, 1))
    assert [p.key for p in early[0]["periods"]] == ["2026", "2026-H1"]  # H2 has not started


# -- the state at the end of the period -------------------------------------------------------------------

def test_each_project_is_reconstructed_at_the_period_end_from_its_history():
    features, history = scenario()
    states, info = content.states_at(features, history, H1.end)
    s = by_id(states)
    assert set(s) == {"a", "d", "e", "f", "g"}  # b created after, c archived by then
    assert s["a"]["properties"]["status"] == "implementation" and s["a"]["properties"]["progress"] == 40
    assert "actual_end" not in s["a"]["properties"] and s["a"]["properties"]["version"] == 2
    assert s["g"]["properties"]["progress"] == 10  # 1 July 01:00 in Vietnam is H2
    assert [r["id"] for r in info["first_recorded"]] == ["d"]
    assert features[0]["properties"]["status"] == "completion"  # the current features are not touched
    at_2025, _ = content.states_at(features, history, dt.date(2025, 12, 31))
    old = by_id(at_2025)
    assert "c" in old and not old["c"]["properties"].get("archived") and "b" not in old
    assert old["a"]["properties"]["status"] == "preparation" and "progress" not in old["a"]["properties"]


def test_the_report_counts_the_states_at_the_period_end():
    r = build().data
    s = r["summary"]
    assert s["total"] == 5
    cross = s["by_sector_status"]
    road = next(row for row in cross["rows"] if row["code"] == "transport.road")
    assert road["counts"]["implementation"] == 4 and road["total"] == 4
    water = next(row for row in cross["rows"] if row["code"] == "transport.water")
    assert water["counts"]["completion"] == 1
    assert cross["total"] == 5 and sum(cross["totals"].values()) == 5
    assert s["by_agency"]["total"] == 5
    assert r["period"]["label"] == "6 tháng đầu năm 2026" and r["ended"] and r["as_of"] == "2026-06-30"


def test_behind_schedule_is_measured_at_the_close_of_the_period():
    late = {row["id"]: row for row in build().data["summary"]["behind_schedule"]}
    assert set(late) == {"e"}  # planned for June 2026, not completed by 30 June; f is due in July
    assert late["e"]["days_late"] == 1
    h2 = {row["id"] for row in build(periods.parse_period("2026-H2"), today=dt.date(2027, 1, 5))
          .data["summary"]["behind_schedule"]}
    assert h2 == {"e", "f"}


def test_every_change_of_the_period_is_listed_oldest_first_with_old_and_new_values():
    changes = build().data["changes"]
    assert [(c["project_id"], c["action"]) for c in changes] == [("a", "update"), ("c", "archive")]
    first = changes[0]
    assert first["user"] == "editor@sogtvt.cantho.gov.vn" and first["note"] == "Khởi công"
    fields = {f["field"]: f for f in first["fields"]}
    assert fields["status"]["title"] == "Tình trạng"
    assert (fields["status"]["old"], fields["status"]["new"]) == ("Chuẩn bị đầu tư", "Đang thi công")
    assert (fields["progress"]["old"], fields["progress"]["new"]) == ("—", "40%")
    assert [f["field"] for f in first["fields"]] == ["status", "progress"]  # schema order
    h2 = [c["project_id"] for c in build(periods.parse_period("2026-H2")).data["changes"]]
    assert h2 == ["g", "b", "a", "d"]
    year_2025 = build(periods.parse_period("2025"), today=TODAY)
    loads = year_2025.data["changes"]  # the plan's data loaded for 5 projects: one row, with the count
    assert [(c["action"], c["count"]) for c in loads] == [("seed", 5)]
    assert year_2025.data["change_count"] == 5 and year_2025.data["changed_projects"] == 5
    assert len(year_2025.changes_full) == 5  # the spreadsheet keeps one row per project


def test_values_are_shown_for_people():
    assert content.value_text("investment_vnd", 5_460_000_000_000, "vi") == "5.460 tỷ đồng"
    assert content.value_text("districts", ["ninh-kieu", "cai-rang"], "en") == "Ninh Kieu, Cai Rang"
    assert content.value_text("planned_end", "2026-06", "vi") == "06/2026"
    assert content.value_text("lead_agency", "so-gtvt", "en") == "Department of Transport"
    assert content.value_text("geometry", POINT, "en").startswith("Point (105.75")
    assert content.value_text("description_vi", "x" * 500, "vi").endswith("…")
    assert len(content.value_text("description_vi", "x" * 500, "vi", limit=None)) == 500


def test_projects_first_recorded_after_the_period_are_flagged_with_their_conflicting_dates():
    caveats = build().data["caveats"]
    assert caveats["first_recorded"] == 1 and caveats["records_start_text"] == "20/11/2026"
    assert [(c["id"], c["field"]) for c in caveats["date_conflicts"]] == [("d", "actual_end")]


def test_targets_show_only_values_reported_by_the_period_end_and_target_11_at_that_date():
    doc = targets_doc([(8, {"year": 2026, "period": "H1", "part": targets.load_targets()["targets"][7]["parts"][0]["key"],
                            "value": 77, "source": "Báo cáo 6 tháng 2026"}),
                       (8, {"year": 2026, "period": "year", "part": targets.load_targets()["targets"][7]["parts"][0]["key"],
                            "value": 79, "source": "Báo cáo năm 2026"})])
    t8 = lambda rep: next(t for t in rep.data["summary"]["targets"]["targets"] if t["number"] == 8)  # noqa: E731
    assert [v["value"] for v in t8(build(doc=doc))["values"]] == [77]
    year = build(periods.parse_period("2026"), doc=doc, today=dt.date(2027, 2, 1))
    assert [v["value"] for v in t8(year)["values"]] == [77, 79]
    communes = [feature(f"x{i}", sector="rural.ntm", status="completion", lead_agency="so-nnptnt", ntm_year=y)
                for i, y in enumerate((2015, 2017, 2018))]
    hist = [entry(i, f["id"], 1, "2015-01-01T00:00:00Z", "seed") for i, f in enumerate(communes)]
    rep = content.build_report(periods.parse_period("2018-H1"), communes, hist, TODAY, "vi", targets_doc=targets_doc())
    t11 = next(t for t in rep.data["summary"]["targets"]["targets"] if t["number"] == 11)
    assert t11["at_period_end"] == {"year": 2017, "count": 2, "target": 36}


def test_a_period_that_has_not_started_has_no_report():
    with pytest.raises(NotFound):
        build(periods.parse_period("2027"))


# -- map, spreadsheet, PDF ---------------------------------------------------------------------------------

LINE = {"type": "LineString", "coordinates": [[105.70, 10.00], [105.80, 10.08]]}
CITY = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
    [[105.3, 9.9], [105.9, 9.9], [105.9, 10.35], [105.3, 10.35], [105.3, 9.9]]]}}
RIVER = {"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                                                          "coordinates": [[105.4, 10.3], [105.85, 9.95]]}}
LAYERS = [({"name": "city"}, [CITY]), ({"name": "districts"}, [CITY]), ({"name": "rivers"}, [RIVER]),
          ({"name": "communes"}, [CITY])]


def test_the_static_map_draws_layers_and_projects_in_the_status_colours(recwarn):
    feats = [feature("p", status="completion"), feature("l", LINE, status="implementation"),
             feature("n", sector="rural.ntm", status="maintenance")]
    png = map_image.render_map(feats, LAYERS, "vi")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    svg = map_image.render_map(feats, LAYERS, "vi", fmt="svg").decode("utf-8").lower()
    for status in ("completion", "implementation", "maintenance"):
        assert style.STATUS_COLOURS[status].lower() in svg
    assert not [w for w in recwarn if "Glyph" in str(w.message)]  # every Vietnamese letter was drawn
    empty = map_image.render_map([], [], "en")
    assert empty.startswith(b"\x89PNG")


def test_the_spreadsheet_has_one_sheet_per_table_and_never_writes_formulas():
    from openpyxl import load_workbook

    features, history = scenario()
    history.append(entry(12, "e", 2, "2026-04-01T00:00:00Z", changes={"progress": [50, 55]}, note="=HYPERLINK(\"x\")"))
    rep = content.build_report(H1, features, history, TODAY, "en", targets_doc=targets_doc())
    wb = load_workbook(io.BytesIO(xlsx.xlsx_bytes(rep)))
    assert wb.sheetnames == ["By sector", "By agency", "Changes", "Behind schedule", "Targets", "About"]
    sector = list(wb["By sector"].values)
    assert sector[0][0] == "Sector" and sector[-1][0] == "Total" and sector[-1][-1] == 5
    changes = list(wb["Changes"].values)
    assert changes[0][:3] == ("Date", "Project id", "Project")
    assert changes[1][0] == dt.datetime(2026, 3, 10, 9, 0)  # 02:00 UTC is 09:00 in Vietnam, as a real date-time
    note_cell = next(c for row in wb["Changes"].iter_rows() for c in row if c.value == "=HYPERLINK(\"x\")")
    assert note_cell.data_type == "s"
    assert [r[0] for r in list(wb["Behind schedule"].values)[1:]] == ["e"]
    assert len({r[0] for r in list(wb["Targets"].values)[1:]}) == 13


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_rendering_embeds_a_font_with_every_vietnamese_letter_and_reports_missing_glyphs():
    letters = ("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ")
    text = letters + letters.upper()
    assert len(set(text)) == 146  # every letter of Vietnamese with a diacritic or not: 73 lower-case, 73 capitals
    html = (f"<html><head><style>{pdf.font_face_css()} body {{ font-family: '{pdf.FONT_FAMILY}' }}"
            f"</style></head><body><p>{text}</p><p><b>{text}</b></p><p><i>{text}</i></p></body></html>")
    result = pdf.pdf_bytes(html)
    assert result.missing_glyphs == []
    extracted = _pdf_text(result.pdf)
    assert "ằắẳẵặ" in extracted and "ỪỨỬỮỰ" in extracted
    broken = pdf.pdf_bytes(html.replace("</body>", "<p>\U0010fffd</p></body>"))
    assert broken.missing_glyphs and ".notdef" in broken.missing_glyphs[0]


def test_pdf_rendering_loads_nothing_but_data_uris_and_the_font_files(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = (f'<html><head><link rel="stylesheet" href="file://{secret}"><link rel="stylesheet" '
            f'href="http://127.0.0.1:9/x.css"></head><body><img src="file:///etc/hostname"><p>x</p></body></html>')
    result = pdf.pdf_bytes(html)
    assert result.pdf.startswith(b"%PDF")
    refused = [w for w in result.warnings if "may not load" in w]
    assert len(refused) == 3, result.warnings


# -- the pages -------------------------------------------------------------------------------------------

class FakeStore:
    url = "memory://"

    def __init__(self, features, entries, layers=()):
        self.features, self.entries, self.layers = features, entries, dict(layers)

    def list_projects(self, query=None):
        return [f for f in self.features if (query is not None and query.include_archived)
                or not f["properties"].get("archived")]

    def count_projects(self, query=None):
        return len(self.list_projects(query))

    def history(self, project_id=None, *, limit=100):
        rows = sorted((e for e in self.entries if project_id in (None, e.project_id)), key=lambda e: -e.id)
        return rows if limit is None else rows[:limit]

    def list_layer(self, name, bbox=None):
        return self.layers.get(name, [])

    def layer_names(self):
        return list(self.layers)

    def close(self):
        pass


@pytest.fixture
def app(tmp_path, monkeypatch):
    from app import create_app
    from gis import dashboard
    from gis.web import report_routes

    monkeypatch.setattr(dashboard, "today_in_vietnam", lambda: TODAY)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"})
    if "reports" not in app.blueprints:  # until the lead registers it in gis.web.init_app
        app.register_blueprint(report_routes.bp)
    features, history = scenario()
    app.extensions["gis_store"] = FakeStore(features, history, [("city", [CITY]), ("rivers", [RIVER])])
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def signed_in(app, monkeypatch):
    from gis import accounts
    from gis.web import auth, report_routes

    user = accounts.User(1, "planner@sokhdt.cantho.gov.vn", "Planner", "editor", "so-khdt", True)
    monkeypatch.setattr(auth, "current_account", lambda: user)
    monkeypatch.setattr(report_routes, "current_account", lambda: user)
    return app.test_client()


def test_the_index_lists_the_periods_in_vietnamese_and_english(client):
    vi = client.get("/reports?lang=vi").get_data(as_text=True)
    assert "6 tháng đầu năm 2016" in vi and "Năm 2025" in vi and "6 tháng cuối năm 2026" in vi
    assert 'href="/reports/2026-H1.pdf"' in vi and 'href="/reports/2026-H2"' not in vi  # in progress: not public
    en = client.get("/reports?lang=en").get_data(as_text=True)
    assert "First half of 2016" in en and "Year 2025" in en and "Second half of 2026" in en
    assert en.count('data-period="') == 33


def test_a_published_report_page_shows_every_part(client):
    resp = client.get("/reports/2026-H1?lang=vi")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "6 tháng đầu năm 2026" in html and "Sở Kế hoạch và Đầu tư thành phố Cần Thơ" in html
    for part in ('id="by-sector"', 'id="by-agency"', 'id="behind-schedule"', 'id="changes"', 'id="targets"',
                 'src="data:image/png;base64,'):
        assert part in html
    assert html.count('data-target="') == 13
    assert "Chuẩn bị đầu tư" in html and "Đang thi công" in html and "Khởi công" in html
    assert 'data-project-id="e"' in html
    assert not re.search(r'(?:src|href)="https?://', html)
    assert "/reports/2026-H1.xlsx" not in html  # the spreadsheet is for signed-in planners


def test_values_from_the_data_are_escaped_in_the_page_and_the_pdf(app, client):
    evil = "<script>alert(1)</script>"
    store = app.extensions["gis_store"]
    store.features.append(feature("x", name_vi=evil, status="implementation"))
    store.entries.append(entry(20, "x", 1, "2024-01-01T00:00:00Z", "seed"))
    store.entries.append(entry(21, "x", 2, "2026-02-01T00:00:00Z", changes={"description_vi": [None, evil]},
                               note=evil, user=f"{evil}@x.vn"))
    html = client.get("/reports/2026-H1?lang=vi").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    resp = client.get("/reports/2026-H1.pdf?lang=vi")
    assert resp.status_code == 200 and "<script>alert(1)</script>" in _pdf_text(resp.data).replace("\n", "")


def test_the_report_page_in_english(client):
    html = client.get("/reports/2026-H1?lang=en").get_data(as_text=True)
    assert "First half of 2026" in html and "Under construction" in html and "Department of Transport" in html


def test_the_period_in_progress_and_the_spreadsheets_need_sign_in(client):
    for url in ("/reports/2026-H2", "/reports/2026.pdf", "/reports/2026-H1.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    assert 'class="report-draft"' not in client.get("/reports/2026-H1").get_data(as_text=True)


def test_signed_in_planners_see_the_period_in_progress_as_a_draft(signed_in):
    page = signed_in.get("/reports/2026-H2?lang=vi")
    assert page.status_code == 200 and 'class="report-draft"' in page.get_data(as_text=True)
    assert "/reports/2026-H2.xlsx" in page.get_data(as_text=True)
    index = signed_in.get("/reports?lang=vi").get_data(as_text=True)
    assert 'href="/reports/2026-H2"' in index and 'href="/reports/2016-H1.xlsx"' in index


def test_signed_in_planners_get_the_spreadsheet(signed_in):
    resp = signed_in.get("/reports/2026-H1.xlsx?lang=vi")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="cantho-report-2026-H1.xlsx"' in resp.headers["Content-Disposition"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(resp.data))
    assert len(wb.sheetnames) == 6


def test_the_pdf_opens_its_text_keeps_the_diacritics_and_no_glyph_is_missing(client, caplog):
    caplog.set_level(logging.WARNING)
    resp = client.get("/reports/2026-H1.pdf?lang=vi")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) >= 2
    text = _pdf_text(resp.data)
    for phrase in ("6 tháng đầu năm 2026", "Sở Kế hoạch và Đầu tư", "Đường bộ và cầu", "Chuẩn bị đầu tư",
                   "Tốc độ tăng tổng sản phẩm"):
        assert phrase in text, phrase
    notdef = [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()]
    assert notdef == []
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts and all("Report-Sans" in f for f in fonts), fonts  # DejaVu Sans from matplotlib, nothing else


def test_period_links_and_errors(client):
    assert client.get("/reports?period=2025-H2").headers["Location"].endswith("/reports/2025-H2")
    assert client.get("/reports?from=2025-01-01&to=2025-12-31").headers["Location"].endswith("/reports/2025")
    assert client.get("/reports/2025-01-01..2025-06-30.pdf").headers["Location"].endswith("/reports/2025-H1.pdf")
    assert client.get("/reports?from=2025-05-01&to=2025-04-01").status_code == 400
    assert client.get("/reports/2030").status_code == 404
    assert client.get("/reports/nonsense").status_code == 404
    assert client.get("/reports/2025-03-01..2025-03-31").status_code == 200


# -- on the real stores ------------------------------------------------------------------------------------

def test_reports_on_a_real_store_reconstruct_edits_of_the_current_period(store_url, monkeypatch):
    """Seed, edit through the store, then ask for the current period (signed in) and 2025 (public)."""
    from app import create_app
    from gis import accounts, dashboard
    from gis.store.accounts import accounts_of
    from gis.web import get_store, report_routes

    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    if "reports" not in app.blueprints:
        app.register_blueprint(report_routes.bp)
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    today = dashboard.today_in_vietnam()
    with app.app_context():
        store = get_store()
        road = store.get_project("ql91-km0-km7-upgrade")
        store.update_project(road["id"], {"progress": 61}, expected_version=road["properties"]["version"],
                             user="editor@sogtvt.cantho.gov.vn", note="Báo cáo tiến độ")
        accounts_of(store).create_user("planner@sokhdt.cantho.gov.vn", accounts.hash_password("a long test passphrase"),
                                       "admin", "so-khdt", "Planner")
        assert len(store.history(limit=None)) > 68  # every entry, not the default 100 window
    c = app.test_client()
    html = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert c.post("/login", data={"email": "planner@sokhdt.cantho.gov.vn", "password": "a long test passphrase",
                                  "csrf_token": token}).status_code == 302
    current = today.strftime("%Y-H1") if today.month <= 6 else today.strftime("%Y-H2")
    page = c.get(f"/reports/{current}?lang=vi").get_data(as_text=True)
    assert "Báo cáo tiến độ" in page and 'data-project-id="ql91-km0-km7-upgrade"' in page
    past = app.test_client().get(f"/reports/{today.year - 1}?lang=vi").get_data(as_text=True)
    assert "Báo cáo tiến độ" not in past and 'class="caveat"' in past
