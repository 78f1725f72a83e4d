"""The plan's targets (issue 8): recorded values (append-only, latest wins), target 11 computed
from the communes, target vs actual by year, the pages, the planners' form and the JSON API.
Store-facing tests run on SQLite and PostGIS."""
import copy
import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from app import create_app
from gis import accounts, targets
from gis.errors import Invalid
from gis.store.accounts import accounts_of
from gis.store.target_values import TargetValues, target_values_of

PASSWORD = "a long test passphrase"
DIGEST = accounts.hash_password(PASSWORD)  # scrypt is slow on purpose: hash once for the module
ADMIN, EDITOR, VIEWER = "admin@sokhdt.cantho.gov.vn", "editor@sogtvt.cantho.gov.vn", "viewer@sokhdt.cantho.gov.vn"
DOC = targets.load_targets()


def record(repo, **fields):
    base = {"target": 1, "part": "grdp_growth", "year": 2018, "period": "year", "value": 7.9,
            "source": "Báo cáo số 250/BC-UBND năm 2018", "note": None, "user": ADMIN}
    return repo.record(**{**base, **fields})


def commune(fid, ntm_year, status="completion"):
    return {"type": "Feature", "id": fid, "geometry": {"type": "Point", "coordinates": [105.7, 10.0]},
            "properties": {"id": fid, "sector": "rural.ntm", "status": status, "ntm_year": ntm_year}}


def target(progress, number):
    return next(t for t in progress["targets"] if t["number"] == number)


def cells(progress, number, part=None):
    t = target(progress, number)
    p = t["parts"][0] if part is None else next(p for p in t["parts"] if p["key"] == part)
    return {c["year"]: c for c in p["years"]}


# -- the repository, on both stores ------------------------------------------------------------------

def test_a_record_is_read_back(store):
    repo = target_values_of(store)
    assert repo.values() == [] and repo.history() == []
    saved = record(repo, target=12, part="clean_water_rural", value=80.25, note="  số liệu chính thức  ")
    assert saved["id"] >= 1 and saved["initial"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", saved["recorded_at"])
    again = target_values_of(store).values()
    assert again == [saved]
    assert again[0]["value"] == 80.25 and again[0]["note"] == "số liệu chính thức"
    assert again[0]["user"] == ADMIN and again[0]["source"] == "Báo cáo số 250/BC-UBND năm 2018"
    only_part = record(repo, target=13, part=None, value=93)  # a target with one part: the part may be left out
    assert only_part["part"] == "urban_waste_collection" and only_part["value"] == 93.0


def test_a_correction_keeps_both_records_and_the_latest_wins(store):
    repo = target_values_of(store)
    first = record(repo, value=7.4)
    second = record(repo, value=7.6, source="Báo cáo điều chỉnh", note="sửa số liệu")
    half = record(repo, period="H1", value=7.1)
    history = repo.history(1)
    assert [h["id"] for h in history] == [half["id"], second["id"], first["id"]]  # newest first, nothing lost
    assert [h["current"] for h in history] == [True, True, False]
    assert [(v["period"], v["value"]) for v in repo.values()] == [("H1", 7.1), ("year", 7.6)]
    cell = cells(targets.progress_by_year(DOC, repo.records(), []), 1)[2018]
    assert (cell["value"], cell["period"], cell["source"], cell["met"]) == (7.6, "year", "Báo cáo điều chỉnh", True)
    assert repo.history(2) == []


def test_records_cannot_be_changed_or_deleted_in_the_database(store):
    repo = target_values_of(store)
    saved = record(repo)
    for statement in ("UPDATE target_values SET value = 1", "DELETE FROM target_values"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as conn:
                conn.execute(sa.text(statement))
    assert repo.values() == [saved]


def test_target_11_refuses_records_and_is_computed_per_year(store):
    repo = target_values_of(store)
    with pytest.raises(Invalid) as exc:
        record(repo, target=11, part="ntm_communes", value=30)
    assert list(exc.value.details) == ["target"]
    assert repo.history() == []
    record(repo, year=2021, value=6.5)  # a later year recorded: every target's table runs to it
    features = [commune("a", 2016), commune("b", 2018), commune("c", 2018), commune("d", 2021),
                commune("e", 2017, status="implementation"),  # not reached: not counted
                {**commune("f", 2016), "properties": {**commune("f", 2016)["properties"], "sector": "transport.road"}}]
    progress = targets.progress_by_year(DOC, repo.records(), features)
    assert progress["years"] == [2016, 2017, 2018, 2019, 2020, 2021]
    by_year = cells(progress, 11)
    assert [by_year[y]["value"] for y in progress["years"]] == [1, 1, 3, 3, 3, 4]
    assert {c["period"] for c in by_year.values()} == {"computed"}
    assert not any(c["met"] for c in by_year.values())  # 36 communes is the target
    all_communes = [commune(f"x{i}", 2019) for i in range(36)]
    assert cells(targets.progress_by_year(DOC, [], all_communes), 11)[2019]["met"] is True
    assert cells(targets.progress_by_year(DOC, [], all_communes), 11)[2018]["met"] is False


def test_values_written_in_the_targets_file_count_as_the_first_records(store):
    doc = copy.deepcopy(DOC)
    doc["targets"][7]["values"] = [{"year": 2017, "period": "year", "part": "trained_workers", "value": 70,
                                    "source": "Báo cáo năm 2017"}]
    repo = TargetValues(store, doc)
    assert [(r["initial"], r["source"], r["value"]) for r in repo.values()] == [(True, "Báo cáo năm 2017", 70)]
    record(repo, target=8, part="trained_workers", year=2017, value=71.5)
    history = repo.history(8)
    assert [(h["initial"], h["current"], h["value"]) for h in history] == [(False, True, 71.5), (True, False, 70)]
    assert repo.values()[0]["value"] == 71.5


def test_nothing_invalid_is_stored(store):
    repo = target_values_of(store)
    with pytest.raises(Invalid) as exc:
        record(repo, year=2015, value=float("nan"), source=" ")
    assert set(exc.value.details) == {"year", "value", "source"}
    assert repo.history() == []


# -- the rules of a record (no store) ------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"target": 99}, "target"),
    ({"target": "1"}, "target"),
    ({"part": "sector_1"}, "part"),  # a part of another target
    ({"year": 2015}, "year"),
    ({"year": dt.date.today().year + 2}, "year"),
    ({"year": "2018"}, "year"),
    ({"year": True}, "year"),
    ({"period": "H2"}, "period"),
    ({"value": float("inf")}, "value"),
    ({"value": "7.9"}, "value"),
    ({"value": True}, "value"),
    ({"value": 10 ** 400}, "value"),
    ({"value": None}, "value"),
    ({"source": ""}, "source"),
    ({"source": "   "}, "source"),
    ({"source": "x" * 501}, "source"),
    ({"source": "a\x00b"}, "source"),
    ({"note": "x" * 2001}, "note"),
    ({"note": ["a"]}, "note"),
    ({"user": ""}, "user"),
])
def test_invalid_records_name_the_field(changes, field):
    fields = {"target": 1, "part": "grdp_growth", "year": 2018, "period": "year", "value": 7.9, "source": "Báo cáo",
              "note": None, "user": ADMIN, **changes}
    with pytest.raises(Invalid) as exc:
        targets.clean_record(DOC, **fields)
    assert list(exc.value.details) == [field]


def test_the_limits_themselves_are_accepted():
    ok = targets.clean_record(DOC, target=5, part="investment_total", year=targets.this_year(), period="H1",
                              value=-280000, source="x" * 500, note="y" * 2000, user=ADMIN)
    assert ok["value"] == -280000.0 and ok["period"] == "H1"
    assert targets.clean_record(DOC, target=1, part="grdp_growth", year=2016, period="year", value=0,
                                source="s", user=ADMIN)["note"] is None


@pytest.mark.parametrize("text, value", [("7.5", 7.5), ("7,5", 7.5), (" 280000 ", 280000.0), ("-1,25", -1.25),
                                         ("0.125", 0.125), ("93", 93.0)])
def test_numbers_typed_with_a_point_or_a_comma(text, value):
    assert targets.parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "280.000", "1,234", "1.234,5", "7.5%", "1e5", "nan"])
def test_ambiguous_or_malformed_numbers_are_refused(text):
    with pytest.raises(ValueError):
        targets.parse_number(text)


# -- target vs actual by year ------------------------------------------------------------------------------

def rec(number, part, year, value, period="year", source="Báo cáo"):
    return {"target": number, "part": part, "year": year, "period": period, "value": value, "source": source,
            "note": None, "user": ADMIN, "recorded_at": "2026-01-01T00:00:00Z", "initial": False, "id": None}


def test_by_year_judges_ranges_first_halves_totals_and_the_structure():
    records = [rec(1, "grdp_growth", 2017, 7.4), rec(1, "grdp_growth", 2018, 7.5), rec(1, "grdp_growth", 2019, 9.0),
               rec(1, "grdp_growth", 2020, 7.0, "H1"),
               *[rec(4, "exports", y, 2.0) for y in (2016, 2017, 2018, 2019, 2020)],
               *[rec(4, "imports", y, 1.0) for y in (2016, 2017, 2018, 2019)],
               rec(3, "sector_1", 2018, 9.1), rec(5, "investment_share", 2018, 55)]
    progress = targets.progress_by_year(DOC, records, [], "en")
    t1 = cells(progress, 1)
    assert [t1[y]["met"] for y in (2016, 2017, 2018, 2019, 2020)] == [None, False, True, True, None]
    assert t1[2020]["period"] == "H1" and t1[2020]["value"] == 7.0  # a first half is shown, not judged
    exports = cells(progress, 4, "exports")
    assert [exports[y]["cumulative"] for y in range(2016, 2021)] == [2, 4, 6, 8, 10]
    assert [exports[y]["met"] for y in range(2016, 2021)] == [None, None, None, None, False]  # 10 < 11 billion USD
    imports = cells(progress, 4, "imports")
    assert imports[2019]["cumulative"] == 4 and imports[2019]["met"] is True  # 4 >= 3.8: reached before 2020
    assert cells(progress, 3, "sector_1")[2018]["met"] is None and target(progress, 3)["judged"] is False
    assert cells(progress, 5, "investment_share")[2018]["met"] is True  # a share in a range, not a total
    assert target(progress, 1)["recorded"] == 4 and target(progress, 2)["recorded"] == 0
    assert progress["recorded_values"] == 4 + 9 + 2
    assert target(progress, 1)["text"].startswith("Gross regional") and progress["years"] == list(range(2016, 2021))
    json.dumps(progress)


def test_a_report_sees_only_the_periods_ended_by_its_end():
    records = [rec(8, "trained_workers", 2018, 77, "H1"), rec(8, "trained_workers", 2018, 79),
               rec(8, "trained_workers", 2021, 81)]
    mid = targets.progress_by_year(DOC, records, [commune("a", 2017)], until=dt.date(2018, 6, 30))
    assert mid["years"] == [2016, 2017, 2018]
    assert cells(mid, 8)[2018]["value"] == 77 and cells(mid, 8)[2018]["period"] == "H1"
    assert cells(mid, 11)[2017]["value"] == 1 and cells(mid, 11)[2018]["value"] is None  # 2018 not over yet
    later = targets.progress_by_year(DOC, records, [], until=dt.date(2019, 12, 31))
    assert cells(later, 8)[2018]["value"] == 79 and later["years"][-1] == 2019  # not beyond the report
    assert targets.progress_by_year(DOC, records, [])["years"][-1] == 2021


def test_recorded_values_reach_the_summary_through_with_values():
    records = [rec(1, "grdp_growth", 2018, 7.4), rec(1, "grdp_growth", 2018, 7.8)]
    doc = targets.with_values(DOC, records)
    assert targets.check_targets(doc) == []
    t1 = targets.summarise_targets(doc, [], "en")["targets"][0]
    assert t1["latest"]["grdp_growth"]["value"] == 7.8 and len(t1["values"]) == 1
    assert DOC["targets"][0]["values"] == []  # the definition is left as it was


# -- the web: pages, rights, CSRF, the form and the JSON API ------------------------------------------------

@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        acc = accounts_of(get_store())
        acc.create_user(ADMIN, DIGEST, "admin", "so-khdt", "Admin KHDT")
        acc.create_user(EDITOR, DIGEST, "editor", "so-gtvt", "Editor GTVT")
        acc.create_user(VIEWER, DIGEST, "viewer", "so-khdt")
    return app


def csrf_of(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(app, email):
    c = app.test_client()
    token = csrf_of(c, "/login")
    assert c.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return c


@pytest.fixture
def admin(app):
    return signed_in(app, ADMIN)


def stored(app):
    with app.app_context():
        from gis.web import get_store

        return target_values_of(get_store()).history()


def form(client, number=1, **changes):
    data = {"csrf_token": csrf_of(client, f"/targets/{number}/record"), "part": "grdp_growth", "year": "2018",
            "period": "year", "value": "7,9", "source": "Báo cáo số 250/BC-UBND", "note": "năm 2018"}
    return {**data, **changes}


def test_anonymous_visitors_are_sent_to_sign_in_and_cannot_record(app):
    c = app.test_client()
    resp = c.get("/targets/1/record")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    token = csrf_of(c, "/login")
    resp = c.post("/targets/1/record", data={"csrf_token": token, "part": "grdp_growth", "year": "2018",
                                             "period": "year", "value": "7.9", "source": "x"})
    assert resp.status_code == 401
    assert stored(app) == []


@pytest.mark.parametrize("email", [EDITOR, VIEWER])
def test_editors_and_viewers_cannot_record(app, email):
    c = signed_in(app, email)
    assert c.get("/targets/1/record").status_code == 403
    token = csrf_of(c, "/targets")  # the sign-out form of every page carries one
    resp = c.post("/targets/1/record", data={"csrf_token": token, "part": "grdp_growth", "year": "2018",
                                             "period": "year", "value": "7.9", "source": "x"})
    assert resp.status_code == 403
    assert "Record a value" not in c.get("/targets/1?lang=en").get_data(as_text=True)
    assert stored(app) == []


def test_the_form_needs_its_csrf_token(app, admin):
    data = form(admin)
    del data["csrf_token"]
    assert admin.post("/targets/1/record", data=data).status_code == 400
    assert stored(app) == []


def test_an_admin_records_a_value_and_every_page_shows_it(app, admin):
    resp = admin.post("/targets/1/record", data=form(admin))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/targets/1?saved=1")
    [saved] = stored(app)
    assert (saved["value"], saved["user"], saved["note"]) == (7.9, ADMIN, "năm 2018")
    page = admin.get("/targets/1?saved=1&lang=vi").get_data(as_text=True)
    assert 'data-saved="1"' in page and "Báo cáo số 250/BC-UBND" in page and ADMIN in page
    cell = 'data-year="2018" data-value="7.9" data-met="true"'
    for url in ("/targets?lang=vi", "/dashboard?lang=vi"):
        html = app.test_client().get(url).get_data(as_text=True)  # public pages
        tbody = re.search(r'<tbody data-target="1">.*?</tbody>', html, re.S).group(0)
        assert cell in tbody and "7,9" in tbody, url
    api = app.test_client().get("/api/targets?lang=en").get_json()
    assert cells(api, 1)[2018]["value"] == 7.9 and cells(api, 1)[2018]["met"] is True
    assert app.test_client().get("/api/targets/1").get_json()["history"][0]["source"] == "Báo cáo số 250/BC-UBND"


def test_a_correction_through_the_form_keeps_the_first_record(app, admin):
    admin.post("/targets/1/record", data=form(admin, value="7.4"))
    admin.post("/targets/1/record", data=form(admin, value="7.6", source="Báo cáo điều chỉnh"))
    html = admin.get("/targets/1?lang=en").get_data(as_text=True)
    assert html.count('data-current="true"') == 1 and html.count('data-current="false"') == 1
    assert "replaced by a later record" in html
    tbody = re.search(r'<tbody data-target="1">.*?</tbody>', html, re.S).group(0)
    assert 'data-value="7.6"' in tbody and 'data-value="7.4"' not in tbody


@pytest.mark.parametrize("changes, field", [
    ({"value": "a lot"}, "value"),
    ({"value": "280.000"}, "value"),
    ({"value": ""}, "value"),
    ({"year": "20x8"}, "year"),
    ({"year": "2015"}, "year"),
    ({"period": "H2"}, "period"),
    ({"part": "exports"}, "part"),
    ({"source": "  "}, "source"),
    ({"note": "x" * 2001}, "note"),
])
def test_invalid_form_values_are_refused_with_the_field_named(app, admin, changes, field):
    resp = admin.post("/targets/1/record", data=form(admin, **changes))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert f'data-error-for="{field}"' in html
    assert 'value="Báo cáo số 250/BC-UBND"' in html or field == "source"  # what was typed is kept
    assert stored(app) == []


def test_target_11_takes_no_typed_value(app, admin):
    assert 'name="value"' not in admin.get("/targets/11/record").get_data(as_text=True)
    resp = admin.post("/targets/11/record", data=form(admin, part="ntm_communes", value="30"))
    assert resp.status_code == 422 and 'data-error-for="target"' in resp.get_data(as_text=True)
    assert stored(app) == []
    html = app.test_client().get("/targets/11?lang=en").get_data(as_text=True)
    assert "Record a value" not in html and "computed from the commune data" in html.lower()


def test_unknown_targets_are_404(app, admin):
    for url in ("/targets/14", "/targets/0/record", "/api/targets/99"):
        assert admin.get(url).status_code == 404, url


def test_user_values_are_escaped(app, admin):
    evil = "<script>alert(1)</script>"
    assert admin.post("/targets/1/record", data=form(admin, source=evil, note=evil)).status_code == 302
    html = app.test_client().get("/targets/1").get_data(as_text=True)
    assert "<script>alert" not in html and html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def make_token(client):
    token = csrf_of(client, "/account/tokens")
    html = client.post("/account/tokens", data={"csrf_token": token, "label": "targets"}).get_data(as_text=True)
    return re.search(r'<code class="new-token">([^<]+)</code>', html).group(1)


def post_json(client, number, body, token=None, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(f"/api/targets/{number}/values", data=data, headers=headers)


def test_the_json_api_records_with_an_admin_token(app, admin):
    anon, token = app.test_client(), make_token(admin)
    editor_token = make_token(signed_in(app, EDITOR))
    body = {"part": "clean_water", "year": 2019, "value": 84.5, "source": "Báo cáo năm 2019"}
    assert post_json(anon, 12, body).status_code == 401
    assert post_json(anon, 12, body, token="ctk_forged").status_code == 401
    assert post_json(admin, 12, body).status_code == 401  # a session cookie alone never writes through the API
    assert post_json(anon, 12, body, token=editor_token).status_code == 403
    assert post_json(anon, 12, "{not json", token=token).status_code == 400
    assert post_json(anon, 12, [body], token=token).status_code == 400
    assert post_json(anon, 12, {**body, "extra": 1}, token=token).status_code == 400
    assert post_json(anon, 12, body, token=token, content_type="text/plain").status_code == 415
    bad = post_json(anon, 12, {**body, "value": "84,5"}, token=token)
    assert bad.status_code == 422 and list(bad.get_json()["details"]) == ["value"]
    computed = post_json(anon, 11, {"year": 2019, "value": 30, "source": "x"}, token=token)
    assert computed.status_code == 422 and "target" in computed.get_json()["details"]
    assert post_json(anon, 99, body, token=token).status_code == 404
    assert stored(app) == []
    ok = post_json(anon, 12, body, token=token)
    assert ok.status_code == 201 and ok.headers["Location"].endswith("/api/targets/12")
    assert ok.get_json()["value"] == 84.5 and ok.get_json()["period"] == "year" and ok.get_json()["user"] == ADMIN
    listed = anon.get("/api/targets").get_json()
    assert cells(listed, 12, "clean_water")[2019]["value"] == 84.5
    assert cells(listed, 12, "clean_water")[2019]["met"] is True  # 84.5 >= 83
    assert [h["id"] for h in anon.get(ok.headers["Location"]).get_json()["history"]] == [ok.get_json()["id"]]


def test_a_published_report_shows_the_values_of_its_period(app, admin):
    admin.post("/targets/1/record", data=form(admin, year="2017", value="7.7"))
    admin.post("/targets/1/record", data=form(admin, year="2019", value="8.2"))
    html = app.test_client().get("/reports/2018?lang=vi").get_data(as_text=True)
    tbody = re.search(r'<tbody data-target="1">.*?</tbody>', html, re.S).group(0)
    assert 'data-year="2017" data-value="7.7"' in tbody and 'data-year="2019"' not in tbody
    assert html.count('data-target="') == 13
