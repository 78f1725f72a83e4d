"""The shipped data: projects.geojson and layers/ as the plan and the reference facts say."""
import json
import os

import pytest

from gis import schema
from gis.store.seed import export_geojson, load_seed
from gis.validate import check_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECTS = os.path.join(ROOT, "projects.geojson")
LAYERS = os.path.join(ROOT, "layers")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def projects():
    return {f["id"]: f for f in load(PROJECTS)["features"]}


def test_shipped_files_pass_the_validator():
    files = [PROJECTS] + [os.path.join(LAYERS, e["file"]) for e in load(os.path.join(LAYERS, "manifest.json"))]
    for path in files:
        assert check_file(path) == [], path


def test_every_project_carries_sources_and_location_accuracy(projects):
    for fid, f in projects.items():
        p = f["properties"]
        assert p["sources"] and all(s.strip() for s in p["sources"]), fid
        assert p["location_accuracy"] in schema.codes("location_accuracy"), fid


# Coordinates given by ../shared/reference/facts.md (lon, lat) with a HIGH confidence.
LANDMARKS = {
    "vam-cong-bridge": (105.503806, 10.316806),  # en.wikipedia infobox
    "can-tho-airport-new-routes": (105.7100, 10.0839),  # AIP aerodrome reference point
}


@pytest.mark.parametrize("fid, lonlat", LANDMARKS.items())
def test_landmarks_sit_where_the_reference_puts_them(projects, fid, lonlat):
    f = projects[fid]
    assert f["geometry"]["type"] == "Point"
    lon, lat = f["geometry"]["coordinates"]
    assert abs(lon - lonlat[0]) < 1e-6 and abs(lat - lonlat[1]) < 1e-6
    assert f["properties"]["location_accuracy"] == "surveyed"


# The plan's key projects (issue #2): each must be there, with the right kind of geometry.
REQUIRED = {
    "vam-cong-bridge": "Point", "lo-te-rach-soi-road": "LineString", "ql91-long-xuyen-bypass-link": "LineString",
    "my-thuan-can-tho-expressway": "LineString", "ql91-km0-km7-upgrade": "LineString",
    "nga-nam-cai-cui-road-phase-2": "LineString", "ql91-nam-song-hau-link-road": "LineString",
    "waterway-hau-river": "LineString", "waterway-can-tho-river": "LineString", "waterway-cai-san-canal": "LineString",
    "waterway-o-mon-thi-doi": "LineString", "cai-cui-port-phase-2": "Point", "hung-phu-1-seaport-cluster-a": "Point",
    "can-tho-airport-new-routes": "Point", "hcmc-can-tho-railway": "LineString", "tourism-con-son": "Point",
    "tourism-con-tan-loc": "Point", "tourism-vuon-co-bang-lang": "Point", "tourism-phong-dien-eco-urban": "Point",
    "hitech-park": "Point", "it-park": "Point", "hitech-agriculture-thanh-phu": "Point", "ip-tra-noc-1": "Point",
    "ip-tra-noc-2": "Point", "ip-hung-phu-1": "Point", "ip-hung-phu-2": "Point", "ip-thot-not": "Point",
    "ip-o-mon": "Point", "regional-logistics-centre": "Point", "wholesale-markets": "Point",
    "mekong-technology-exchange": "Point",
}


def test_every_key_project_of_the_plan_is_there(projects):
    missing = sorted(set(REQUIRED) - set(projects))
    assert not missing
    wrong = {fid: projects[fid]["geometry"]["type"] for fid, kind in REQUIRED.items()
             if projects[fid]["geometry"]["type"] != kind}
    assert not wrong


def test_lines_follow_the_known_points_and_say_when_they_are_schematic(projects):
    # The Hậu river passes landmarks the facts place (Vàm Cống bridge, Tân Lộc, Cồn Sơn, Cần Thơ bridge...).
    assert len(projects["waterway-hau-river"]["geometry"]["coordinates"]) >= 5
    for fid, f in projects.items():
        geom = f["geometry"]
        if geom["type"] == "LineString" and len(geom["coordinates"]) == 2:
            p = f["properties"]  # only two ends known: a schematic line, and it says so
            assert p["location_accuracy"] == "indicative", fid
            assert "schematic" in (p.get("location_note") or "").lower(), fid


def test_the_36_new_rural_communes_are_counted_with_district_and_year(projects):
    ntm = [f for f in projects.values() if f["properties"]["sector"] == "rural.ntm"]
    assert len(ntm) == 36
    per_district = {}
    for f in ntm:
        p = f["properties"]
        assert len(p["districts"]) == 1 and p["ntm_year"] is not None, f["id"]
        per_district[p["districts"][0]] = per_district.get(p["districts"][0], 0) + 1
    # facts.md: Phong Điền 6, Thới Lai 12, Cờ Đỏ 9, Vĩnh Thạnh 9.
    assert per_district == {"phong-dien": 6, "thoi-lai": 12, "co-do": 9, "vinh-thanh": 9}


def test_unknown_facts_are_said_to_be_unknown(projects):
    """A null date/figure on a started project is explained in data_notes, never silently empty."""
    for fid, f in projects.items():
        p = f["properties"]
        if p["status"] in ("completion", "maintenance") and not p.get("actual_end"):
            assert "actual_end" in (p.get("data_notes") or {}), fid


def test_base_layers_are_described_in_the_manifest():
    manifest = load(os.path.join(LAYERS, "manifest.json"))
    assert [e["name"] for e in manifest][:2] == ["city", "districts"]
    names = {e["name"] for e in manifest}
    assert {"city", "districts", "communes", "rivers"} <= names
    for e in manifest:
        for key in ("file", "title_vi", "title_en", "geometry", "source", "accuracy", "licence"):
            assert e.get(key), (e["name"], key)
        assert os.path.exists(os.path.join(LAYERS, e["file"]))
    districts = load(os.path.join(LAYERS, "districts.geojson"))["features"]
    assert sorted(f["id"] for f in districts) == sorted(schema.codes("districts"))


def test_load_export_load_keeps_every_feature(store, tmp_path):
    """load -> export -> load gives the same features (ids, properties, geometry to 1e-7 degrees)."""
    load_seed(store, PROJECTS, LAYERS)
    exported = export_geojson(store)
    path = tmp_path / "exported.geojson"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    original = {f["id"]: f for f in load(PROJECTS)["features"]}
    again = {f["id"]: f for f in exported["features"]}
    assert set(again) == set(original)
    for fid, f in original.items():
        assert again[fid]["properties"] == f["properties"], fid
        assert _close(again[fid]["geometry"]["coordinates"], f["geometry"]["coordinates"]), fid
    load_seed(store, str(path), LAYERS)  # the export is itself a valid seed
    assert store.count_projects() == len(original)


def _close(a, b, tol=1e-7):
    if isinstance(a, (int, float)):
        return abs(a - b) <= tol
    return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
