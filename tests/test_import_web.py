"""Import through the planners' pages: upload -> preview -> commit, with rights and limits."""
import io
import json
import re
import zipfile

import pytest

from app import create_app
from gis import accounts
from gis.store.accounts import accounts_of

PASSWORD = "a long test passphrase"
DIGEST = accounts.hash_password(PASSWORD)


@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        accounts_of(get_store()).create_user("editor@sogtvt.cantho.gov.vn", DIGEST, "editor", "so-gtvt")
    return app


def csrf_of(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def editor(app):
    c = app.test_client()
    token = csrf_of(c, "/login")
    c.post("/login", data={"email": "editor@sogtvt.cantho.gov.vn", "password": PASSWORD, "csrf_token": token})
    return c


def feature(pid, lead="so-gtvt", name="Cầu Trần Hoàng Na 2"):
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
            "properties": {"id": pid, "name_vi": name, "name_en": "Tran Hoang Na 2 bridge", "sector": "transport.road",
                           "status": "preparation", "lead_agency": lead, "location_accuracy": "approximate",
                           "sources": ["Quyết định (kiểm thử)"]}}


def upload(client, name, data, **form):
    token = csrf_of(client, "/planner/import")
    return client.post("/planner/import", data={"csrf_token": token, "file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def test_upload_preview_commit_writes_valid_features_with_history(app, editor):
    fc = {"type": "FeatureCollection", "features": [feature("cau-thn-2"), feature("cau-khac", lead="bo-gtvt"),
                                                    dict(feature("hong"), geometry=None)]}
    resp = upload(editor, "du-an.geojson", json.dumps(fc, ensure_ascii=False).encode())
    assert resp.status_code == 302
    review = editor.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-valid="1" data-total="3"' in review
    row2 = re.search(r'<tr data-row="2" data-valid="no".*?</tr>', review, re.S)
    assert row2 and "<strong>lead_agency</strong>" in row2.group(0)  # another agency's project
    html = review
    form = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1), "mode": "add",
            "action": "commit", "note": "nhập từ tệp của Sở GTVT"}
    for src in re.findall(r'<select class="form-select form-select-sm" id="map-(\d+)"', html):
        chosen = re.search(rf'id="map-{src}" name="map-{src}">.*?<option value="([^"]*)" selected', html, re.S)
        form[f"map-{src}"] = chosen.group(1) if chosen else ""
    done = editor.post(resp.headers["Location"].split("?")[0], data=form)
    assert done.status_code == 200 and "import-summary" in done.get_data(as_text=True)
    created = editor.get("/api/projects/cau-thn-2")
    assert created.status_code == 200 and created.get_json()["properties"]["name_vi"] == "Cầu Trần Hoàng Na 2"
    assert editor.get("/api/projects/cau-khac").status_code == 404
    with app.app_context():
        from gis.web import get_store

        entry = get_store().history("cau-thn-2")[0]
    assert entry.user == "editor@sogtvt.cantho.gov.vn" and "nhập từ tệp của Sở GTVT" in entry.note


@pytest.mark.parametrize("name, data, fragment", [
    ("empty.geojson", b"", "empty"),
    ("broken.zip", b"PK\x03\x04 not really a zip", "zip"),
    ("notes.txt", "chỉ là văn bản".encode(), ""),
])
def test_bad_files_get_a_clear_4xx_and_change_nothing(app, editor, name, data, fragment):
    before = len(editor.get("/api/projects").get_json()["features"])
    resp = upload(editor, name, data)
    assert 400 <= resp.status_code < 500
    assert fragment.lower() in resp.get_data(as_text=True).lower()
    assert len(editor.get("/api/projects").get_json()["features"]) == before


def test_a_zip_bomb_is_refused(editor):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * (150 * 1024 * 1024))
    resp = upload(editor, "bomb.zip", buf.getvalue())
    assert resp.status_code in (400, 413)


def test_anonymous_and_csrf_less_uploads_are_refused(app, editor):
    anon = app.test_client()
    assert anon.get("/planner/import").status_code == 302
    resp = editor.post("/planner/import", data={"file": (io.BytesIO(b"{}"), "a.geojson")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400


def test_someone_elses_upload_cannot_be_opened(app, editor):
    resp = upload(editor, "a.geojson", json.dumps({"type": "FeatureCollection", "features": [feature("x-1")]}).encode())
    url = resp.headers["Location"]
    with app.app_context():
        from gis.web import get_store

        accounts_of(get_store()).create_user("admin@sokhdt.cantho.gov.vn", DIGEST, "admin", "so-khdt")
    other = app.test_client()
    token = csrf_of(other, "/login")
    other.post("/login", data={"email": "admin@sokhdt.cantho.gov.vn", "password": PASSWORD, "csrf_token": token})
    assert other.get(url).status_code == 404
