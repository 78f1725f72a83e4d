"""The app skeleton: factory, settings, /healthz, /api/projects on both backends."""
import json
import os
import subprocess
import sys

import pytest

from app import create_app
from gis.config import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECTS_FILE = os.path.join(ROOT, "projects.geojson")


def migrations_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from gis.store.sql import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS_DIR)
    return ScriptDirectory.from_config(cfg).get_current_head()


def seed_projects():
    with open(PROJECTS_FILE, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def test_healthz_reports_the_store(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok" and body["store"]["reachable"] is True
    assert body["store"]["schema_revision"] == migrations_head()
    assert "url" not in body["store"] and "path" not in body["store"]  # nothing about the server's files


def test_healthz_is_503_when_the_store_is_unreachable():
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["app"] == "up"
    assert resp.get_json()["store"]["reachable"] is False


def test_api_projects_lists_every_seeded_project(client):
    resp = client.get("/api/projects")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    got = resp.get_json()
    expected = seed_projects()
    assert got["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in got["features"]) == sorted(f["id"] for f in expected["features"])
    assert "Vàm Cống" in resp.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_api_projects_filters_by_status_sector_and_agency(client):
    features = seed_projects()["features"]
    for name in ("status", "sector", "lead_agency"):
        value = features[0]["properties"][name]
        expected = sorted(f["id"] for f in features if f["properties"][name] == value)
        got = client.get(f"/api/projects?{name}={value}").get_json()["features"]
        assert sorted(f["id"] for f in got) == expected, name
        assert 0 < len(expected) < len(features) or name == "lead_agency"


def test_api_projects_filters_combine_and_repeat(client):
    features = seed_projects()["features"]
    expected = sorted(f["id"] for f in features
                      if f["properties"]["status"] in ("maintenance", "implementation")
                      and f["properties"]["sector"] == "transport.road")
    got = client.get("/api/projects?status=maintenance,implementation&sector=transport.road").get_json()
    assert sorted(f["id"] for f in got["features"]) == expected and expected
    got2 = client.get("/api/projects?status=maintenance&status=implementation&sector=transport.road").get_json()
    assert got2 == got


def test_api_projects_bbox_uses_lon_lat_order(client):
    # A box around the Vàm Cống bridge (105.5038 E, 10.3168 N) but not the airport (105.71 E, 10.08 N).
    got = client.get("/api/projects?bbox=105.49,10.30,105.52,10.33").get_json()["features"]
    ids = {f["id"] for f in got}
    assert any("vam-cong" in i for i in ids), ids
    assert not any("airport" in i for i in ids), ids
    swapped = client.get("/api/projects?bbox=10.30,105.49,10.33,105.52")
    assert swapped.status_code == 400  # latitude 105 is impossible


@pytest.mark.parametrize("query, fragment", [
    ("status=done", "unknown status 'done'"),
    ("sector=x", "unknown sector 'x'"),
    ("colour=red", "unknown query parameter(s): colour"),
    ("bbox=1,2,3", "bbox needs 4"),
    ("bbox=a,b,c,d", "bbox values must be numbers"),
])
def test_api_projects_rejects_bad_queries_with_400(client, query, fragment):
    resp = client.get(f"/api/projects?{query}")
    assert resp.status_code == 400
    assert fragment in resp.get_json()["message"]


def test_api_project_returns_one_feature_or_a_json_404(client):
    some = seed_projects()["features"][0]
    resp = client.get(f"/api/projects/{some['id']}")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    body = resp.get_json()
    assert body["id"] == some["id"] and body["geometry"] == some["geometry"]
    assert body["properties"]["version"] == 1
    missing = client.get("/api/projects/no-such-project")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GIS_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        create_app()


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GIS_ENV", "production")
    secret = "3f9a1c7e5b2d8f4a6c0e9b7d5f3a1c8e"
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/a.db")
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/a.db"
    assert app.config["SECRET_KEY"] == secret


def test_the_core_does_not_import_flask():
    code = ("import sys, gis.api, gis.schema, gis.geo, gis.store, gis.store.seed, gis.validate, "
            "gis.importing.readers, gis.importing.preview; print('flask' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("secret", ["dev", "changeme", "x" * 40, "short-but-random-7f3a"])
def test_production_refuses_a_default_or_weak_secret(monkeypatch, secret):
    monkeypatch.setenv("GIS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY looks like a default"):
        create_app()
