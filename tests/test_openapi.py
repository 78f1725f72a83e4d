"""The OpenAPI 3.0 documents: valid, complete (every /api route documented), served, readable."""
import copy
import json
import re

import pytest
from openapi_spec_validator import validate

from app import create_app
from gis import ogc, schema
from gis.openapi import app_api, docs, oas, ogc_api


def with_docs(app):
    from gis.web import ogc_routes

    if "ogc" not in app.blueprints:
        app.register_blueprint(ogc_routes.bp)
    if "api_docs" not in app.blueprints:
        app.register_blueprint(ogc_routes.docs_bp)
    return app


@pytest.fixture
def app(sqlite_url):
    app = with_docs(create_app({"TESTING": True, "DATABASE_URL": sqlite_url}))
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


def documented_routes(app):
    """(path in OpenAPI form, method) of every public API route of the app."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule == "/healthz"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, method.lower()))
    return out


def test_the_api_document_is_valid_openapi_30():
    doc = app_api.api_document("http://127.0.0.1:5000")
    assert doc["openapi"].startswith("3.0.")
    validate(doc)


def test_the_validator_is_real():
    doc = app_api.api_document()
    doc["components"]["schemas"]["Error"]["properties"]["error"]["type"] = ["string", "null"]  # 3.1 style
    with pytest.raises(Exception):
        validate(doc)


def test_every_api_route_of_the_app_is_documented(app):
    doc = app_api.api_document()
    routes = documented_routes(app)
    assert ("/api/projects", "get") in routes and ("/api/projects/{project_id}", "get") in routes
    missing = sorted(f"{m.upper()} {p}" for p, m in routes if m not in doc["paths"].get(p, {}))
    assert not missing, "add these to gis.openapi.app_api.API_PATHS: " + ", ".join(missing)


def test_project_schema_follows_the_data_model():
    doc = app_api.api_document()
    project = doc["components"]["schemas"]["Project"]
    props = project["properties"]["properties"]["properties"]
    assert set(props) == {f.name for f in schema.fields()} | {"version", "updated_at", "archived"}
    assert props["status"]["enum"] == schema.codes("status")
    assert props["districts"]["items"]["enum"] == schema.codes("districts")
    assert props["progress"] == {**props["progress"], "type": "integer", "nullable": True}
    assert props["planned_end"]["type"] == "string" and props["planned_end"]["nullable"] is True  # $ref inlined
    assert props["version"]["readOnly"] is True
    for name in ("status", "sector", "lead_agency"):
        assert doc["components"]["parameters"][name]["schema"]["items"]["enum"] == schema.codes(name)


def test_to_oas30_converts_json_schema_2020_12():
    defs = {"d": {"type": ["string", "null"], "pattern": "^x$"}}
    node = {"type": "object", "properties": {
        "a": {"$ref": "#/$defs/d", "title": "A"},
        "b": {"const": "Feature"},
        "c": {"oneOf": [{"const": "x", "title": "Ex", "x-title-vi": "Ích"}, {"const": "y"}]},
        "e": {"type": "array", "items": {"type": ["integer", "null"]}, "examples": [[1]]},
    }, "$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}
    out = oas.to_oas30(node, defs)
    assert "$schema" not in out and "$defs" not in out
    assert out["properties"]["a"] == {"type": "string", "nullable": True, "pattern": "^x$", "title": "A"}
    assert out["properties"]["b"] == {"enum": ["Feature"], "type": "string"}
    assert out["properties"]["c"]["enum"] == ["x", "y"] and out["properties"]["c"]["type"] == "string"
    assert out["properties"]["c"]["x-enum-titles"]["x"] == {"en": "Ex", "vi": "Ích"}
    assert out["properties"]["e"] == {"type": "array", "items": {"type": "integer", "nullable": True},
                                      "example": [1]}


def test_add_operation_extends_the_document(monkeypatch):
    monkeypatch.setattr(app_api, "API_PATHS", copy.deepcopy(app_api.API_PATHS))
    app_api.add_operation("/api/projects/{project_id}/history", "GET", {
        "summary": "History of a project", "parameters": [{"$ref": "#/components/parameters/project_id"}],
        "responses": {"200": {"description": "Newest first."}}})
    doc = app_api.api_document()
    assert doc["paths"]["/api/projects/{project_id}/history"]["get"]["summary"] == "History of a project"
    validate(doc)


def test_the_document_is_served_as_json(app):
    resp = app.test_client().get("/api/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = json.loads(resp.get_data(as_text=True))
    validate(doc)
    assert doc["servers"] == [{"url": "http://localhost"}]


def test_the_docs_page_lists_every_operation_without_a_cdn(app):
    resp = app.test_client().get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    doc = app_api.api_document()
    for path, item in doc["paths"].items():
        for method in item:
            if method in docs.METHODS:
                assert f'data-method="{method.upper()}" data-path="{path}"' in html
    assert not re.search(r'<(script|link|img)\b[^>]*\b(src|href)="(https?:)?//', html)
    assert "<script" not in html.split("</header>", 1)[1]  # server-rendered: no script needed
    assert 'href="/api/openapi.json"' in html


def test_operations_for_docs_resolves_references():
    doc = app_api.api_document()
    ops = {(o["method"], o["path"]): o for o in docs.operations_for_docs(doc)}
    listing = ops[("GET", "/api/projects")]
    assert [p["name"] for p in listing["parameters"]] == ["status", "sector", "lead_agency", "bbox", "at"]
    assert "maintenance" in listing["parameters"][0]["schema"]
    assert ("application/geo+json", "ProjectCollection") in listing["responses"][0]["media"]
    patch = ops[("PATCH", "/api/projects/{project_id}")]
    assert [p["name"] for p in patch["parameters"]] == ["project_id", "If-Match"]
    assert patch["security"] == ["bearerToken"]


def test_the_ogc_document_is_valid_for_any_collections():
    collections = [ogc.projects_collection(), ogc.layer_collection("rivers", None),
                   ogc.layer_collection("districts", {"title_vi": "Quận", "title_en": "Districts",
                                                      "accuracy": "indicative", "licence": "Ours."})]
    for lang in ("vi", "en"):
        doc = ogc_api.ogc_document("http://127.0.0.1:5000/ogc", collections, lang)
        validate(doc)
        assert doc["servers"] == [{"url": "http://127.0.0.1:5000/ogc"}]
        items = doc["paths"]["/collections/rivers/items"]["get"]
        assert {p["$ref"].rsplit("/", 1)[-1] for p in items["parameters"]} == {"bbox", "limit", "offset", "f",
                                                                               "lang"}
        limit = doc["components"]["parameters"]["limit"]["schema"]
        assert (limit["default"], limit["maximum"]) == (ogc.DEFAULT_LIMIT, ogc.MAX_LIMIT)


def test_export_formats_come_from_the_exporter():
    from gis import export

    doc = app_api.api_document()
    assert doc["components"]["parameters"]["format"]["schema"]["enum"] == list(export.FORMATS)
    content = doc["paths"]["/api/projects/export"]["get"]["responses"]["200"]["content"]
    assert set(content) == {f.mime.split(";")[0] for f in export.FORMATS.values()}
