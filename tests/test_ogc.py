"""OGC API - Features (read) at /ogc: Core, GeoJSON, HTML, OpenAPI 3.0; on both backends."""
import json
import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from app import create_app
from gis import ogc
from gis.layers import load_manifest
from gis.store.base import ProjectQuery
from gis.store.seed import read_layers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECTS_FILE = os.path.join(ROOT, "projects.geojson")
LAYERS_DIR = os.path.join(ROOT, "layers")
BASE_LAYERS = [e["name"] for e in load_manifest(LAYERS_DIR)]

# updated_at of the first four projects (by id); the others keep the seed's value
STAMPS = ["2019-12-31T23:59:59Z", "2020-01-01T00:00:00Z", "2020-06-15T12:00:00Z", "2021-01-01T00:00:00Z"]
SEED_STAMP = "2026-11-27T00:00:00Z"


def seed_features():
    with open(PROJECTS_FILE, encoding="utf-8") as f:
        features = sorted(json.load(f)["features"], key=lambda f: f["id"])
    for feature, stamp in zip(features, STAMPS):
        feature["properties"]["updated_at"] = stamp
    return features


FEATURES = seed_features()
IDS = [f["id"] for f in FEATURES]


def with_ogc(app):
    """Register the blueprints unless gis.web already does."""
    from gis.web import ogc_routes

    if "ogc" not in app.blueprints:
        app.register_blueprint(ogc_routes.bp)
    if "api_docs" not in app.blueprints:
        app.register_blueprint(ogc_routes.docs_bp)
    return app


@pytest.fixture
def seeded(store):
    store.seed(seed_features(), read_layers(LAYERS_DIR))
    return store


@pytest.fixture
def client(seeded, store_url):
    app = with_ogc(create_app({"TESTING": True, "DATABASE_URL": store_url, "LAYERS_DIR": LAYERS_DIR}))
    return app.test_client()


def get_json(client, url, status=200, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == status, (url, resp.get_data(as_text=True)[:500])
    return resp, json.loads(resp.get_data(as_text=True))


def links(doc, rel):
    return [link for link in doc["links"] if link["rel"] == rel]


def item_ids(client, url):
    return [f["id"] for f in get_json(client, url)[1]["features"]]


# -- the core stays free of Flask ------------------------------------------------------------

def test_ogc_and_openapi_do_not_import_flask():
    code = ("import sys, gis.ogc, gis.openapi.app_api, gis.openapi.ogc_api, gis.openapi.docs; "
            "sys.exit('flask' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


# -- landing page, conformance, API definition -----------------------------------------------

def test_landing_page_links_the_api_definition_conformance_and_data(client):
    resp, doc = get_json(client, "/ogc")
    assert resp.mimetype == "application/json"
    assert doc["title"] and doc["description"]
    [desc] = links(doc, "service-desc")
    assert desc["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert desc["href"].startswith("http://") and desc["href"].endswith("/ogc/api")
    [doc_page] = links(doc, "service-doc")
    assert doc_page["type"] == "text/html"
    assert links(doc, "conformance")[0]["href"].split("?")[0].endswith("/ogc/conformance")
    assert links(doc, "data")[0]["href"].split("?")[0].endswith("/ogc/collections")
    assert get_json(client, "/ogc/")[1] == doc
    assert resp.headers["Access-Control-Allow-Origin"] == "*"  # public, read-only: web maps may read it


def test_conformance_declares_core_geojson_html_and_oas30(client):
    _, doc = get_json(client, "/ogc/conformance")
    base = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    assert set(doc["conformsTo"]) >= {base + c for c in ("core", "geojson", "html", "oas30")}


def test_api_definition_is_a_valid_openapi_30_document(client):
    from openapi_spec_validator import validate

    resp = client.get("/ogc/api")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    doc = json.loads(resp.get_data(as_text=True))
    validate(doc)
    for cid in ["projects"] + BASE_LAYERS:
        assert f"/collections/{cid}/items" in doc["paths"]
    names = {doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]]["name"]
             for p in doc["paths"]["/collections/projects/items"]["get"]["parameters"]}
    assert names >= {"bbox", "limit", "offset", "datetime", "status", "sector", "lead_agency", "f"}


# -- collections ---------------------------------------------------------------------------

def test_collections_are_projects_and_every_base_layer(client):
    _, doc = get_json(client, "/ogc/collections")
    assert [c["id"] for c in doc["collections"]] == ["projects"] + BASE_LAYERS
    for c in doc["collections"]:
        assert c["itemType"] == "feature"
        assert {"self", "alternate", "items"} <= {link["rel"] for link in c["links"]}
        [items] = [link for link in c["links"] if link["rel"] == "items" and link["type"] == "application/geo+json"]
        assert "?" not in items["href"]  # GDAL appends /{featureId} to it
        minx, miny, maxx, maxy = c["extent"]["spatial"]["bbox"][0]
        assert 104.9 <= minx < maxx <= 106.9 and 9.4 <= miny < maxy <= 11.0  # lon, lat around Cần Thơ
        assert c["extent"]["spatial"]["crs"] == ogc.CRS84


def test_project_extent_is_computed_from_the_data(client):
    _, c = get_json(client, "/ogc/collections/projects")
    xs, ys = [], []
    for f in FEATURES:
        coords = f["geometry"]["coordinates"]
        for x, y in ([coords] if f["geometry"]["type"] == "Point" else coords):
            xs.append(x)
            ys.append(y)
    assert c["extent"]["spatial"]["bbox"][0] == pytest.approx([min(xs), min(ys), max(xs), max(ys)], abs=1e-6)
    assert c["extent"]["temporal"]["interval"] == [[STAMPS[0], SEED_STAMP]]


def test_base_layers_are_titled_in_the_request_language_and_say_accuracy_and_licence(client):
    manifest = {e["name"]: e for e in load_manifest(LAYERS_DIR)}
    _, vi = get_json(client, "/ogc/collections/districts")
    _, en = get_json(client, "/ogc/collections/districts?lang=en")
    assert vi["title"] == manifest["districts"]["title_vi"]
    assert en["title"] == manifest["districts"]["title_en"]
    assert "indicative" in vi["description"] and "minh họa" in vi["description"]
    assert "indicative" in en["description"] and "Licence" in en["description"]
    assert manifest["districts"]["licence"].rstrip(".") in en["description"]
    assert "temporal" not in vi["extent"]


def test_unknown_collection_is_a_404_exception(client):
    _, body = get_json(client, "/ogc/collections/nowhere", 404)
    assert body["code"] == "NotFound" and "nowhere" in body["description"]
    get_json(client, "/ogc/collections/nowhere/items", 404)


# -- items: paging -------------------------------------------------------------------------------

def test_items_default_page_counts_and_links(client):
    resp, page = get_json(client, "/ogc/collections/projects/items")
    assert resp.mimetype == "application/geo+json"
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == len(IDS) and page["numberReturned"] == 10
    assert [f["id"] for f in page["features"]] == IDS[:10]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page["timeStamp"])
    assert links(page, "next") and not links(page, "prev")
    assert links(page, "next")[0]["type"] == "application/geo+json"
    assert "Vàm Cống" in resp.get_data(as_text=True) or "vam-cong-bridge" not in IDS[:10]  # UTF-8, not \\u


def test_following_next_links_reads_every_feature_once(client):
    url, seen, pages = "/ogc/collections/projects/items?limit=7", [], 0
    while url:
        _, page = get_json(client, url)
        assert page["numberMatched"] == len(IDS)
        seen += [f["id"] for f in page["features"]]
        nxt = links(page, "next")
        url = nxt[0]["href"] if nxt else None
        pages += 1
    assert seen == IDS and pages == -(-len(IDS) // 7)


def test_prev_link_goes_back_one_page(client):
    _, page = get_json(client, "/ogc/collections/projects/items?limit=5&offset=12")
    prev = links(page, "prev")[0]["href"]
    assert parse_qs(urlsplit(prev).query)["offset"] == ["7"]
    _, first = get_json(client, "/ogc/collections/projects/items?limit=5&offset=3")
    assert "offset" not in parse_qs(urlsplit(links(first, "prev")[0]["href"]).query)


def test_limit_is_clamped_to_the_maximum_and_must_be_positive(client):
    _, page = get_json(client, "/ogc/collections/projects/items?limit=20000")
    assert page["numberReturned"] == len(IDS)
    assert parse_qs(urlsplit(links(page, "self")[0]["href"]).query)["limit"] == [str(ogc.MAX_LIMIT)]
    for bad in ("0", "-1", "ten", "1.5"):
        _, body = get_json(client, f"/ogc/collections/projects/items?limit={bad}", 400)
        assert body["code"] == "InvalidParameterValue" and "limit" in body["description"]
    for bad in ("-3", str(10**20)):
        _, body = get_json(client, f"/ogc/collections/projects/items?offset={bad}", 400)
        assert "offset" in body["description"]


def test_paging_past_the_end_is_an_empty_page(client):
    _, page = get_json(client, "/ogc/collections/projects/items?offset=1000")
    assert page["features"] == [] and page["numberMatched"] == len(IDS) and page["numberReturned"] == 0
    assert not links(page, "next")


# -- items: filters --------------------------------------------------------------------------

def test_bbox_filter_matches_the_api_and_pages(client):
    bbox = "105.7,10.0,105.8,10.1"
    _, api = get_json(client, f"/api/projects?bbox={bbox}")
    expected = [f["id"] for f in api["features"]]
    assert 2 < len(expected) < len(IDS)
    _, page = get_json(client, f"/ogc/collections/projects/items?bbox={bbox}&limit=2")
    assert page["numberMatched"] == len(expected)
    assert [f["id"] for f in page["features"]] == expected[:2]
    assert parse_qs(urlsplit(links(page, "next")[0]["href"]).query)["bbox"] == [bbox]
    assert item_ids(client, "/ogc/collections/projects/items?bbox=105.7,10.0,0,105.8,10.1,100&limit=100") == expected


def test_bbox_must_be_well_formed(client):
    for bad in ("1,2,3", "a,b,c,d", "105.8,10,105.7,10.1", "200,0,201,1"):
        _, body = get_json(client, f"/ogc/collections/projects/items?bbox={bad}", 400)
        assert body["code"] == "InvalidParameterValue" and "bbox" in body["description"]


def test_property_filters(client):
    status = FEATURES[0]["properties"]["status"]
    expected = [f["id"] for f in FEATURES if f["properties"]["status"] == status]
    url = f"/ogc/collections/projects/items?status={status}&limit=100"
    assert item_ids(client, url) == expected
    both = [f["id"] for f in FEATURES if f["properties"]["status"] in ("maintenance", "implementation")
            and f["properties"]["sector"] == "transport.road"]
    assert item_ids(client, "/ogc/collections/projects/items?status=maintenance,implementation"
                            "&sector=transport.road&limit=100") == both
    _, page = get_json(client, "/ogc/collections/projects/items?status=maintenance&status=implementation"
                               "&sector=transport.road&limit=1")
    assert page["numberMatched"] == len(both)
    assert "status=maintenance,implementation" in links(page, "next")[0]["href"]
    _, body = get_json(client, "/ogc/collections/projects/items?status=finished", 400)
    assert "finished" in body["description"]


def test_unknown_parameters_are_a_400_exception(client):
    for url in ("/ogc/collections/projects/items?colour=red", "/ogc/collections?limit=3", "/ogc?x=1",
                "/ogc/collections/districts/items?status=maintenance",
                "/ogc/collections/projects/items/vam-cong-bridge?limit=1"):
        resp, body = get_json(client, url, 400)
        assert resp.mimetype == "application/json"
        assert set(body) == {"code", "description"} and body["code"] == "InvalidParameterValue"


@pytest.mark.parametrize("value, expected", [
    ("2020-01-01T00:00:00Z", [1]),
    ("2020-01-01", [1]),  # a date is the whole day
    ("2020-01-01T07:00:00+07:00", [1]),  # offsets are converted to UTC
    ("2020-06-15T12:00:00.5Z", []),
    ("2020-01-01/2020-12-31", [1, 2]),
    ("2020-01-01T00:00:00Z/2020-06-15T12:00:00Z", [1, 2]),
    ("../2020-01-01", [0, 1]),
    ("/2019-12-31T23:59:59Z", [0]),
    ("2021-01-01T00:00:00Z/..", "3+"),
    ("2026-01-01T/..", "4+"),  # as GDAL 3.6 writes a date
    ("../..", "all"),
])
def test_datetime_filters_updated_at(client, value, expected):
    if expected == "all":
        expected = IDS
    elif isinstance(expected, str):
        expected = IDS[int(expected[:-1]):]
    else:
        expected = [IDS[i] for i in expected]
    got = item_ids(client, f"/ogc/collections/projects/items?limit=100&datetime={value.replace('+', '%2B')}")
    assert got == expected


@pytest.mark.parametrize("value", ["yesterday", "2020-13-01", "2021-01-01/2020-01-01", "2020/2021/2022", ".."])
def test_bad_datetime_is_a_400(client, value):
    _, body = get_json(client, f"/ogc/collections/projects/items?datetime={value}", 400)
    assert "datetime" in body["description"]


def test_base_layers_have_no_datetime(client):
    _, body = get_json(client, "/ogc/collections/districts/items?datetime=2020-01-01", 400)
    assert "datetime" in body["description"]


# -- base layers, single features, archived projects --------------------------------------------

def test_base_layer_items_page_and_filter_by_bbox(client, seeded):
    features = seeded.list_layer("communes")
    _, page = get_json(client, "/ogc/collections/communes/items?limit=20&offset=20")
    assert page["numberMatched"] == len(features) and page["numberReturned"] == 20
    assert [f["id"] for f in page["features"]] == [f["id"] for f in features[20:40]]
    box = (105.7, 10.0, 105.8, 10.1)
    expected = [f["id"] for f in seeded.list_layer("communes", box)]
    assert item_ids(client, "/ogc/collections/communes/items?limit=100&bbox=105.7,10.0,105.8,10.1") == expected


def test_one_feature(client, seeded):
    resp, feature = get_json(client, "/ogc/collections/projects/items/vam-cong-bridge")
    assert resp.mimetype == "application/geo+json"
    assert feature["type"] == "Feature" and feature["id"] == "vam-cong-bridge"
    assert feature["properties"]["name_vi"].startswith("Cầu Vàm Cống")
    assert {"self", "alternate", "collection"} <= {link["rel"] for link in feature["links"]}
    district = seeded.list_layer("districts")[0]
    _, got = get_json(client, f"/ogc/collections/districts/items/{district['id']}")
    assert got["geometry"] == district["geometry"]
    _, body = get_json(client, "/ogc/collections/projects/items/no-such-project", 404)
    assert body["code"] == "NotFound"
    get_json(client, "/ogc/collections/districts/items/no-such-district", 404)


def test_archived_projects_are_not_in_the_collection(client, seeded):
    seeded.update_project("vam-cong-bridge", {"archived": True}, expected_version=1, user="t", note="test",
                          action="archive")
    _, page = get_json(client, "/ogc/collections/projects/items?limit=100")
    assert "vam-cong-bridge" not in [f["id"] for f in page["features"]]
    assert page["numberMatched"] == len(IDS) - 1
    get_json(client, "/ogc/collections/projects/items/vam-cong-bridge", 404)


def test_feature_schema_lists_every_property_with_client_friendly_types(client):
    resp, doc = get_json(client, "/ogc/collections/projects/schema")
    assert resp.mimetype == "application/schema+json"
    props = doc["properties"]["properties"]["properties"]
    assert {"name_vi", "status", "ntm_year", "updated_at", "version"} <= set(props)
    assert props["investment_vnd"]["type"] == "number"  # beyond 32 bits
    assert props["progress"]["type"] == "integer" and props["updated_at"]["format"] == "date-time"
    assert "id" not in props  # the Feature's id
    _, layer = get_json(client, "/ogc/collections/communes/schema")
    assert layer["properties"]["properties"]["properties"]["name_vi"]["type"] == "string"


# -- formats ---------------------------------------------------------------------------------

HTML_URLS = ["/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/projects",
             "/ogc/collections/projects/items", "/ogc/collections/communes/items?limit=5&offset=5",
             "/ogc/collections/projects/items/vam-cong-bridge", "/ogc/collections/districts/items/ninh-kieu",
             "/ogc/api"]


@pytest.mark.parametrize("url", HTML_URLS)
def test_every_resource_has_an_html_page_without_external_assets(client, url):
    sep = "&" if "?" in url else "?"
    resp = client.get(url + sep + "f=html")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert not re.search(r'<(script|link|img)\b[^>]*\b(src|href)="(https?:)?//', html)
    assert 'lang="vi"' in html


def test_html_pages_are_translated_data(client):
    html = client.get("/ogc/collections/districts?f=html&lang=en").get_data(as_text=True)
    assert "Districts (2017)" in html
    html = client.get("/ogc/collections/projects/items?f=html&limit=100&lang=vi").get_data(as_text=True)
    assert html.count("data-feature-id=") == len(IDS)
    assert "Cầu Vàm Cống" in html
    html = client.get("/ogc/collections/projects/items?f=html&limit=5").get_data(as_text=True)
    assert 'rel="next"' in html and "f=html" in html


def test_content_negotiation(client):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    assert client.get("/ogc/collections", headers=browser).mimetype == "text/html"
    assert client.get("/ogc/collections", headers={"Accept": "application/json"}).mimetype == "application/json"
    assert client.get("/ogc/collections", headers={"Accept": "*/*"}).mimetype == "application/json"
    assert client.get("/ogc/collections?f=json", headers=browser).mimetype == "application/json"
    items = client.get("/ogc/collections/projects/items", headers={"Accept": "application/geo+json"})
    assert items.mimetype == "application/geo+json"
    api = client.get("/ogc/api", headers={"Accept": "application/vnd.oai.openapi+json;version=3.0"})
    assert api.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert client.get("/ogc/api", headers=browser).mimetype == "text/html"
    resp, body = get_json(client, "/ogc/collections?f=xml", 400)
    assert body["code"] == "InvalidParameterValue"
    assert client.get("/ogc/collections?f=xml", headers=browser).mimetype == "text/html"  # errors negotiate too


# -- the store: updated_from/updated_to and the paged JSON ---------------------------------------

def test_store_filters_by_updated_at_window(seeded):
    def ids(**kw):
        return [f["id"] for f in seeded.list_projects(ProjectQuery(**kw))]

    assert ids(updated_from=STAMPS[1], updated_to=STAMPS[2]) == IDS[1:3]
    assert ids(updated_to=STAMPS[0]) == IDS[:1]
    assert ids(updated_from=STAMPS[3]) == IDS[3:]
    assert seeded.count_projects(ProjectQuery(updated_from=STAMPS[1], updated_to=STAMPS[3], limit=1)) == 3
    assert ids(updated_from=STAMPS[2], updated_to=STAMPS[1]) == []


QUERIES = [
    ProjectQuery(limit=10),
    ProjectQuery(limit=10, offset=60),
    ProjectQuery(limit=5, offset=200),
    ProjectQuery(),
    ProjectQuery(bbox=(105.7, 10.0, 105.8, 10.1), limit=3),
    ProjectQuery(bbox=(105.7, 10.0, 105.8, 10.1), limit=3, offset=3),
    ProjectQuery(bbox=(105.2, 9.9, 105.9, 10.4), limit=100),
    ProjectQuery(bbox=(105.0, 9.5, 105.01, 9.51), limit=10),
    ProjectQuery(status=("maintenance",), sector=("transport.road",), limit=2),
    ProjectQuery(updated_from=STAMPS[1], limit=2, offset=1),
]


@pytest.mark.parametrize("query", QUERIES)
def test_paged_json_matches_listing_and_count_in_two_queries_at_most(seeded, query):
    import sqlalchemy as sa

    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(seeded.engine, "before_cursor_execute", count)
    try:
        matched, returned, text = seeded.feature_page_json(query)
    finally:
        sa.event.remove(seeded.engine, "before_cursor_execute", count)
    assert len(statements) <= 2
    expected = seeded.list_projects(query)
    assert json.loads(text) == expected
    assert returned == len(expected)
    assert matched == seeded.count_projects(query)


def test_items_read_only_a_page_of_projects(client, seeded, monkeypatch):
    """The handler never lists the whole table (no list_projects/count_projects per request)."""
    def boom(*a, **k):
        raise AssertionError("whole-table read")

    monkeypatch.setattr(type(seeded), "list_projects", boom)
    monkeypatch.setattr(type(seeded), "count_projects", boom)
    _, page = get_json(client, "/ogc/collections/projects/items?limit=3&bbox=105.2,9.9,105.9,10.4")
    assert page["numberReturned"] == 3


def test_project_extent_leaves_archived_projects_out(seeded):
    bbox, interval = ogc.project_extent(seeded)
    assert interval == [STAMPS[0], SEED_STAMP] and len(bbox) == 4
    seeded.update_project(IDS[0], {"archived": True}, expected_version=1, user="t", note="test", action="archive")
    assert ogc.project_extent(seeded)[1][0] == STAMPS[1]
