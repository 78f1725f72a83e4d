"""Import core (gis/importing/) and the bulk store write (Store.import_projects).

Files are made in the test (with the GIS libraries) or by the app's own export, written to
tmp_path where a library needs a file, and read back through ``read_upload``. Anything
touching the store runs on both backends.
"""
import io
import json
import os
import unicodedata
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, shape

from gis import export
from gis.errors import BadRequest, Conflict, Invalid, NotFound, TooLarge
from gis.importing import safety
from gis.importing.crs import CAN_THO_TM3_EPSG, CAN_THO_TM3_PROJ, normalise_crs
from gis.importing.layer import ImportedLayer
from gis.importing.mapping import suggest_mapping
from gis.importing.preview import commit, preview, summarise
from gis.importing.readers import read_upload
from gis.store import ProjectQuery

from test_export import FIXTURES, assert_same_geometry, fill, project  # tests/ is on sys.path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VAM_CONG = (105.503806, 10.316806)  # lon, lat (WGS84) of the bridge
GEOD = Geod(ellps="WGS84")


def metres(a, b):
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def snapshot(store):
    """Everything an import could change."""
    return (json.dumps(store.list_projects(ProjectQuery(include_archived=True)), sort_keys=True),
            len(store.history(limit=None)))


def zip_of(files: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def zip_folder(folder) -> bytes:
    return zip_of({p.name: p.read_bytes() for p in sorted(folder.iterdir())})


def geojson_bytes(features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra}, ensure_ascii=False).encode()


def stored_props(feature):
    """Properties without the store-managed ones; null and absent are the same (unknown)."""
    return {k: v for k, v in feature["properties"].items() if k not in ("version", "updated_at") and v is not None}


# -- round trips: every export format back through the import ---------------------------------------

@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_round_trip_through_every_format_keeps_ids_names_statuses_geometry(store, fmt):
    fill(store)
    original = {f["id"]: f for f in store.list_projects()}
    data = export.render(list(original.values()), fmt)
    store.clear_projects()
    layer = read_upload("export" + export.FORMATS[fmt].extension, data)
    rows = preview(layer, None, "add", store)
    assert [(r.action, r.valid) for r in rows] == [("add", True)] * len(FIXTURES), \
        [(r.id, [str(p) for p in r.problems]) for r in rows]
    result = commit(layer, None, "add", store, user="alice", note="round trip")
    assert sorted(result["created"]) == sorted(original)
    for pid, before in original.items():
        after = store.get_project(pid)
        assert after["properties"]["name_vi"] == before["properties"]["name_vi"]
        assert after["properties"]["status"] == before["properties"]["status"]
        assert_same_geometry(shape(after["geometry"]), before["geometry"])
        if fmt != "shp":  # every other format keeps every property exactly
            assert stored_props(after) == stored_props(before)
    assert store.get_project("lo-te-rach-soi-road")["properties"]["name_vi"] == "Đường Lộ Tẻ - Rạch Sỏi"
    assert store.get_project("vam-cong-bridge")["properties"]["name_vi"] == "Cầu Vàm Cống"


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_reimporting_an_export_of_the_seed_data_changes_nothing(store, fmt):
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as fh:
        store.seed(json.load(fh)["features"], {})
    data = export.render(store.list_projects(), fmt)
    before = snapshot(store)
    layer = read_upload("seed" + export.FORMATS[fmt].extension, data)
    rows = preview(layer, None, "update", store)
    assert {r.action for r in rows} == {"unchanged"}, [(r.id, r.changes) for r in rows if r.action != "unchanged"]
    result = commit(layer, None, "update", store, user="alice")
    assert len(result["unchanged"]) == len(rows) and not result["updated"]
    assert snapshot(store) == before  # even the shapefile's cut texts did not overwrite anything


def test_kmz_and_zipped_geojson_are_read(store):
    fill(store)
    features = store.list_projects()
    kmz = zip_of({"doc.kml": export.render(features, "kml")})
    assert len(read_upload("projects.kmz", kmz).features) == len(FIXTURES)
    zipped = zip_of({"projects.geojson": export.render(features, "geojson")})
    assert read_upload("projects.zip", zipped).format == "geojson"


# -- VN-2000 ------------------------------------------------------------------------------------------

# Decision 05/2007/QĐ-BTNMT as a PROJ +towgs84 (position vector: the rotations change sign
# against the decision's coordinate-frame values). Independent of gis/importing/crs.py on purpose.
TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
CAN_THO_TM3 = f"+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84={TOWGS84} +units=m"
UTM48 = f"+proj=utm +zone=48 +ellps=WGS84 +towgs84={TOWGS84} +units=m"


def vn2000_shapefile(tmp_path, proj, prj_text, name="cau") -> bytes:
    """The Vàm Cống bridge in VN-2000 coordinates, as a zipped shapefile with ``prj_text``."""
    x, y = Transformer.from_crs("EPSG:4326", CRS.from_proj4(proj), always_xy=True).transform(*VAM_CONG)
    assert 400_000 < x < 700_000 and 1_100_000 < y < 1_200_000  # metres, not degrees
    folder = tmp_path / name
    folder.mkdir()
    frame = gpd.GeoDataFrame({"id": ["vam-cong-bridge"], "name_vi": ["Cầu Vàm Cống"]}, geometry=[Point(x, y)])
    with pytest.warns(UserWarning, match="crs"):  # no CRS on purpose: the .prj is written below
        pyogrio.write_dataframe(frame, folder / f"{name}.shp", encoding="UTF-8")
    if prj_text is None:
        (folder / f"{name}.prj").unlink(missing_ok=True)
    else:
        (folder / f"{name}.prj").write_text(prj_text)
    return zip_folder(folder)


def landed(layer):
    return tuple(layer.features[0]["geometry"]["coordinates"])


ESRI_CAN_THO = CRS.from_epsg(5897).to_wkt("WKT1_ESRI")  # what ArcGIS/QGIS write: no TOWGS84
ESRI_UTM48 = CRS.from_epsg(3405).to_wkt("WKT1_ESRI")
CUSTOM_NAMES = ('PROJCS["VN2000 Can Tho 105-00",GEOGCS["VN2000",DATUM["VN2000_local",'
                'SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],'
                'PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105],'
                'PARAMETER["scale_factor",0.9999],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],'
                'UNIT["metre",1]]')


@pytest.mark.parametrize("proj, prj", [
    (CAN_THO_TM3, ESRI_CAN_THO),
    (UTM48, ESRI_UTM48),
    (CAN_THO_TM3, CUSTOM_NAMES),  # a .prj PROJ cannot identify, recognised by its VN2000 name
], ids=["can-tho-tm3", "utm48n", "custom-vn2000-names"])
def test_vn2000_shapefiles_land_within_a_metre(tmp_path, proj, prj):
    layer = read_upload("cau.zip", vn2000_shapefile(tmp_path, proj, prj))
    assert "VN-2000" in layer.crs and "6960" in layer.crs
    assert layer.features[0]["properties"]["name_vi"] == "Cầu Vàm Cống"
    distance = metres(landed(layer), VAM_CONG)
    assert distance < 1.0  # the requirement
    assert distance < 0.01  # and in fact the same official transformation (without it: ~226 m or 0.8 m off)


def test_vn2000_without_prj_needs_source_crs(tmp_path):
    data = vn2000_shapefile(tmp_path, CAN_THO_TM3, None)
    with pytest.raises(BadRequest, match="source_crs") as err:
        read_upload("cau.zip", data)
    assert "5897" in err.value.message
    for name in ("vn2000-cantho", "EPSG:5897", "5897", CAN_THO_TM3):
        assert metres(landed(read_upload("cau.zip", data, source_crs=name)), VAM_CONG) < 0.01


def test_a_prj_with_its_own_towgs84_is_used_as_written(tmp_path):
    prj = CRS.from_proj4(CAN_THO_TM3).to_wkt("WKT1_GDAL")
    assert "TOWGS84" in prj
    assert metres(landed(read_upload("cau.zip", vn2000_shapefile(tmp_path, CAN_THO_TM3, prj))), VAM_CONG) < 0.01


def test_the_documented_proj_string_is_the_epsg_transformation():
    """CAN_THO_TM3_PROJ (+towgs84) and EPSG:5897 bound to EPSG:6960 agree to a millimetre."""
    bound, _ = normalise_crs(CRS.from_epsg(CAN_THO_TM3_EPSG))
    a = Transformer.from_crs("EPSG:4326", bound, always_xy=True).transform(*VAM_CONG)
    proj = CRS.from_proj4(CAN_THO_TM3_PROJ)
    b = Transformer.from_crs("EPSG:4326", proj, always_xy=True).transform(*VAM_CONG)
    assert abs(a[0] - b[0]) < 0.001 and abs(a[1] - b[1]) < 0.001
    params = {p["name"]: p["value"] for p in CRS.from_epsg(5897).to_json_dict()["conversion"]["parameters"]}
    assert params["Longitude of natural origin"] == 105 and params["Scale factor at natural origin"] == 0.9999
    assert params["False easting"] == 500000


def test_csv_with_vn2000_x_y_columns(tmp_path):
    x, y = Transformer.from_crs("EPSG:4326", CRS.from_proj4(UTM48), always_xy=True).transform(*VAM_CONG)
    data = f"ma;ten;X;Y\nvam-cong-bridge;Cầu Vàm Cống;{x:.3f};{y:.3f}\n".replace(".", ",").encode()
    layer = read_upload("cau.csv", data, source_crs="vn2000-utm48", lon_column="X", lat_column="Y")
    assert metres(landed(layer), VAM_CONG) < 0.01
    assert layer.features[0]["properties"] == {"ma": "vam-cong-bridge", "ten": "Cầu Vàm Cống"}


def test_geojson_with_an_old_style_crs_member_is_reprojected():
    x, y = Transformer.from_crs("EPSG:4326", CRS.from_proj4(UTM48), always_xy=True).transform(*VAM_CONG)
    feature = {"type": "Feature", "id": "vam-cong-bridge", "properties": {"name_vi": "Cầu Vàm Cống"},
               "geometry": {"type": "Point", "coordinates": [x, y]}}
    layer = read_upload("cau.geojson", geojson_bytes(
        [feature], crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}}))
    assert metres(landed(layer), VAM_CONG) < 0.01


# -- encodings ----------------------------------------------------------------------------------------

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258: base letters precomposed where the code page has them, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out.append(base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258"))
    return b"".join(out)


def cp1258_shapefile(tmp_path) -> bytes:
    folder = tmp_path / "cp1258"
    folder.mkdir()
    names = ["Cầu Vàm Cống", "Đường Lộ Tẻ - Rạch Sỏi"]
    latin = [to_cp1258(n).decode("latin-1") for n in names]  # the CP1258 bytes, one char each
    frame = gpd.GeoDataFrame({"id": ["vam-cong-bridge", "lo-te"], "ten": latin},
                             geometry=[Point(*VAM_CONG), Point(105.6, 10.1)], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, folder / "cp.shp", encoding="ISO-8859-1")
    (folder / "cp.cpg").unlink(missing_ok=True)
    dbf = (folder / "cp.dbf").read_bytes()
    assert b"C\xe2\xccu V\xe0m C\xf4\xecng" in dbf  # really CP1258: "â" + combining grave, "ô" + acute
    return zip_folder(folder)


def test_cp1258_shapefile_without_cpg_decodes_with_encoding_cp1258(tmp_path):
    data = cp1258_shapefile(tmp_path)
    layer = read_upload("cp.zip", data, encoding="cp1258")
    names = [f["properties"]["ten"] for f in layer.features]
    assert names == ["Cầu Vàm Cống", "Đường Lộ Tẻ - Rạch Sỏi"]
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert "Cầu" in names[0]


def test_cp1258_without_encoding_warns_and_names_the_fix(tmp_path):
    layer = read_upload("cp.zip", cp1258_shapefile(tmp_path))
    assert layer.features[0]["properties"]["ten"] != "Cầu Vàm Cống"
    assert any("cp1258" in w for w in layer.warnings)


def test_utf8_shapefile_without_cpg_is_read_as_utf8(tmp_path):
    folder = tmp_path / "u"
    folder.mkdir()
    frame = gpd.GeoDataFrame({"ten": ["Cầu Vàm Cống"]}, geometry=[Point(*VAM_CONG)], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, folder / "u.shp", encoding="UTF-8")
    (folder / "u.cpg").unlink()
    layer = read_upload("u.zip", zip_folder(folder))
    assert layer.features[0]["properties"]["ten"] == "Cầu Vàm Cống"
    assert any("UTF-8" in w for w in layer.warnings)


def test_unknown_encoding_is_a_400():
    with pytest.raises(BadRequest, match="unknown text encoding"):
        read_upload("a.csv", b"id\nx\n", encoding="klingon")


# -- bad uploads ---------------------------------------------------------------------------------------

def small_shapefile_zip(tmp_path) -> dict:
    folder = tmp_path / "ok"
    folder.mkdir(exist_ok=True)
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(*VAM_CONG)], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, folder / "ok.shp", encoding="UTF-8")
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def symlink_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.shp")
        info.external_attr = 0o120777 << 16  # a symbolic link
        zf.writestr(info, "/etc/passwd")
    return buf.getvalue()


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.dbf", b"\0" * (30 * 1024 * 1024))
    assert len(buf.getvalue()) < 100_000
    return buf.getvalue()


def bad_uploads(tmp_path):
    """(name, data, kwargs, error class, text in the message)."""
    shp = small_shapefile_zip(tmp_path)
    good_zip = zip_of(shp)
    return [
        ("empty.geojson", b"", {}, BadRequest, "empty"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, {}, BadRequest, "not a supported GIS file"),
        ("notes.docx", b"just some words", {}, BadRequest, "not a supported GIS file"),
        ("cut.zip", good_zip[: len(good_zip) // 2], {}, BadRequest, "zip"),
        ("fake.zip", b"this is not a zip", {}, BadRequest, "not a zip file"),
        ("fake.gpkg", b"hello world", {}, BadRequest, "not a GeoPackage"),
        ("broken.gpkg", b"SQLite format 3\x00" + b"\x13" * 2000, {}, BadRequest, "could not read"),
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [', {}, BadRequest, "not valid GeoJSON"),
        ("list.geojson", b'{"type": "Topology"}', {}, BadRequest, "FeatureCollection"),
        ("none.geojson", geojson_bytes([]), {}, BadRequest, "no features"),
        ("broken.kml", b"<kml><Document><Placemark><name>x", {}, BadRequest, "broken.kml"),
        ("roads.shp", shp["ok.shp"], {}, BadRequest, "as one .zip"),
        ("dbf-only.zip", zip_of({"ok.dbf": shp["ok.dbf"]}), {}, BadRequest, "no shapefile"),
        ("no-shx.zip", zip_of({k: v for k, v in shp.items() if not k.endswith(".shx")}), {}, BadRequest,
         "without .shx"),
        ("binary.csv", b"\x00\x01\x02id", {}, BadRequest, "not a text"),
        ("latin.csv", "id;tên\nx;Cầu\n".encode("cp1258", "ignore") + b"\xe0\xcc", {}, BadRequest, "encoding"),
        ("nogeom.csv", b"id,wkt\na,POINT (1 2)\n", {"wkt_column": "geometrie"}, BadRequest, "no column"),
        ("bad-crs.geojson", geojson_bytes([FIXTURES[0]]), {"source_crs": "EPSG:999999"}, BadRequest,
         "unknown coordinate reference system"),
        ("big.geojson", b" " * (safety.MAX_UPLOAD_BYTES + 1), {}, TooLarge, "limit is 20 MB"),
        ("bomb.zip", zip_bomb(), {}, TooLarge, "zip bomb"),
        ("many.zip", zip_of({f"f{i}.txt": b"x" for i in range(safety.MAX_ZIP_ENTRIES + 1)}), {}, TooLarge,
         "holds 51 files"),
        ("escape.zip", zip_of({"../evil.shp": shp["ok.shp"], "ok.dbf": shp["ok.dbf"]}), {}, BadRequest,
         "path traversal"),
        ("deep.zip", zip_of({"a/../../evil.shp": b"x"}), {}, BadRequest, "path traversal"),
        ("abs.zip", zip_of({"/tmp/evil.shp": b"x"}), {}, BadRequest, "absolute path"),
        ("drive.zip", zip_of({"C:\\evil.shp": b"x"}), {}, BadRequest, "absolute path"),
        ("link.zip", symlink_zip(), {}, BadRequest, "symbolic link"),
        ("net.kml", b'<kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link><href>http://127.0.0.1:9/x.kml'
                    b'</href></Link></NetworkLink></kml>', {}, BadRequest, "NetworkLink"),
        ("lol.kml", b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>', {}, BadRequest,
         "entity"),
        ("report.pdf.gpkg", b"%PDF-1.7", {}, BadRequest, "not a GeoPackage"),
    ]


@pytest.mark.filterwarnings("ignore:GPKG:RuntimeWarning")
def test_bad_uploads_get_clear_errors(tmp_path):
    for name, data, kwargs, error, text in bad_uploads(tmp_path):
        with pytest.raises(error) as caught:
            read_upload(name, data, **kwargs)
        assert text in caught.value.message, (name, caught.value.message)
        assert "cantho-import-" not in caught.value.message  # no server paths
        assert caught.value.http_status == (413 if error is TooLarge else 400)
    assert not (tmp_path.parent / "evil.shp").exists() and not os.path.exists("/tmp/evil.shp")


@pytest.mark.filterwarnings("ignore:GPKG:RuntimeWarning")
def test_bad_uploads_change_nothing_in_the_store(store, tmp_path):
    fill(store)
    before = snapshot(store)
    for name, data, kwargs, error, _ in bad_uploads(tmp_path):
        with pytest.raises(error):
            layer = read_upload(name, data, **kwargs)
            commit(layer, None, "update", store, user="mallory")
    assert snapshot(store) == before


def test_limits_on_features_and_unzipped_size(tmp_path, monkeypatch):
    three = geojson_bytes([project(f"p-{i}", "Cầu", {"type": "Point", "coordinates": [105.7, 10.0]})
                           for i in range(3)])
    monkeypatch.setattr(safety, "MAX_FEATURES", 2)
    with pytest.raises(TooLarge, match="3 features; the limit is 2"):
        read_upload("three.geojson", three)
    with pytest.raises(TooLarge, match="limit is 2"):
        read_upload("three.csv", b"id,lon,lat\na,105.7,10\nb,105.7,10\nc,105.7,10\n")
    data = zip_of({"shp.zip": b"x"})
    data = zip_of(small_shapefile_zip(tmp_path))
    monkeypatch.setattr(safety, "MAX_UNZIPPED_BYTES", 100)
    with pytest.raises(TooLarge, match="expands to"):
        read_upload("ok.zip", data)


# -- preview and commit ----------------------------------------------------------------------------------

def upload(features, name="upload.geojson"):
    return read_upload(name, geojson_bytes(features))


def test_preview_names_the_bad_field_and_commit_writes_only_valid_rows(store):
    good = project("cau-tran-hoang-na", "Cầu Trần Hoàng Na", {"type": "Point", "coordinates": [105.7469, 10.0341]})
    bad_status = project("bad-status", "Cầu A", {"type": "Point", "coordinates": [105.7, 10.0]}, status="finished")
    no_sources = project("no-sources", "Cầu B", {"type": "Point", "coordinates": [105.7, 10.0]}, sources=[])
    outside = project("outside", "Cầu C", {"type": "Point", "coordinates": [108.2, 16.05]})
    layer = upload([good, bad_status, no_sources, outside])
    rows = preview(layer, None, "add", store)
    by_id = {r.id: r for r in rows}
    assert [r.row for r in rows] == [1, 2, 3, 4]
    assert by_id["cau-tran-hoang-na"].valid and by_id["cau-tran-hoang-na"].action == "add"
    assert [p.field for p in by_id["bad-status"].problems] == ["status"]
    assert "finished" in by_id["bad-status"].problems[0].message
    assert [p.field for p in by_id["no-sources"].problems] == ["sources"]
    assert [p.field for p in by_id["outside"].problems] == ["geometry"]
    assert by_id["outside"].in_region is False and by_id["cau-tran-hoang-na"].in_region is True
    assert (by_id["cau-tran-hoang-na"].lon, by_id["cau-tran-hoang-na"].lat) == (105.7469, 10.0341)
    assert summarise(rows) == {"add": 1, "update": 0, "unchanged": 0, "skip": 0, "invalid": 3}
    assert json.dumps([r.to_dict() for r in rows], ensure_ascii=False)  # serialisable for the web layer

    result = commit(layer, None, "add", store, user="alice", note="from the survey")
    assert result["created"] == ["cau-tran-hoang-na"]
    assert sorted(r["id"] for r in result["invalid"]) == ["bad-status", "no-sources", "outside"]
    assert [f["id"] for f in store.list_projects()] == ["cau-tran-hoang-na"]
    (entry,) = store.history("cau-tran-hoang-na")
    assert entry.user == "alice" and entry.action == "create"
    assert "upload.geojson" in entry.note and "mode add" in entry.note and "from the survey" in entry.note


def test_preview_knows_the_city_outline(store):
    store.replace_layer("city", [{"type": "Feature", "id": "city", "properties": {},
                                  "geometry": {"type": "Polygon", "coordinates": [[[105.2, 9.9], [105.9, 9.9],
                                                                                   [105.9, 10.35], [105.2, 10.35],
                                                                                   [105.2, 9.9]]]}}])
    inside = project("in", "Cầu", {"type": "Point", "coordinates": [105.7, 10.0]})
    region = project("region", "Cầu", {"type": "Point", "coordinates": [106.5, 10.8]})
    rows = preview(upload([inside, region]), None, "add", store)
    assert [(r.in_region, r.in_city) for r in rows] == [(True, True), (True, False)]


def test_update_mode_changes_only_existing_ids_with_history(store):
    fill(store)
    changed = json.loads(json.dumps(FIXTURES[1]))
    changed["properties"].update(status="completion", actual_end="2020-12", progress=100)
    unknown = project("not-in-store", "Cầu", {"type": "Point", "coordinates": [105.7, 10.0]})
    layer = upload([changed, FIXTURES[0], unknown])
    rows = preview(layer, None, "update", store)
    assert [r.action for r in rows] == ["update", "unchanged", "skip"]
    assert rows[0].changes == {"status": ["implementation", "completion"], "actual_end": [None, "2020-12"],
                               "progress": [None, 100]}
    assert rows[0].expected_version == 1 and "mode update" in rows[2].note
    result = commit(layer, None, "update", store, user="bob")
    assert result["updated"] == ["lo-te-rach-soi-road"] and result["skipped"][0]["id"] == "not-in-store"
    after = store.get_project("lo-te-rach-soi-road")
    assert after["properties"]["status"] == "completion" and after["properties"]["version"] == 2
    entry = store.history("lo-te-rach-soi-road")[0]
    assert entry.user == "bob" and entry.changes["status"] == ["implementation", "completion"]
    # add mode never touches existing ids
    rows = preview(layer, None, "add", store)
    assert [r.action for r in rows] == ["skip", "skip", "add"]


def test_update_of_attributes_only_from_a_csv_without_geometry(store):
    fill(store)
    data = "id,Tình trạng,progress\nlo-te-rach-soi-road,Đang thi công,55\n".encode()
    layer = read_upload("tien-do.csv", data)
    assert layer.features[0]["geometry"] is None
    (row,) = preview(layer, None, "update", store)
    assert row.action == "update" and row.changes == {"progress": [None, 55]}  # title -> code, unchanged status
    commit(layer, None, "update", store, user="bob")
    assert store.get_project("lo-te-rach-soi-road")["geometry"] == FIXTURES[1]["geometry"]
    (row,) = preview(layer, None, "add", store)
    assert row.action == "skip"


def test_a_file_made_from_an_older_version_is_flagged(store):
    fill(store)
    old = store.get_project("vam-cong-bridge")
    store.update_project("vam-cong-bridge", {"progress": 99}, expected_version=1, user="x", note="")
    (row,) = preview(upload([old]), None, "update", store)
    assert row.action == "update" and row.changes == {"progress": [99, 100]}
    assert "version 1" in row.note and "version 2" in row.note


def test_mapping_defaults_and_titles(store):
    data = ("ma;ten du an;Tình trạng;kinh_do;vi_do;ghi chu\n"
            "cau-moi;Cầu Mới;Đang thi công;105,7469;10,0341;x\n"
            "cau-moi-2;Cầu Mới 2;CANCELLED;105,75;10,04;y\n").encode("utf-8")
    layer = read_upload("cau.csv", data)
    suggested = suggest_mapping(layer)
    assert suggested.fields == {"ma": None, "ten du an": None, "Tình trạng": "status", "ghi chu": None}
    mapping = {"fields": {"ma": "id", "ten du an": "name_vi", "Tình trạng": "status"},
               "defaults": {"name_en": "New bridge", "sector": "transport.road", "lead_agency": "so-gtvt",
                            "location_accuracy": "approximate", "sources": "Khảo sát 2024; Sở GTVT"}}
    rows = preview(layer, mapping, "add", store)
    assert all(r.valid for r in rows), [[str(p) for p in r.problems] for r in rows]
    commit(layer, mapping, "add", store, user="carol")
    p = store.get_project("cau-moi")["properties"]
    assert (p["name_vi"], p["status"], p["sources"]) == ("Cầu Mới", "implementation", ["Khảo sát 2024", "Sở GTVT"])
    assert store.get_project("cau-moi-2")["properties"]["status"] == "cancelled"
    assert store.get_project("cau-moi")["geometry"]["coordinates"] == [105.7469, 10.0341]


def test_conversion_problems_name_the_field(store):
    layer = read_upload("x.csv", "id,name_vi,progress,data_notes,lon,lat\nx,Cầu,about half,{oops,105.7,10\n".encode())
    (row,) = preview(layer, None, "add", store)
    fields = {p.field for p in row.problems}
    assert {"progress", "data_notes"} <= fields
    assert any("not a whole number" in p.message for p in row.problems)


@pytest.mark.parametrize("mapping, mode, message", [
    ({"a": "colour"}, "add", "unknown field"),
    ({"fields": {}, "defaults": {"nope": 1}}, "add", "unknown field"),
    ({"a": "name_vi", "b": "name_vi"}, "add", "several columns"),
    (None, "replace", "mode must be"),
])
def test_bad_mapping_or_mode_is_a_400(store, mapping, mode, message):
    layer = read_upload("x.csv", b"a,b\n1,2\n")
    with pytest.raises(BadRequest, match=message):
        preview(layer, mapping, mode, store)


def test_a_google_earth_kml_maps_its_placemark_names(store):
    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           '<Placemark id="cau-vam-cong"><name>Cầu Vàm Cống</name><description>cầu dây văng</description>'
           '<Point><coordinates>105.503806,10.316806,0</coordinates></Point></Placemark>'
           '</Document></kml>').encode()
    layer = read_upload("doc.kml", kml)
    assert {"Name", "description"} <= set(layer.fields)
    mapping = {"fields": {"Name": "name_vi", "description": "description_vi"},
               "defaults": {"name_en": "Vam Cong Bridge", "sector": "transport.road", "status": "maintenance",
                            "lead_agency": "bo-gtvt", "location_accuracy": "surveyed", "actual_end": "2019-05-19",
                            "sources": "Google Earth"}}
    (row,) = preview(layer, mapping, "add", store)
    assert row.valid and row.id == "cau-vam-cong", [str(p) for p in row.problems]
    commit(layer, mapping, "add", store, user="erin")
    p = store.get_project("cau-vam-cong")["properties"]
    assert (p["name_vi"], p["description_vi"]) == ("Cầu Vàm Cống", "cầu dây văng")


def test_a_layer_survives_json_between_preview_and_commit(store):
    layer = read_upload("x.csv", b"id,progress,wkt\na,x,POINT (1\n")
    again = ImportedLayer.from_dict(json.loads(json.dumps(layer.to_dict())))
    assert again == layer and again.row_problems[1][0][0] == "geometry"
    assert [r.to_dict() for r in preview(again, None, "add", store)] == \
        [r.to_dict() for r in preview(layer, None, "add", store)]


def test_duplicate_ids_in_one_file(store):
    f = project("twice", "Cầu", {"type": "Point", "coordinates": [105.7, 10.0]})
    rows = preview(upload([f, f]), None, "add", store)
    assert rows[0].valid and [p.field for p in rows[1].problems] == ["id"]


# -- one transaction ---------------------------------------------------------------------------------------

def test_import_projects_is_one_transaction(store):
    fill(store, FIXTURES[:1])
    before = snapshot(store)
    new = project("new-one", "Cầu Mới", {"type": "Point", "coordinates": [105.7, 10.0]})
    with pytest.raises(Conflict):  # the second create collides with a stored id
        store.import_projects([new, FIXTURES[0]], [], user="alice", note="n")
    with pytest.raises(Conflict):  # a stale expected_version after a good create and update
        store.import_projects([new], [("vam-cong-bridge", {"progress": 50}, 1),
                                      ("vam-cong-bridge", {"progress": 60}, 1)], user="alice", note="n")
    with pytest.raises(NotFound):
        store.import_projects([new], [("missing", {"progress": 5}, 1)], user="alice", note="n")
    with pytest.raises(Invalid):
        store.import_projects([new, dict(new, id="bad id", properties={})], [], user="alice", note="n")
    assert snapshot(store) == before
    summary = store.import_projects([new], [("vam-cong-bridge", {"progress": 50}, 1),
                                            ("new-one", {}, 1)], user="alice", note="bulk")
    assert summary == {"created": ["new-one"], "updated": ["vam-cong-bridge"], "unchanged": ["new-one"]}
    assert {e.note for e in store.history(limit=2)} == {"bulk"}


@pytest.mark.parametrize("mode, step", [("add", "_insert_project"), ("update", "_update_in")])
def test_a_failure_mid_commit_leaves_the_store_unchanged(store, monkeypatch, mode, step):
    fill(store)
    if mode == "add":
        features = [project(f"new-{i}", "Cầu Mới", {"type": "Point", "coordinates": [105.7, 10.0]})
                    for i in range(3)]
    else:
        features = json.loads(json.dumps(FIXTURES[:3]))
        for i, f in enumerate(features):
            f["properties"]["progress"] = 10 + i
    layer = upload(features)
    before = snapshot(store)
    calls = []
    original = getattr(type(store), step)

    def failing(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(store), step, failing)
    with pytest.raises(RuntimeError, match="disk full"):
        commit(layer, None, mode, store, user="alice")
    assert len(calls) == 2  # the first write happened inside the transaction ...
    assert snapshot(store) == before  # ... and was rolled back


def test_commit_with_seen_versions_refuses_a_project_changed_since_the_preview(store):
    fill(store)
    a = json.loads(json.dumps(FIXTURES[0]))
    a["properties"]["progress"] = 90
    layer = upload([a])
    rows = preview(layer, None, "update", store)
    seen = {r.id: r.expected_version for r in rows}
    store.update_project("vam-cong-bridge", {"progress": 95}, expected_version=1, user="dave", note="")
    before = snapshot(store)
    with pytest.raises(Conflict):
        commit(layer, None, "update", store, user="alice", seen_versions=seen)
    assert snapshot(store) == before


def test_commit_needs_a_user(store):
    with pytest.raises(BadRequest, match="user"):
        commit(upload(FIXTURES[:1]), None, "add", store, user=" ")
