"""The OC4IDS export (/api/oc4ids.json): an OC4IDS 0.9 project package of the map's projects.

What is validated, and what is not: no package on PyPI or npm carries the OC4IDS JSON
schema (libcoveoc4ids and oc4idskit download it from the standard's website at run time,
which this project cannot reach, and the repository must not hold a hand copy). So
``check_package`` below checks, field by field, the rules of the OC4IDS 0.9 project package
and project schemas for every field we publish: required fields, types, the version
pattern, date-time and URI formats, closed codelists (projectStatus, currency, geometry
type), the open codelists we use (projectSector, partyRole) against their published codes,
unique ids, non-empty values and the publicAuthority reference. Not validated: any rule of
the official schema files themselves beyond those (for example constraints added by a
later 0.9.x release to fields we do not publish). ``python tools/validate_oc4ids.py DIR``
does the full validation where the official schema files are at hand (no registry carries them).
"""
import datetime as dt
import json
import os
import re
from urllib.parse import urlsplit

import pytest

from gis import oc4ids, schema

# Published codes of the OC4IDS codelists we use (the standard's codelists, 0.9).
PROJECT_STATUS = {"identification", "preparation", "implementation", "completion", "completed", "cancelled"}
PROJECT_SECTOR = {"education", "health", "energy", "energy.solar", "energy.wind", "energy.hydropower", "energy.biomass",
                  "energy.geothermal", "communications", "waterAndWaste", "governance", "economy",
                  "cultureSportsAndRecreation", "transport", "transport.air", "transport.water", "transport.rail",
                  "transport.road", "transport.urban", "transport.lowCarbon", "socialHousing", "naturalResources",
                  "naturalResources.floodProtection"}
PARTY_ROLE = {"buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee", "reviewBody",
              "publicAuthority", "administrativeEntity"}
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
PROJECT_FIELDS = {"id", "updated", "title", "description", "status", "period", "sector", "purpose",
                  "additionalClassifications", "type", "assetLifetime", "locations", "budget", "parties",
                  "publicAuthority", "documents", "contractingProcesses", "completion", "relatedProjects", "identifiers"}


def is_date_time(value) -> bool:
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri(value) -> bool:
    if not isinstance(value, str) or any(ord(ch) > 126 or ch in ' "<>\\^`{|}' for ch in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


def empty_values(node, path="$"):
    """Paths of null, empty strings, empty arrays and empty objects (OC4IDS 0.9.3+ forbid them)."""
    if node is None or node == "" or node == [] or node == {}:
        return [path]
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in empty_values(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in empty_values(v, f"{path}[{i}]")]
    return []


def check_geometry(geometry) -> list[str]:
    problems = []
    if geometry.get("type") not in GEOMETRY_TYPES:
        problems.append(f"geometry type {geometry.get('type')!r}")
    if not isinstance(geometry.get("coordinates"), list):
        problems.append("coordinates must be an array")
    return problems


def check_project(p: dict) -> list[str]:
    where = p.get("id", "?")
    out = []

    def bad(message):
        out.append(f"{where}: {message}")

    if not isinstance(p.get("id"), str) or not p["id"]:
        bad("id must be a non-empty string")
    for key in sorted(set(p) - PROJECT_FIELDS):
        bad(f"{key} is not an OC4IDS project field")
    for key in ("title", "description", "purpose"):
        if key in p and not isinstance(p[key], str):
            bad(f"{key} must be a string")
    if "updated" in p and not is_date_time(p["updated"]):
        bad(f"updated is not a date-time: {p['updated']!r}")
    if "status" in p and p["status"] not in PROJECT_STATUS:
        bad(f"status {p['status']!r} is not in projectStatus")
    for code in p.get("sector", []):
        if code not in PROJECT_SECTOR:
            bad(f"sector {code!r} is not in projectSector")
        if "." in code and code.split(".")[0] not in p["sector"]:
            bad(f"sector {code!r} without its parent")
    for key in ("startDate", "endDate"):
        if key in p.get("period", {}) and not is_date_time(p["period"][key]):
            bad(f"period.{key} is not a date-time")
    if set(p.get("period", {})) - {"startDate", "endDate", "maxExtentDate", "durationInDays"}:
        bad("unknown period field")
    classes = p.get("additionalClassifications", [])
    if len({json.dumps(c, sort_keys=True) for c in classes}) != len(classes):
        bad("additionalClassifications must be unique")
    for c in classes:
        if not all(isinstance(c.get(k), str) for k in ("scheme", "id", "description")):
            bad(f"classification {c!r}")
    ids = [loc.get("id") for loc in p.get("locations", [])]
    if len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
        bad("every location needs a unique, non-empty id")
    for loc in p.get("locations", []):
        out.extend(f"{where}: {m}" for m in check_geometry(loc.get("geometry", {})))
        if set(loc.get("address", {})) - {"streetAddress", "locality", "region", "postalCode", "countryName"}:
            bad("unknown address field")
    if "budget" in p:
        amount = p["budget"].get("amount", {})
        if not isinstance(amount.get("amount"), (int, float)) or isinstance(amount.get("amount"), bool):
            bad("budget.amount.amount must be a number")
        if amount.get("currency") != "VND":
            bad("budget currency")
    party_ids = [party.get("id") for party in p.get("parties", [])]
    if len(set(party_ids)) != len(party_ids):
        bad("party ids must be unique")
    for party in p.get("parties", []):
        if not isinstance(party.get("id"), str) or not isinstance(party.get("name"), str):
            bad(f"party {party!r} needs an id and a name")
        for role in party.get("roles", []):
            if role not in PARTY_ROLE:
                bad(f"role {role!r} is not in partyRole")
    if "publicAuthority" in p:
        ref = p["publicAuthority"]
        match = [x for x in p.get("parties", []) if x.get("id") == ref.get("id") and x.get("name") == ref.get("name")]
        if not match or "publicAuthority" not in match[0].get("roles", []):
            bad("publicAuthority must reference a party with the publicAuthority role")
    if "completion" in p:
        if "endDate" in p["completion"] and not is_date_time(p["completion"]["endDate"]):
            bad("completion.endDate is not a date-time")
        if not isinstance(p["completion"].get("endDateDetails", ""), str):
            bad("completion.endDateDetails must be a string")
    doc_ids = [d.get("id") for d in p.get("documents", [])]
    if len(set(doc_ids)) != len(doc_ids) or not all(isinstance(i, str) and i for i in doc_ids):
        bad("every document needs a unique, non-empty id")
    for d in p.get("documents", []):
        if "url" in d and not is_uri(d["url"]):
            bad(f"document url is not a URI: {d['url']!r}")
    return out


def check_package(package: dict) -> list[str]:
    """Every problem of an OC4IDS 0.9 project package (empty when fine), for the fields we publish."""
    out = []
    for key in ("uri", "publisher", "publishedDate", "projects", "version"):
        if key not in package:
            out.append(f"missing {key}")
    if not re.match(r"^(\d+\.)(\d+)$", str(package.get("version"))):
        out.append("version must be major.minor")
    if not is_uri(package.get("uri")):
        out.append("uri must be a URI")
    if not is_date_time(package.get("publishedDate")):
        out.append("publishedDate must be a date-time")
    if not isinstance(package.get("publisher", {}).get("name"), str) or not package["publisher"]["name"]:
        out.append("publisher needs a name")
    if "license" in package and not is_uri(package["license"]):
        out.append("license must be a URI")
    if set(package) - {"uri", "publisher", "publishedDate", "projects", "version", "license", "publicationPolicy"}:
        out.append("unknown package field")
    projects = package.get("projects")
    if not isinstance(projects, list) or not projects:
        out.append("projects must be a non-empty array")
        return out
    ids = [p.get("id") for p in projects]
    if len(set(ids)) != len(ids):
        out.append("project ids must be unique")
    out += [f"empty value at {p}" for p in empty_values(package)]
    for p in projects:
        out += check_project(p)
    return out


# -- mappings ---------------------------------------------------------------------------------------

def test_every_status_and_sector_of_ours_maps_to_an_oc4ids_code():
    assert set(oc4ids.STATUS) == set(schema.codes("status"))
    assert set(oc4ids.STATUS.values()) <= PROJECT_STATUS
    assert oc4ids.STATUS["maintenance"] == "completion"
    assert set(oc4ids.SECTOR) == set(schema.codes("sector"))
    for ours, codes in oc4ids.SECTOR.items():
        assert codes and set(codes) <= PROJECT_SECTOR, ours
        assert all(c.split(".")[0] in codes for c in codes), ours


def test_the_mappings_are_documented():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "reports.md"), encoding="utf-8") as f:
        doc = f.read()
    for ours, theirs in oc4ids.STATUS.items():
        assert f"| `{ours}` | `{theirs}` |" in doc, ours
    for ours, theirs in oc4ids.SECTOR.items():
        assert f"| `{ours}` | {', '.join(f'`{c}`' for c in theirs)} |" in doc, ours


def feature(fid="cau-moi", **extra):
    props = {"id": fid, "name_vi": "Cầu mới", "name_en": "New bridge", "sector": "transport.road",
             "status": "maintenance", "lead_agency": "so-gtvt", "location_accuracy": "approximate", "sources": [
                 "https://vi.wikipedia.org/wiki/Cầu_Cần_Thơ", "Kế hoạch 14-CTr/TU, mục III.3.c"],
             "planned_start": "2016", "planned_end": "2019-02", "actual_end": "2020", "investment_vnd": 2_100_000_000_000,
             "districts": ["cai-rang"], "version": 1, "updated_at": "2026-11-27T00:00:00Z"}
    props.update(extra)
    return {"type": "Feature", "id": fid, "properties": props,
            "geometry": {"type": "LineString", "coordinates": [[105.78, 10.02], [105.80, 10.04]]}}


def test_a_project_maps_dates_money_parties_location_and_sources():
    p = oc4ids.project(feature(), "vi", base_url="https://example.test/")
    assert p["id"] == "oc4ids-cantho-cau-moi" and p["title"] == "Cầu mới"
    assert p["status"] == "completion" and p["sector"] == ["transport", "transport.road"]
    assert {"scheme": "x-cantho-status", "id": "maintenance", "description": "Đang khai thác"} in p["additionalClassifications"]
    assert p["period"] == {"startDate": "2016-01-01T00:00:00+07:00", "endDate": "2019-02-28T23:59:59+07:00"}
    assert p["completion"] == {"endDate": "2020-12-31T23:59:59+07:00", "endDateDetails": "Ngày chỉ biết đến năm: 2020"}
    assert p["budget"] == {"amount": {"amount": 2_100_000_000_000, "currency": "VND"}}
    assert p["parties"] == [{"id": "cantho-agency-so-gtvt", "name": "Sở Giao thông vận tải", "roles": ["publicAuthority"]}]
    assert p["publicAuthority"] == {"id": "cantho-agency-so-gtvt", "name": "Sở Giao thông vận tải"}
    loc = p["locations"][0]
    assert loc["geometry"]["coordinates"][0] == [105.78, 10.02]  # GeoJSON order: longitude, latitude
    assert loc["address"]["locality"] == "Quận Cái Răng"
    urls = [d.get("url") for d in p["documents"]]
    assert "https://vi.wikipedia.org/wiki/C%E1%BA%A7u_C%E1%BA%A7n_Th%C6%A1" in urls
    assert "https://example.test/projects/cau-moi" in urls
    assert {"id": "2", "title": "Kế hoạch 14-CTr/TU, mục III.3.c"} in p["documents"]
    en = oc4ids.project(feature(), "en")
    assert en["title"] == "New bridge" and en["completion"]["endDateDetails"] == "Date known only to the year: 2020"
    assert check_project(p) == [] and check_project(en) == []


def test_unknown_values_are_left_out_not_published_empty():
    bare = feature("bare", planned_start=None, planned_end=None, actual_end=None, investment_vnd=None, districts=[],
                   description_vi="", status="identification")
    p = oc4ids.project(bare, "vi")
    assert not {"period", "completion", "budget", "description"} & set(p)
    package = oc4ids.project_package([bare], uri="https://example.test/api/oc4ids.json")
    assert check_package(package) == []
    assert "license" not in package  # no licence has been chosen for the data yet


def test_the_checker_catches_what_it_claims_to_check():
    package = oc4ids.project_package([feature()], uri="https://example.test/api/oc4ids.json")
    broken = json.loads(json.dumps(package))
    broken["version"] = "0.9.5"
    broken["projects"][0]["status"] = "maintenance"
    broken["projects"][0]["period"]["endDate"] = "2019"
    broken["projects"][0]["sector"] = ["transport.road"]
    broken["projects"][0]["budget"]["amount"]["currency"] = "VNĐ"
    broken["projects"][0]["locations"][0]["geometry"]["type"] = "Circle"
    problems = " | ".join(check_package(broken))
    for expected in ("version", "projectStatus", "period.endDate", "without its parent", "currency", "Circle"):
        assert expected in problems


# -- the endpoint -----------------------------------------------------------------------------------------

@pytest.fixture
def app(sqlite_url):
    from app import create_app
    from gis.web import report_routes

    app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url})
    if "reports" not in app.blueprints:  # until the lead registers it in gis.web.init_app
        app.register_blueprint(report_routes.bp)
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    return app


def test_the_package_of_every_public_project_is_valid(app):
    resp = app.test_client().get("/api/oc4ids.json?lang=vi")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    package = resp.get_json()
    assert check_package(package) == []
    assert package["version"] == "0.9" and package["uri"].endswith("/api/oc4ids.json?lang=vi")
    assert package["publisher"]["name"] == "Sở Kế hoạch và Đầu tư thành phố Cần Thơ"
    assert package["publishedDate"] == "2026-11-27T00:00:00Z"  # the latest change of the data
    assert len(package["projects"]) == 68
    bridge = next(p for p in package["projects"] if p["id"] == "oc4ids-cantho-vam-cong-bridge")
    assert bridge["status"] == "completion" and bridge["budget"]["amount"]["amount"] == 5_460_000_000_000
    assert bridge["completion"] == {"endDate": "2019-05-19T23:59:59+07:00"}
    assert bridge["period"] == {"endDate": "2017-12-31T23:59:59+07:00"}
    lon, lat = bridge["locations"][0]["geometry"]["coordinates"]
    assert 105.2 < lon < 106.0 and 9.9 < lat < 10.4  # (lon, lat), in Cần Thơ
    assert bridge["publicAuthority"]["name"] == "Bộ Giao thông vận tải"


def test_the_map_filters_apply_and_archived_projects_are_left_out(app):
    c = app.test_client()
    road = c.get("/api/oc4ids.json?sector=transport.road&status=maintenance&lang=en").get_json()
    assert road["projects"] and all(p["sector"] == ["transport", "transport.road"] for p in road["projects"])
    assert all({"scheme": "x-cantho-status", "id": "maintenance", "description": "In operation"}
               in p["additionalClassifications"] for p in road["projects"])
    assert check_package(road) == []
    assert c.get("/api/oc4ids.json?status=bogus").status_code == 400
    assert c.get("/api/oc4ids.json?colour=red").status_code == 400
    with app.app_context():
        from gis.web import get_store

        store = get_store()
        bridge = store.get_project("vam-cong-bridge")
        store.update_project("vam-cong-bridge", {"archived": True}, expected_version=bridge["properties"]["version"],
                             user="admin@sokhdt.cantho.gov.vn", note="test", action="archive")
    ids = {p["id"] for p in c.get("/api/oc4ids.json").get_json()["projects"]}
    assert "oc4ids-cantho-vam-cong-bridge" not in ids and len(ids) == 67
