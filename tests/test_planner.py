"""The planners' side, specified through HTTP: accounts, rights, CSRF, conflicts, history,
restore, archive, API tokens and PATCH, throttling. Runs on both store backends."""
import json
import re
import subprocess
import os

import pytest

from app import create_app
from gis import accounts
from gis.store.accounts import accounts_of

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "a long test passphrase"
ROAD = "ql91-km0-km7-upgrade"          # lead agency so-gtvt
BRIDGE = "vam-cong-bridge"             # lead agency bo-gtvt
DIGEST = accounts.hash_password(PASSWORD)  # scrypt is slow on purpose: hash once for the module


@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        acc = accounts_of(get_store())
        digest = DIGEST
        acc.create_user("editor@sogtvt.cantho.gov.vn", digest, "editor", "so-gtvt", "Editor GTVT")
        acc.create_user("admin@sokhdt.cantho.gov.vn", digest, "admin", "so-khdt", "Admin KHDT")
        acc.create_user("viewer@sogtvt.cantho.gov.vn", digest, "viewer", "so-gtvt")
        acc.create_user("editor@sovhttdl.cantho.gov.vn", digest, "editor", "so-vhttdl")
    return app


def csrf_of(client, url):
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, email, password=PASSWORD):
    token = csrf_of(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def editor(app):
    c = app.test_client()
    assert sign_in(c, "editor@sogtvt.cantho.gov.vn").status_code == 302
    return c


@pytest.fixture
def admin(app):
    c = app.test_client()
    assert sign_in(c, "admin@sokhdt.cantho.gov.vn").status_code == 302
    return c


def edit_form(client, pid, **changes):
    html = client.get(f"/projects/{pid}/edit").get_data(as_text=True)
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}
    current = client.get(f"/api/projects/{pid}").get_json()["properties"]
    for field in ("status", "progress", "planned_start", "planned_end", "actual_start", "actual_end",
                  "investment_vnd", "disbursed_vnd", "description_vi", "description_en"):
        value = current.get(field)
        data[field] = "" if value is None else str(value)
    data["sources"] = "\n".join(current["sources"])
    data["note"] = "test"
    data.update({k: str(v) for k, v in changes.items()})
    return data


# -- accounts -----------------------------------------------------------------------------------

def test_users_cli_prompts_for_the_password_and_stores_only_a_scrypt_hash(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "New@Sogtvt.cantho.gov.vn", "--role", "editor",
                                 "--agency", "so-gtvt"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    listed = runner.invoke(args=["users", "list"]).output
    assert "new@sogtvt.cantho.gov.vn\teditor\tso-gtvt\tactive" in listed
    with app.app_context():
        from gis.web import get_store

        user, digest = accounts_of(get_store()).find_user("new@sogtvt.cantho.gov.vn")
    assert digest.startswith("scrypt:") and PASSWORD not in digest
    assert runner.invoke(args=["users", "disable", "--email", "new@sogtvt.cantho.gov.vn"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    c = app.test_client()
    assert sign_in(c, "new@sogtvt.cantho.gov.vn").status_code == 401


def test_users_cli_rejects_weak_passwords_and_editors_without_agency(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["users", "create", "--email", "a@b.vn", "--role", "editor"], input="x" * 12 + "\n" + "x" * 12 + "\n")
    assert r.exit_code == 1 and "agency" in r.output
    r = runner.invoke(args=["users", "create", "--email", "a@b.vn", "--role", "admin"], input="short\nshort\n")
    assert r.exit_code == 1 and "password" in r.output


def test_sign_in_sets_a_safe_session_cookie_and_api_me_answers(app):
    c = app.test_client()
    assert c.get("/api/me").status_code == 401
    resp = sign_in(c, "editor@sogtvt.cantho.gov.vn")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    me = c.get("/api/me").get_json()
    assert me["email"] == "editor@sogtvt.cantho.gov.vn" and me["role"] == "editor" and me["agency"] == "so-gtvt"
    https = app.test_client()
    token = csrf_of(https, "https://localhost/login")
    resp = https.post("https://localhost/login", data={"email": "admin@sokhdt.cantho.gov.vn", "password": PASSWORD,
                                                        "csrf_token": token},
                      headers={"Referer": "https://localhost/login"})  # CSRF checks the referrer over HTTPS
    assert "Secure" in resp.headers["Set-Cookie"]


def test_sign_in_starts_a_fresh_session(app):
    c = app.test_client()
    c.get("/login")
    with c.session_transaction() as s:
        s["planted"] = "by an attacker"
    sign_in(c, "editor@sogtvt.cantho.gov.vn")
    with c.session_transaction() as s:
        assert "planted" not in s


def test_sign_out_needs_csrf_and_ends_the_session(editor):
    assert editor.post("/logout").status_code == 400
    token = csrf_of(editor, "/planner")
    assert editor.post("/logout", data={"csrf_token": token}).status_code == 302
    assert editor.get("/api/me").status_code == 401


def test_five_failures_in_15_minutes_throttle_the_account_and_the_address(app):
    c = app.test_client()
    for _ in range(5):
        assert sign_in(c, "editor@sogtvt.cantho.gov.vn", "wrong password!").status_code == 401
    resp = sign_in(c, "editor@sogtvt.cantho.gov.vn")  # even the right password now waits
    assert resp.status_code == 429 and "15" in resp.get_data(as_text=True)
    other = app.test_client()  # same address (127.0.0.1), another account
    assert sign_in(other, "admin@sokhdt.cantho.gov.vn").status_code == 429
    far = app.test_client()
    token = csrf_of(far, "/login")
    resp = far.post("/login", data={"email": "admin@sokhdt.cantho.gov.vn", "password": PASSWORD, "csrf_token": token},
                    environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert resp.status_code == 302  # another address, another account: not throttled


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_the_throttle_counts_each_visitor(store_url, proxies):
    """TRUSTED_PROXIES=1 (deploy/nginx/): the visitor's X-Forwarded-For address is the one throttled, so one
    visitor's failures do not lock out everyone behind the proxy; with 0 the header is not believed."""
    app = create_app({"TESTING": True, "DATABASE_URL": store_url, "TRUSTED_PROXIES": proxies})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        acc = accounts_of(get_store())
        acc.create_user("editor@sogtvt.cantho.gov.vn", DIGEST, "editor", "so-gtvt", "Editor GTVT")
        acc.create_user("admin@sokhdt.cantho.gov.vn", DIGEST, "admin", "so-khdt", "Admin KHDT")

    def attempt(visitor, email, password):
        c = app.test_client()
        via = {"environ_base": {"REMOTE_ADDR": "10.0.0.2"}, "headers": {"X-Forwarded-For": visitor}}
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login", **via).get_data(as_text=True)).group(1)
        return c.post("/login", data={"email": email, "password": password, "csrf_token": token}, **via).status_code

    for _ in range(5):
        assert attempt("203.0.113.5", "editor@sogtvt.cantho.gov.vn", "wrong password!") == 401
    assert attempt("198.51.100.7", "admin@sokhdt.cantho.gov.vn", PASSWORD) == (302 if proxies else 429)


def test_no_default_account_exists(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    app.test_cli_runner().invoke(args=["seed"])
    with app.app_context():
        from gis.web import get_store

        assert accounts_of(get_store()).list_users() == []


# -- rights on every write endpoint ---------------------------------------------------------------

WRITES = [
    ("post", f"/projects/{ROAD}/edit"), ("post", f"/projects/{ROAD}/geometry"), ("post", "/projects/new"),
    ("post", f"/projects/{ROAD}/archive"), ("post", f"/projects/{ROAD}/restore/1"), ("post", "/account/tokens"),
    ("post", "/planner/feedback"),
]


@pytest.mark.parametrize("method, url", WRITES)
def test_anonymous_writes_are_refused(app, method, url):
    c = app.test_client()
    token = csrf_of(c, "/login")
    resp = getattr(c, method)(url, data={"csrf_token": token, "version": "1", "note": "x"})
    assert resp.status_code == 401
    assert c.get(url.replace("/archive", "/edit").replace("/restore/1", "/edit")).status_code in (302, 401, 405)


@pytest.mark.parametrize("method, url", WRITES + [("post", f"/projects/{ROAD}/feedback"), ("post", "/login")])
def test_writes_without_csrf_token_get_400(editor, method, url):
    resp = getattr(editor, method)(url, data={"version": "1", "note": "x", "message": "hello there"})
    assert resp.status_code == 400


def test_editors_cannot_edit_other_agencies_projects(editor):
    assert editor.get(f"/projects/{BRIDGE}/edit").status_code == 403
    token = csrf_of(editor, f"/projects/{ROAD}/edit")
    for url in (f"/projects/{BRIDGE}/edit", f"/projects/{BRIDGE}/geometry", f"/projects/{BRIDGE}/archive"):
        resp = editor.post(url, data={"csrf_token": token, "version": "1", "note": "x", "status": "completion",
                                      "geometry": '{"type":"Point","coordinates":[105.5,10.3]}'})
        assert resp.status_code == 403, url
    assert editor.post(f"/projects/{ROAD}/restore/1", data={"csrf_token": token, "version": "1"}).status_code == 403


def test_viewers_cannot_edit(app):
    c = app.test_client()
    sign_in(c, "viewer@sogtvt.cantho.gov.vn")
    assert c.get(f"/projects/{ROAD}/edit").status_code == 403


# -- editing, history, conflicts -----------------------------------------------------------------

def test_an_editor_updates_a_project_and_the_history_records_it(editor):
    data = edit_form(editor, ROAD, status="implementation", progress="35", note="Báo cáo quý 4/2026: 35%")
    resp = editor.post(f"/projects/{ROAD}/edit", data=data)
    assert resp.status_code == 302
    feature = editor.get(f"/api/projects/{ROAD}").get_json()
    assert feature["properties"]["progress"] == 35 and feature["properties"]["version"] == 2
    page = editor.get(f"/projects/{ROAD}").get_data(as_text=True)
    assert "Báo cáo quý 4/2026: 35%" in page and "editor@sogtvt.cantho.gov.vn" in page
    history = editor.get("/history?agency=so-gtvt").get_data(as_text=True)
    assert f'data-project-id="{ROAD}"' in history


@pytest.mark.parametrize("changes, field", [
    ({"progress": "150"}, "progress"),
    ({"progress": "a lot"}, "progress"),
    ({"status": "finished"}, "status"),
    ({"status": "completion", "actual_end": ""}, "actual_end"),
    ({"planned_start": "2027-01-01", "planned_end": "2026-01-01"}, "planned_end"),
    ({"actual_start": "22/09/2025"}, "actual_start"),
    ({"note": ""}, "note"),
    ({"sources": ""}, "sources"),
])
def test_invalid_values_are_refused_with_the_field_named_and_nothing_saved(editor, changes, field):
    data = edit_form(editor, ROAD, **changes)
    resp = editor.post(f"/projects/{ROAD}/edit", data=data)
    assert resp.status_code == 422
    assert f'data-error-for="{field}"' in resp.get_data(as_text=True)
    assert editor.get(f"/api/projects/{ROAD}").get_json()["properties"]["version"] == 1


def test_a_stale_form_is_refused_with_409_and_shows_both_values(app, editor):
    other = app.test_client()
    sign_in(other, "admin@sokhdt.cantho.gov.vn")
    first = edit_form(editor, ROAD, progress="40", note="mine")
    second = edit_form(other, ROAD, progress="55", note="theirs")
    assert other.post(f"/projects/{ROAD}/edit", data=second).status_code == 302
    resp = editor.post(f"/projects/{ROAD}/edit", data=first)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert 'data-conflict="1"' in html and 'data-differs="progress"' in html
    row = re.search(r'data-differs="progress".*?</tr>', html, re.S).group(0)
    assert "55" in row and "40" in row
    assert editor.get(f"/api/projects/{ROAD}").get_json()["properties"]["progress"] == 55


def test_an_admin_restores_an_earlier_version_as_a_new_history_entry(app, editor, admin):
    before = editor.get(f"/api/projects/{ROAD}").get_json()["properties"]
    editor.post(f"/projects/{ROAD}/edit", data=edit_form(editor, ROAD, progress="60", note="over-reported"))
    token = csrf_of(admin, f"/projects/{ROAD}")
    resp = admin.post(f"/projects/{ROAD}/restore/1", data={"csrf_token": token, "version": "2", "note": "wrong figure"})
    assert resp.status_code == 302
    after = admin.get(f"/api/projects/{ROAD}").get_json()["properties"]
    assert after["progress"] == before["progress"] and after["version"] == 3
    html = admin.get(f"/projects/{ROAD}").get_data(as_text=True)
    assert 'data-action="restore"' in html and "wrong figure (restored version 1)" in html


def test_archiving_hides_a_project_from_the_public_list_but_keeps_it(editor):
    token = csrf_of(editor, f"/projects/{ROAD}")
    resp = editor.post(f"/projects/{ROAD}/archive", data={"csrf_token": token, "version": "1", "archived": "1",
                                                          "note": "merged into another project"})
    assert resp.status_code == 302
    ids = {f["id"] for f in editor.get("/api/projects").get_json()["features"]}
    assert ROAD not in ids
    assert editor.get(f"/api/projects/{ROAD}").get_json()["properties"]["archived"] is True


def test_geometry_edits_are_validated_and_kept_in_history(editor):
    html = editor.get(f"/projects/{ROAD}/geometry").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    old = editor.get(f"/api/projects/{ROAD}").get_json()["geometry"]
    bad = [('{"type": "Point", "coordinates": [10.05, 105.75]}', "swapped"),
           ('{"type": "Polygon", "coordinates": [[[105.7,10.0],[105.8,10.0],[105.8,10.1],[105.7,10.1],[105.7,10.0]]]}',
            "not allowed for sector"), ("not json", "GeoJSON")]
    for text, fragment in bad:
        resp = editor.post(f"/projects/{ROAD}/geometry", data={"csrf_token": token, "version": "1",
                                                                "geometry": text, "note": "move"})
        assert resp.status_code == 422 and fragment in resp.get_data(as_text=True), text
    line = {"type": "LineString", "coordinates": [[105.779, 10.043], [105.76, 10.06], [105.73, 10.09]]}
    resp = editor.post(f"/projects/{ROAD}/geometry", data={"csrf_token": token, "version": "1",
                                                            "geometry": json.dumps(line), "note": "surveyed route"})
    assert resp.status_code == 302
    assert editor.get(f"/api/projects/{ROAD}").get_json()["geometry"] == line
    with editor.application.app_context():
        from gis.web import get_store

        entry = get_store().history(ROAD, limit=1)[0]
    assert entry.changes["geometry"] == [old, line]


def test_new_projects_are_validated_and_editors_create_only_for_their_agency(editor):
    token = csrf_of(editor, "/projects/new")
    feature = {"type": "Feature", "id": "cau-tran-hoang-na-2", "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
               "properties": {"id": "cau-tran-hoang-na-2", "name_vi": "Cầu Trần Hoàng Na 2", "name_en": "Tran Hoang Na 2 bridge",
                              "sector": "transport.road", "status": "preparation", "lead_agency": "so-gtvt",
                              "location_accuracy": "approximate", "sources": ["Quyết định (test)"]}}
    resp = editor.post("/projects/new", data={"csrf_token": token, "feature": json.dumps(feature), "note": "new"})
    assert resp.status_code == 302
    other = dict(feature, id="x-2", properties=dict(feature["properties"], id="x-2", lead_agency="bo-gtvt"))
    assert editor.post("/projects/new", data={"csrf_token": token, "feature": json.dumps(other), "note": "n"}).status_code == 403
    broken = dict(feature, id="x-3", properties=dict(feature["properties"], id="x-3", status="done"))
    resp = editor.post("/projects/new", data={"csrf_token": token, "feature": json.dumps(broken), "note": "n"})
    assert resp.status_code == 422 and "status" in resp.get_data(as_text=True)


def test_history_is_filterable_and_has_an_atom_feed_newest_first(editor):
    editor.post(f"/projects/{ROAD}/edit", data=edit_form(editor, ROAD, progress="10", note="first"))
    editor.post(f"/projects/{ROAD}/edit", data=edit_form(editor, ROAD, progress="20", note="second"))
    resp = editor.get("/history.atom?agency=so-gtvt")
    assert resp.mimetype == "application/atom+xml"
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(resp.data)
    summaries = [e.find("a:summary", ns).text for e in root.findall("a:entry", ns)]
    assert summaries[0].startswith("second") and summaries[1].startswith("first")
    assert editor.get("/history?user=nobody-like-this").get_data(as_text=True).count('class="timeline-entry"') == 0
    assert editor.get("/history?from=yesterday").status_code == 400 or editor.get("/history?from=yesterday").status_code == 422


# -- API tokens and PATCH --------------------------------------------------------------------------

def make_token(client):
    token = csrf_of(client, "/account/tokens")
    html = client.post("/account/tokens", data={"csrf_token": token, "label": "GIS sync"}).get_data(as_text=True)
    return re.search(r'<code class="new-token">([^<]+)</code>', html).group(1)


def patch(client, pid, body, token=None, if_match=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if if_match:
        headers["If-Match"] = if_match
    return client.patch(f"/api/projects/{pid}", data=json.dumps(body), headers=headers)


def test_tokens_are_shown_once_and_only_their_hash_is_stored(app, editor):
    token = make_token(editor)
    assert token.startswith("ctk_")
    assert token not in editor.get("/account/tokens").get_data(as_text=True)
    with app.app_context():
        from gis.web import get_store
        import sqlalchemy as sa

        with get_store().engine.connect() as conn:
            stored = [r[0] for r in conn.execute(sa.text("SELECT token_hash FROM api_tokens"))]
    assert stored == [accounts.hash_token(token)]


def test_patch_with_a_token_follows_the_same_rules_and_history(app, editor):
    token = make_token(editor)
    anon = app.test_client()
    body = {"properties": {"progress": 45}, "note": "Báo cáo tiến độ"}
    assert patch(anon, ROAD, body).status_code == 401
    assert patch(anon, ROAD, body, token="ctk_forged", if_match='"1"').status_code == 401
    assert patch(anon, ROAD, body, token=token).status_code == 428
    assert patch(anon, BRIDGE, body, token=token, if_match='"1"').status_code == 403
    resp = patch(anon, ROAD, {"properties": {"progress": 145}, "note": "x"}, token=token, if_match='"1"')
    assert resp.status_code == 422 and "progress" in resp.get_json()["details"]
    assert patch(anon, ROAD, {"properties": {"progress": 45}}, token=token, if_match='"1"').status_code == 422
    ok = patch(anon, ROAD, body, token=token, if_match='"1"')
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"' and ok.get_json()["properties"]["progress"] == 45
    assert patch(anon, ROAD, body, token=token, if_match='"1"').status_code == 412
    with app.app_context():
        from gis.web import get_store

        entry = get_store().history(ROAD, limit=1)[0]
    assert entry.user == "editor@sogtvt.cantho.gov.vn" and entry.note == "Báo cáo tiến độ"
    assert entry.changes == {"progress": [None, 45]} or entry.changes["progress"][1] == 45


def test_a_session_cookie_alone_cannot_patch(editor):
    resp = editor.patch(f"/api/projects/{ROAD}", data=json.dumps({"properties": {"progress": 5}, "note": "x"}),
                        headers={"Content-Type": "application/json", "If-Match": '"1"'})
    assert resp.status_code == 401


def test_revoked_tokens_stop_working(app, editor):
    token = make_token(editor)
    html = editor.get("/account/tokens").get_data(as_text=True)
    token_id = re.search(r'data-token-id="(\d+)"', html).group(1)
    editor.post("/account/tokens", data={"csrf_token": csrf_of(editor, "/account/tokens"), "revoke": token_id})
    resp = patch(app.test_client(), ROAD, {"properties": {"progress": 5}, "note": "x"}, token=token, if_match='"1"')
    assert resp.status_code == 401


def test_oversized_bodies_get_413(app, editor):
    token = make_token(editor)
    body = {"properties": {"description_en": "x" * 1_100_000}, "note": "big"}
    assert patch(app.test_client(), ROAD, body, token=token, if_match='"1"').status_code == 413


def test_nothing_in_the_repository_holds_a_usable_password_or_token():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    pattern = re.compile(r"ctk_[A-Za-z0-9_-]{30,}|scrypt:\d+:\d+:\d+\$|pbkdf2:sha256:\d+\$")
    for name in files:
        path = os.path.join(ROOT, name)
        if not os.path.isfile(path) or os.path.getsize(path) > 2_000_000:
            continue
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "ignore")
        assert not pattern.search(text), name


def test_drafts_are_seen_only_by_their_agency_and_admins(app, editor, admin):
    token = csrf_of(editor, "/projects/new")
    feature = {"type": "Feature", "id": "ben-xe-moi", "geometry": {"type": "Point", "coordinates": [105.76, 10.02]},
               "properties": {"id": "ben-xe-moi", "name_vi": "Bến xe mới (dự thảo)", "name_en": "New bus station (draft)",
                              "sector": "transport.road", "status": "identification", "lead_agency": "so-gtvt",
                              "location_accuracy": "indicative", "sources": ["Tờ trình (kiểm thử)"]}}
    resp = editor.post("/projects/new", data={"csrf_token": token, "feature": json.dumps(feature), "note": "dự thảo",
                                              "draft": "1"})
    assert resp.status_code == 302
    public = app.test_client()
    assert public.get("/projects/ben-xe-moi").status_code == 404
    assert public.get("/api/projects/ben-xe-moi").status_code == 404
    assert "ben-xe-moi" not in {f["id"] for f in public.get("/api/projects").get_json()["features"]}
    viewer = app.test_client()
    sign_in(viewer, "viewer@sogtvt.cantho.gov.vn")
    assert viewer.get("/projects/ben-xe-moi").status_code == 200
    assert 'data-project-id="ben-xe-moi"' in viewer.get("/planner").get_data(as_text=True)
    other = app.test_client()
    sign_in(other, "editor@sovhttdl.cantho.gov.vn")
    assert other.get("/projects/ben-xe-moi").status_code == 404
    assert admin.get("/api/projects/ben-xe-moi").status_code == 200
    # publishing makes it public
    token = csrf_of(editor, "/projects/ben-xe-moi")
    editor.post("/projects/ben-xe-moi/archive", data={"csrf_token": token, "version": "1", "archived": "0",
                                                      "note": "công bố"})
    assert public.get("/api/projects/ben-xe-moi").status_code == 200


def test_passwords_and_tokens_never_reach_the_logs(app, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    app.config["TESTING"] = False  # request logs are written outside tests
    try:
        c = app.test_client()
        sign_in(c, "editor@sogtvt.cantho.gov.vn", "wrong password!")
        sign_in(c, "editor@sogtvt.cantho.gov.vn")
        token = make_token(c)
        patch(app.test_client(), ROAD, {"properties": {"progress": 3}, "note": "log test"}, token=token, if_match='"1"')
    finally:
        app.config["TESTING"] = True
    text = caplog.text
    assert '"event": "request"' in text and '"event": "sign-in"' in text and '"event": "sign-in-failed"' in text
    assert PASSWORD not in text and "wrong password!" not in text and token not in text
