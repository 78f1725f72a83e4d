"""Exports (gis/export.py, GET /api/projects/export), specified by reading every file back.

Each format is written by the app to tmp_path and read again with the GIS libraries
(pyogrio/GDAL, fiona, openpyxl, csv, ElementTree). Ids, Vietnamese names, statuses and
geometry (to 1e-7 degree) must survive. Store-facing tests run on both backends.
"""
import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile

import pyogrio
import pytest
import shapely
from shapely.geometry import Point, shape

from gis import export
from gis.errors import BadRequest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOL = 1e-7  # degrees


def project(pid, name_vi, geometry, **props):
    base = {
        "id": pid, "name_vi": name_vi, "name_en": pid.replace("-", " ").title(),
        "sector": "transport.road", "status": "implementation", "lead_agency": "so-gtvt",
        "progress": 40, "plan_section": "III.3.c", "planned_start": "2016", "planned_end": "2020-12",
        "actual_start": None, "actual_end": None, "investment_vnd": 5460000000000, "disbursed_vnd": None,
        "plan_agency": None, "plan_target": None, "description_en": None, "location_note": None,
        "districts": ["ninh-kieu", "cai-rang"], "description_vi": "Mô tả: cầu & đường <b>không</b> phải HTML",
        "location_accuracy": "approximate",
        "sources": ["Kế hoạch 14-CTr/TU, mục III.3.c", "https://example.org/a?b=1;c=2"],
        "data_notes": {"actual_end": "chưa biết (dữ liệu thử)", "disbursed_vnd": "no source"},
    }
    base.update(props)
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": base}


FIXTURES = [
    project("vam-cong-bridge", "Cầu Vàm Cống", {"type": "Point", "coordinates": [105.503806, 10.316806]},
            status="maintenance", actual_end="2019-05-19", progress=100, districts=["thot-not"]),
    project("lo-te-rach-soi-road", "Đường Lộ Tẻ - Rạch Sỏi",
            {"type": "LineString", "coordinates": [[105.7401234, 10.0412345], [105.5512345, 10.1298765],
                                                   [105.1234567, 10.0123456]]},
            progress=None, investment_vnd=None),
    project("o-mon-industrial-park", "Khu công nghiệp Ô Môn",
            {"type": "Polygon", "coordinates": [[[105.6201234, 10.1101234], [105.6401234, 10.1101234],
                                                 [105.6401234, 10.1301234], [105.6201234, 10.1101234]]]},
            sector="economy.industry", status="preparation", lead_agency="bql-kcn", districts=["o-mon"]),
    project("quoc-lo-91-multi", "Quốc lộ 91 (hai đoạn) = công thức?",
            {"type": "MultiLineString", "coordinates": [[[105.70, 10.05], [105.65, 10.10]],
                                                        [[105.60, 10.15], [105.55, 10.20]]]},
            name_en="-QL91 +two sections @test", status="identification", districts=[]),
]


def fill(store, features=FIXTURES):
    for f in features:
        store.create_project(f, user="test", note="fixture")


@pytest.fixture
def filled(store):
    fill(store)
    return store


def export_file(store, tmp_path, fmt, **params):
    args = {"format": [fmt], **{k: [v] for k, v in params.items()}}
    result = export.export_projects(store, args)
    assert result.status == 200
    disposition = result.headers["Content-Disposition"]
    name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert disposition.startswith("attachment;") and name.endswith(export.FORMATS[fmt].extension)
    path = tmp_path / name
    path.write_bytes(result.body)
    return path, result


def coords(geom):
    return [c for part in shapely.get_parts(geom) for c in shapely.get_coordinates(part).tolist()]


def assert_same_geometry(got, expected):
    """Same shape to TOL degrees (ring orientation and start may differ: shapefiles turn rings)."""
    got, expected = shapely.normalize(shapely.force_2d(got)), shapely.normalize(shape(expected))
    assert got.geom_type.replace("Multi", "") == expected.geom_type.replace("Multi", "")
    a, b = coords(got), coords(expected)
    assert len(a) == len(b)
    assert max(max(abs(x1 - x2), abs(y1 - y2)) for (x1, y1), (x2, y2) in zip(a, b)) <= TOL


def assert_keeps_ids_names_statuses_geometry(records):
    """records: {id: (name_vi, status, shapely geometry)} read back from a file."""
    expected = {f["id"]: f for f in FIXTURES}
    assert set(records) == set(expected)
    for pid, (name, status, geom) in records.items():
        assert name == expected[pid]["properties"]["name_vi"]
        assert status == expected[pid]["properties"]["status"]
        assert_same_geometry(geom, expected[pid]["geometry"])


# -- every format, read back ----------------------------------------------------------------------

def test_geojson_is_the_stored_features_unchanged(filled, tmp_path):
    path, result = export_file(filled, tmp_path, "geojson")
    assert result.content_type == "application/geo+json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc  # RFC 7946: WGS84 lon/lat
    by_id = {f["id"]: f for f in doc["features"]}
    for f in FIXTURES:
        got = by_id[f["id"]]
        assert got["geometry"] == f["geometry"]
        assert {k: v for k, v in got["properties"].items() if k not in ("version", "updated_at")} == f["properties"]
    frame = pyogrio.read_dataframe(path)
    assert_keeps_ids_names_statuses_geometry(
        {r.id: (r.name_vi, r.status, r.geometry) for r in frame.itertuples()})


def test_geopackage_has_the_projects_layer_and_a_fields_table(filled, tmp_path):
    path, result = export_file(filled, tmp_path, "gpkg")
    assert result.content_type == "application/geopackage+sqlite3"
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    layers = {name: gtype for name, gtype in pyogrio.list_layers(path)}
    assert layers["fields"] is None and "projects" in layers
    info = pyogrio.read_info(path, layer="projects")
    assert info["crs"] == "EPSG:4326" and info["features"] == len(FIXTURES)
    assert dict(zip(info["fields"], info["ogr_types"]))["investment_vnd"] == "OFTInteger64"
    frame = pyogrio.read_dataframe(path, layer="projects")
    assert_keeps_ids_names_statuses_geometry(
        {r.id: (r.name_vi, r.status, r.geometry) for r in frame.itertuples()})
    row = frame.set_index("id").loc["vam-cong-bridge"]
    assert row["sources"] == "Kế hoạch 14-CTr/TU, mục III.3.c; https://example.org/a?b=1;c=2"
    assert json.loads(row["data_notes"]) == FIXTURES[0]["properties"]["data_notes"]
    assert int(row["investment_vnd"]) == 5460000000000
    # fiona (another GDAL build) reads it too
    import fiona

    with fiona.open(path, layer="projects") as src:
        names = {f["properties"]["id"]: f["properties"]["name_vi"] for f in src}
    assert names["lo-te-rach-soi-road"] == "Đường Lộ Tẻ - Rạch Sỏi"


def test_shapefile_zip_has_one_utf8_shapefile_per_geometry_kind(filled, tmp_path):
    path, result = export_file(filled, tmp_path, "shp")
    assert result.content_type == "application/zip"
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        zf.extractall(folder)
    stems = sorted(n[:-4] for n in names if n.endswith(".shp"))
    assert stems == [f"{export.BASENAME}_{k}" for k in ("lines", "points", "polygons")]
    for stem in stems:
        for ext in (".shx", ".dbf", ".prj", ".cpg"):
            assert stem + ext in names
        assert (folder / (stem + ".cpg")).read_text() == "UTF-8"
    assert "README.txt" in names and "fields.csv" in names
    records = {}
    for stem in stems:
        info = pyogrio.read_info(folder / (stem + ".shp"))
        assert info["crs"] == "EPSG:4326" and info["encoding"] == "UTF-8"
        assert all(len(n.encode("utf-8")) <= 10 for n in info["fields"])
        assert set(info["fields"]) == set(export.SHP_FIELDS.values())
        frame = pyogrio.read_dataframe(folder / (stem + ".shp"))
        records.update({r.id: (r.name_vi, r.status, r.geometry) for r in frame.itertuples()})
        kinds = {"points": {"Point"}, "lines": {"LineString", "MultiLineString"},
                 "polygons": {"Polygon", "MultiPolygon"}}[stem.rsplit("_", 1)[1]]
        assert set(frame.geometry.geom_type) <= kinds
    assert_keeps_ids_names_statuses_geometry(records)
    # fiona reads the Vietnamese names intact too (it honours the .cpg)
    import fiona

    with fiona.open(folder / f"{export.BASENAME}_lines.shp") as src:
        assert {f["properties"]["name_vi"] for f in src} >= {"Đường Lộ Tẻ - Rạch Sỏi"}
        assert "lead_agcy" in src.schema["properties"]


def test_shapefile_field_table_is_shipped_and_documented(filled, tmp_path):
    path, _ = export_file(filled, tmp_path, "shp")
    with zipfile.ZipFile(path) as zf:
        table = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
        readme = zf.read("README.txt").decode("utf-8")
    assert {r["shp_name"]: r["column"] for r in table} == {v: k for k, v in export.SHP_FIELDS.items()}
    assert all(r["title_vi"] and r["title_en"] for r in table)
    assert "UTF-8" in readme and "lead_agcy  -> lead_agency" in readme
    doc = (open(os.path.join(ROOT, "docs", "formats.md"), encoding="utf-8")).read()
    missing = [k for k, v in export.SHP_FIELDS.items() if f"| `{v}` | `{k}` |" not in doc]
    assert not missing


def test_shapefile_cuts_long_text_at_a_character_boundary(store, tmp_path):
    long_text = "Mô tả rất dài về dự án đường Lộ Tẻ - Rạch Sỏi. " * 20
    fill(store, [project("long-text", "Cầu Cái Răng", {"type": "Point", "coordinates": [105.76, 10.01]},
                         description_vi=long_text)])
    path, _ = export_file(store, tmp_path, "shp")
    frame = pyogrio.read_dataframe(f"/vsizip/{path}/{export.BASENAME}_points.shp")
    text = frame.loc[0, "descr_vi"]
    assert text.endswith(export.TRUNCATION_MARK) and long_text.startswith(text[:-1])
    assert 250 <= len(text.encode("utf-8")) <= export.SHP_TEXT_BYTES
    with zipfile.ZipFile(path) as zf:
        assert "description_vi: 1" in zf.read("README.txt").decode("utf-8")


def test_kml_opens_with_names_and_descriptions(filled, tmp_path):
    path, result = export_file(filled, tmp_path, "kml")
    assert result.content_type == "application/vnd.google-earth.kml+xml"
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(path).getroot()
    placemarks = root.findall(".//k:Placemark", ns)
    assert len(placemarks) == len(FIXTURES)
    by_id = {p.get("id"): p for p in placemarks}
    vam = by_id["vam-cong-bridge"]
    assert vam.find("k:name", ns).text == "Cầu Vàm Cống"
    description = vam.find("k:description", ns).text
    assert "Đang khai thác" in description and "&lt;b&gt;không&lt;/b&gt;" in description  # values escaped
    frame = pyogrio.read_dataframe(path)  # LIBKML
    assert_keeps_ids_names_statuses_geometry(
        {r.id: (r.name_vi, r.status, r.geometry) for r in frame.itertuples()})
    assert set(frame["Name"]) == {f["properties"]["name_vi"] for f in FIXTURES}
    plain = pyogrio.read_dataframe(path, driver="KML")  # GDAL's other KML reader agrees
    assert set(plain["Name"]) == set(frame["Name"])


def test_csv_is_utf8_with_bom_wkt_and_a_point_on_each_feature(filled, tmp_path):
    path, result = export_file(filled, tmp_path, "csv")
    assert result.content_type == "text/csv; charset=utf-8"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[-3:] == ["lon", "lat", "wkt"]
    records = {}
    for r in rows:
        geom = shapely.from_wkt(r["wkt"])
        records[r["id"]] = (r["name_vi"], r["status"], geom)
        point = Point(float(r["lon"]), float(r["lat"]))
        assert geom.distance(point) < 1e-6  # on the feature (point_on_surface), 7 decimals
    assert_keeps_ids_names_statuses_geometry(records)
    by_id = {r["id"]: r for r in rows}
    assert by_id["vam-cong-bridge"]["districts"] == "thot-not"
    assert by_id["lo-te-rach-soi-road"]["districts"] == "ninh-kieu; cai-rang"
    assert json.loads(by_id["vam-cong-bridge"]["data_notes"])["disbursed_vnd"] == "no source"
    assert by_id["vam-cong-bridge"]["investment_vnd"] == "5460000000000"
    assert by_id["quoc-lo-91-multi"]["name_en"] == "'-QL91 +two sections @test"  # no formula in Excel
    # GDAL reads it as a spatial table too
    frame = pyogrio.read_dataframe(path, GEOM_POSSIBLE_NAMES="wkt", KEEP_GEOM_COLUMNS="NO")
    assert set(frame["id"]) == set(records)


def test_xlsx_has_a_projects_sheet_and_a_fields_sheet_in_vi_and_en(filled, tmp_path):
    from openpyxl import load_workbook

    path, result = export_file(filled, tmp_path, "xlsx")
    assert result.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(path)
    assert wb.sheetnames == ["projects", "fields"]
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=2)]
    records = {r["id"]: (r["name_vi"], r["status"], shapely.from_wkt(r["wkt"])) for r in rows}
    assert_keeps_ids_names_statuses_geometry(records)
    vam = next(r for r in rows if r["id"] == "vam-cong-bridge")
    assert vam["investment_vnd"] == 5460000000000 and (vam["lon"], vam["lat"]) == (105.503806, 10.316806)
    formula = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value == "Quốc lộ 91 (hai đoạn) = công thức?")
    assert formula.data_type == "s"
    fields = wb["fields"]
    described = {row[0].value: (row[1].value, row[2].value) for row in fields.iter_rows(min_row=2)}
    assert set(described) == set(header)
    assert described["status"] == ("Tình trạng", "Status")
    assert all(vi and en for vi, en in described.values())
    # GDAL's XLSX driver reads the same sheet
    frame = pyogrio.read_dataframe(path, layer="projects")
    assert set(frame["id"]) == set(records)


# -- filters, names, errors ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_format_follows_the_map_filters(filled, tmp_path, fmt):
    path, result = export_file(filled, tmp_path, fmt, status="maintenance")
    assert result.headers["X-Feature-Count"] == "1"
    assert "-filtered-" in path.name
    everything = export.export_projects(filled, {"format": [fmt]})
    assert everything.headers["X-Feature-Count"] == str(len(FIXTURES))
    assert "-filtered-" not in everything.headers["Content-Disposition"]


def test_filters_are_the_map_parameters(filled):
    def ids(**params):
        body = export.export_projects(filled, {k: [v] for k, v in params.items()}).body
        return sorted(f["id"] for f in json.loads(body)["features"])

    assert ids(format="geojson", district="o-mon") == ["o-mon-industrial-park"]
    assert ids(format="geojson", q="vam cong") == ["vam-cong-bridge"]  # diacritics folded like the map
    assert ids(format="geojson", sector="economy.industry", status="preparation") == ["o-mon-industrial-park"]
    assert ids(status="identification") == ["quoc-lo-91-multi"]  # GeoJSON by default


@pytest.mark.parametrize("params", [{"flag": ["behind"]}, {"flag": ["behind"], "district": ["o-mon"]},
                                    {"flag": ["stale"], "status": ["implementation", "preparation"]}])
def test_schedule_flags_select_what_the_list_shows(filled, params):
    from gis import explore

    stale_after = -1  # everything confirmed before tomorrow counts as stale
    listed = sorted(f["id"] for f in explore.select_projects(filled, params, stale_after_days=stale_after)[1])
    assert 0 < len(listed) < len(FIXTURES)
    body = export.export_projects(filled, {"format": ["geojson"], **params}, stale_after_days=stale_after).body
    assert sorted(f["id"] for f in json.loads(body)["features"]) == listed


@pytest.mark.parametrize("args, message", [
    ({"format": ["dwg"]}, "unknown export format 'dwg'"),
    ({"format": ["csv"], "colour": ["red"]}, "unknown query parameter"),
    ({"format": ["csv"], "status": ["finished"]}, "unknown status"),
    ({"format": ["csv"], "district": ["hau-giang"]}, "unknown district"),
])
def test_bad_parameters_are_a_400(filled, args, message):
    with pytest.raises(BadRequest, match=message):
        export.export_projects(filled, args)


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_an_empty_selection_is_still_a_valid_file(filled, tmp_path, fmt):
    path, result = export_file(filled, tmp_path, fmt, q="no-such-project-anywhere")
    assert result.headers["X-Feature-Count"] == "0"
    if fmt == "shp":
        with zipfile.ZipFile(path) as zf:
            assert any(n.endswith(".shp") for n in zf.namelist())
    elif fmt in ("gpkg", "kml"):
        assert pyogrio.read_info(path, layer=0)["features"] == 0


def test_the_field_names_and_formats_are_documented():
    doc = open(os.path.join(ROOT, "docs", "formats.md"), encoding="utf-8").read()
    for fmt in export.FORMATS.values():
        assert f"`{fmt.name}`" in doc and fmt.mime in doc
    for column in export.COLUMNS:
        assert f"`{column.name}`" in doc


# -- the route -------------------------------------------------------------------------------------

@pytest.fixture
def client(store_url):
    from app import create_app
    from gis.web import export_routes, get_store

    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    if "export" not in app.blueprints:  # until the lead registers it in gis.web.init_app
        app.register_blueprint(export_routes.bp)
    with app.app_context():
        store = get_store()
        store.migrate()
        fill(store)
    return app.test_client()


def test_route_sends_the_file_with_its_type_and_name(client):
    resp = client.get("/api/projects/export?format=gpkg&status=maintenance")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geopackage+sqlite3"
    assert re.match(r'attachment; filename="cantho-key-projects-filtered-\d{4}-\d{2}-\d{2}\.gpkg"',
                    resp.headers["Content-Disposition"])
    assert resp.data[:16] == b"SQLite format 3\x00"
    resp = client.get("/api/projects/export?format=csv")
    assert resp.mimetype == "text/csv" and resp.data.startswith(b"\xef\xbb\xbf")


def test_route_errors_are_json(client):
    resp = client.get("/api/projects/export?format=pdf")
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "bad_request" and "pdf" in resp.get_json()["message"]
