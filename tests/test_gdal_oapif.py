"""GDAL's OAPIF driver (Debian's GDAL 3.6, package gdal-bin) reads /ogc from a live server.

The driver starts at {root}/collections, follows each collection's rel=items link and then
rel=next links until a page is empty, takes numberMatched as the count, reads the
describedBy JSON Schema for the fields, finds the OpenAPI document through the landing
page's service-desc link (to learn which attributes it may filter on the server), and
rejects non-JSON content types. Locally a missing ogrinfo skips; in CI (CI=true) it fails.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PROJECTS_FILE = os.path.join(ROOT, "projects.geojson")

# The app with the OGC blueprints, whether or not gis.web registers them already.
WRAPPER = textwrap.dedent("""
    from app import create_app


    def make():
        app = create_app()
        from gis.web import ogc_routes

        if "ogc" not in app.blueprints:
            app.register_blueprint(ogc_routes.bp)
        if "api_docs" not in app.blueprints:
            app.register_blueprint(ogc_routes.docs_bp)
        return app
""")


def tool(name):
    path = shutil.which(name)
    if path is None:
        reason = f"{name} not installed (apt-get install gdal-bin)"
        if IN_CI:
            pytest.fail(f"required in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, env, **kw):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kw)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn (2 workers) on a free port over a seeded temporary SQLite store."""
    tool("ogrinfo")
    tmp = tmp_path_factory.mktemp("oapif")
    (tmp / "ogc_app.py").write_text(WRAPPER, encoding="utf-8")
    env = {**os.environ, "GIS_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp / 's.db'}",
           "PYTHONPATH": os.pathsep.join([ROOT, str(tmp)])}
    env.pop("CPL_DEBUG", None)
    run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], env)
    run([sys.executable, "-m", "flask", "--app", "app", "seed"], env)
    port = free_port()
    log = open(tmp / "gunicorn.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "ogc_app:make()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}/ogc"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(root + "/conformance", timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the server did not start: " + (tmp / "gunicorn.log").read_text())
        time.sleep(0.2)
    yield {"root": root, "tmp": tmp, "env": env}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def gdal(server, *args, debug=False):
    env = {k: v for k, v in server["env"].items() if k not in ("PYTHONPATH",)}
    if debug:
        env["CPL_DEBUG"] = "ON"
    result = subprocess.run([tool(args[0]), *args[1:]], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    assert "ERROR" not in result.stderr, result.stderr
    return result


def seed_projects():
    with open(PROJECTS_FILE, encoding="utf-8") as f:
        return json.load(f)["features"]


def api_json(server, path):
    with urllib.request.urlopen(server["root"].rsplit("/ogc", 1)[0] + path, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def test_ogrinfo_lists_every_collection(server):
    out = gdal(server, "ogrinfo", "-ro", "-so", "OAPIF:" + server["root"]).stdout
    for name in ("projects", "city", "districts", "communes", "rivers"):
        assert f": {name} (title: " in out, out


def test_ogrinfo_reports_every_project_with_its_attributes(server):
    out = gdal(server, "ogrinfo", "-ro", "-al", "-so", "OAPIF:" + server["root"], "projects").stdout
    assert f"Feature Count: {len(seed_projects())}" in out, out
    fields = dict(line.split(": ", 1) for line in out.splitlines()
                  if ": " in line and line.split(": ", 1)[1].split(" ")[0] in
                  ("String", "Integer", "Integer(Boolean)", "Real", "StringList", "DateTime"))
    for name in ("id", "name_vi", "name_en", "status", "sector", "lead_agency", "districts", "sources", "ntm_year",
                 "investment_vnd", "updated_at", "version"):
        assert name in fields, (name, out)
    assert fields["progress"].startswith("Integer") and fields["updated_at"].startswith("DateTime")
    assert fields["investment_vnd"].startswith("Real")  # 64-bit amounts survive (not a 32-bit Integer)
    assert sum(1 for line in out.splitlines() if line.startswith("id: ")) == 1
    assert "TITLE=Dự án trọng điểm" in out
    assert "Extent: (105." in out


def test_ogr2ogr_copies_every_project_with_its_id_and_vietnamese_name(server):
    out_file = server["tmp"] / "projects.geojson"
    gdal(server, "ogr2ogr", "-f", "GeoJSON", str(out_file), "OAPIF:" + server["root"], "projects")
    with open(out_file, encoding="utf-8") as f:
        got = json.load(f)["features"]
    expected = sorted((f["id"], f["properties"]["name_vi"]) for f in seed_projects())
    assert sorted((f["properties"]["id"], f["properties"]["name_vi"]) for f in got) == expected
    by_id = {f["properties"]["id"]: f for f in got}
    source = {f["id"]: f for f in seed_projects()}["vam-cong-bridge"]
    assert by_id["vam-cong-bridge"]["properties"]["investment_vnd"] == source["properties"]["investment_vnd"]
    assert by_id["vam-cong-bridge"]["geometry"]["coordinates"] == pytest.approx(source["geometry"]["coordinates"])


def test_ogr2ogr_copies_a_base_layer(server):
    out_file = server["tmp"] / "communes.geojson"
    gdal(server, "ogr2ogr", "-f", "GeoJSON", str(out_file), "OAPIF:" + server["root"], "communes")
    with open(out_file, encoding="utf-8") as f:
        got = json.load(f)["features"]
    with open(os.path.join(ROOT, "layers", "communes.geojson"), encoding="utf-8") as f:
        expected = json.load(f)["features"]
    assert sorted(f["properties"]["id"] for f in got) == sorted(f["id"] for f in expected)


def test_attribute_filters_go_to_the_server_through_the_openapi_document(server):
    """GDAL finds /ogc/api via the landing page's service-desc link, sees that status is a
    query parameter of /collections/projects/items and sends it instead of filtering itself."""
    result = gdal(server, "ogrinfo", "-ro", "-al", "-so", "-where", "status = 'maintenance'",
                  "OAPIF:" + server["root"], "projects", debug=True)
    expected = len(api_json(server, "/api/projects?status=maintenance")["features"])
    assert f"Feature Count: {expected}" in result.stdout
    assert f"Fetch({server['root']}/api)" in result.stderr
    assert "status=maintenance" in result.stderr


def test_datetime_and_bbox_filters(server):
    result = gdal(server, "ogrinfo", "-ro", "-al", "-so", "-where", "updated_at >= '2000-01-01'",
                  "OAPIF:" + server["root"], "projects", debug=True)
    assert "datetime=2000-01-01" in result.stderr
    assert f"Feature Count: {len(seed_projects())}" in result.stdout
    box = ("105.7", "10.0", "105.8", "10.1")
    out = gdal(server, "ogrinfo", "-ro", "-al", "-so", "-spat", *box, "OAPIF:" + server["root"], "projects").stdout
    expected = len(api_json(server, "/api/projects?bbox=" + ",".join(box))["features"])
    assert 0 < expected < len(seed_projects())
    assert f"Feature Count: {expected}" in out


def test_id_filter_fetches_one_feature(server):
    result = gdal(server, "ogrinfo", "-ro", "-al", "-q", "-where", "id = 'vam-cong-bridge'",
                  "OAPIF:" + server["root"], "projects", debug=True)
    assert f"Fetch({server['root']}/collections/projects/items/vam-cong-bridge)" in result.stderr
    assert "name_vi (String) = Cầu Vàm Cống" in result.stdout
