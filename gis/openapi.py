"""The OpenAPI 3.0 documents, declared as data. No Flask here.

* ``api_document(server_url)``: ONE document for every public endpoint under ``/api/``
  (and ``/healthz``), served at ``/api/openapi.json`` with an HTML page at ``/api/docs``.
* ``ogc_document(base_url, collections, lang)``: the OGC API - Features endpoints under
  ``/ogc`` (the standard's ``service-desc``), one path per collection.

To document a new endpoint, add it to ``API_PATHS`` below (path -> method -> Operation
Object, Flask's ``<name>`` written ``{name}``), or from another module::

    from gis import openapi
    openapi.add_operation("/api/projects/{project_id}", "delete", {...})

tests/test_openapi.py fails when a route of the app under /api/ is not in the document,
and validates both documents with openapi-spec-validator.

Project fields come from gis/project.schema.json (JSON Schema 2020-12), converted to
OpenAPI 3.0 Schema Objects by ``to_oas30`` (type lists -> ``nullable``, ``const`` and
codelists -> ``enum``, ``$defs`` inlined).
"""
from __future__ import annotations

import copy
from typing import Optional

from gis import api, schema

OAS_VERSION = "3.0.3"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema_: dict, description: str, media: str = "application/json", headers: Optional[dict] = None) -> dict:
    out = {"description": description, "content": {media: {"schema": schema_}}}
    if headers:
        out["headers"] = headers
    return out


def _error(description: str) -> dict:
    return _json(_ref("schemas", "Error"), description)


ETAG = {"ETag": {"description": 'The project\'s version as a strong ETag, e.g. "3": send it back in If-Match.',
                 "schema": {"type": "string"}}}

# What every write to one project (PATCH, confirm) may answer besides its own 400/415/422.
PROJECT_WRITE_ERRORS = {
    "401": _error("No or an invalid Bearer token."),
    "403": _error("The account may not edit this project."),
    "404": _error("No project has this id."),
    "412": _error("If-Match names a version that is no longer current: read again."),
    "413": _error("The body is too large."),
    "428": _error("If-Match is missing."),
}

# -- the /api document: paths, as data ---------------------------------------------------------

API_INFO = {
    "title": "Cần Thơ key-projects map API",
    "version": "1.0.0",
    "description": (
        "Bản đồ dự án trọng điểm TP Cần Thơ · The key projects of the plan implementing Programme 14-CTr/TU "
        "(Cần Thơ, 2016-2020). Reads are public; writes need `Authorization: Bearer <token>` (create a token "
        "under /account/tokens) and `If-Match` with the version you read. Errors are JSON: "
        "`{\"error\": code, \"message\": text, \"details\": {field: [problems]}}`. The same data as OGC API - "
        "Features (for GIS software such as QGIS or GDAL): /ogc."),
    "license": {"name": "Data licences: see /ogc/collections (base layers are indicative drawings)"},
}

API_TAGS = [
    {"name": "projects", "description": "The plan's key projects (GeoJSON)."},
    {"name": "service", "description": "Health, the caller, this document."},
    {"name": "dashboard", "description": "The dashboard's numbers."},
]

API_PATHS: dict = {
    "/healthz": {"get": {
        "tags": ["service"], "operationId": "health", "summary": "Is the app and its store up?",
        "responses": {"200": _json(_ref("schemas", "Health"), "The app and the store answer."),
                      "503": _json(_ref("schemas", "Health"), "The store is unreachable (still JSON).")},
    }},
    "/api/projects": {"get": {
        "tags": ["projects"], "operationId": "listProjects", "summary": "List the projects",
        "description": "Every project that is not archived, ordered by id, as a GeoJSON FeatureCollection. "
                       "Filters combine with AND; several values of one filter with OR. Unknown parameters "
                       "or codes: 400.",
        "parameters": [_ref("parameters", "status"), _ref("parameters", "sector"),
                       _ref("parameters", "lead_agency"), _ref("parameters", "bbox"), _ref("parameters", "at")],
        "responses": {"200": _json(_ref("schemas", "ProjectCollection"), "The matching projects.",
                                   "application/geo+json"),
                      "400": _error("An unknown parameter or code, a malformed bbox, or a bad or future date.")},
    }},
    "/api/projects/{project_id}/confirm": {"post": {
        "tags": ["projects"], "operationId": "confirmProject", "summary": "Confirm that a project's record is current",
        "description": "Records that the caller checked the project and nothing changed: a history entry "
                       "(action `confirm`), no new version. It clears the project's stale flag. Needs a token "
                       "whose account may edit this project, and `If-Match` with the version you checked.",
        "security": [{"bearerToken": []}],
        "parameters": [_ref("parameters", "project_id"),
                       {"name": "If-Match", "in": "header", "required": True,
                        "description": 'The version you checked, as its ETag: "3".', "schema": {"type": "string"}}],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}}}},
        "responses": {
            "200": _json(_ref("schemas", "Project"), "The project, unchanged.", "application/geo+json", ETAG),
            "400": _error("The body is not a JSON object, or If-Match is malformed."),
            "422": _error("The note is too long or not text."),
            **PROJECT_WRITE_ERRORS,
        },
    }},
    "/api/projects/{project_id}": {
        "parameters": [_ref("parameters", "project_id")],
        "get": {
            "tags": ["projects"], "operationId": "getProject", "summary": "One project",
            "description": "The project as a GeoJSON Feature (archived ones too, with `archived: true`).",
            "responses": {"200": _json(_ref("schemas", "Project"), "The project.", "application/geo+json", ETAG),
                          "404": _error("No project has this id.")},
        },
        "patch": {
            "tags": ["projects"], "operationId": "patchProject", "summary": "Change a project",
            "description": "Changes the given properties and/or the geometry (a merge: properties not given "
                           "are kept) as one new version with a history entry. Needs a token whose account may "
                           "edit this project, and `If-Match` with the version you read.",
            "security": [{"bearerToken": []}],
            "parameters": [{"name": "If-Match", "in": "header", "required": True,
                            "description": 'The version you read, as its ETag: "3".',
                            "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {
                media: {"schema": _ref("schemas", "ProjectPatch")}
                for media in ("application/json", "application/merge-patch+json")}},
            "responses": {
                "200": _json(_ref("schemas", "Project"), "The changed project.", "application/geo+json", ETAG),
                "400": _error("The body is not a JSON object, or changes nothing."),
                "415": _error("The body is not JSON."),
                "422": _error("The change breaks the data model: details name each field."),
                **PROJECT_WRITE_ERRORS,
            },
        },
    },
    "/api/projects/export": {"get": {
        "tags": ["projects"], "operationId": "exportProjects", "summary": "Download the selected projects as a file",
        "description": "The projects the map shows for the same filters (status, sector, lead_agency, district, "
                       "q), as GeoJSON, GeoPackage, Shapefile (zip), KML, CSV or XLSX (docs/formats.md). The "
                       "file name is in Content-Disposition; X-Feature-Count says how many projects it holds.",
        "parameters": [_ref("parameters", "format"), _ref("parameters", "status"), _ref("parameters", "sector"),
                       _ref("parameters", "lead_agency"), _ref("parameters", "district"), _ref("parameters", "q"),
                       _ref("parameters", "lang")],
        "responses": {"200": "EXPORT_RESPONSE",  # filled from gis.export.FORMATS by api_document()
                      "400": _error("An unknown format, parameter or code.")},
    }},
    "/api/oc4ids.json": {"get": {
        "tags": ["projects"], "operationId": "oc4ids", "summary": "The selected projects as an OC4IDS package",
        "description": "Open Contracting for Infrastructure Data Standard (OC4IDS) project package of the projects "
                       "the map shows for the same filters.",
        "parameters": [_ref("parameters", "status"), _ref("parameters", "sector"), _ref("parameters", "lead_agency"),
                       _ref("parameters", "district"), _ref("parameters", "q"), _ref("parameters", "lang")],
        "responses": {"200": _json({"type": "object", "additionalProperties": True}, "An OC4IDS project package."),
                      "400": _error("An unknown parameter or code.")},
    }},
    "/api/me": {"get": {
        "tags": ["service"], "operationId": "me", "summary": "Who is calling?",
        "security": [{"bearerToken": []}, {"sessionCookie": []}],
        "responses": {"200": _json(_ref("schemas", "Account"), "The signed-in account or the token's account."),
                      "401": _error("Not signed in, or an invalid token.")},
    }},
    "/api/dashboard": {"get": {
        "tags": ["dashboard"], "operationId": "dashboard", "summary": "The dashboard's numbers",
        "description": "Counts by status, sector and agency, progress, projects behind schedule, recent "
                       "updates and the plan's targets (the JSON twin of /dashboard). Labels follow the "
                       "language (?lang=vi|en).",
        "parameters": [_ref("parameters", "lang")],
        "responses": {"200": _json({"type": "object", "additionalProperties": True}, "The numbers.")},
    }},
    # -- the plan's targets (section II.3): gis/web/targets_routes.py --------------------------------
    "/api/targets": {"get": {
        "tags": ["dashboard"], "operationId": "targets", "summary": "The plan's 13 targets: target vs actual by year",
        "description": "Each target with its parts, target values and, per year from 2016 to 2020 (and later "
                       "years once recorded), the current recorded value (the latest record of the year, else of "
                       "its first half) and whether it meets the target. Target 11 is computed from the "
                       "new-rural communes on the map. The JSON twin of /targets.",
        "parameters": [_ref("parameters", "lang")],
        "responses": {"200": _json({"type": "object", "additionalProperties": True,
                                    "required": ["years", "targets"]}, "Target vs actual by year.")},
    }},
    "/api/targets/{number}": {
        "parameters": [{"name": "number", "in": "path", "required": True, "description": "The target's number (1-13).",
                        "schema": {"type": "integer"}}],
        "get": {
            "tags": ["dashboard"], "operationId": "targetRecords", "summary": "One target and every record of it",
            "description": "The target vs actual by year, and its records newest first (who, when, value, source, "
                           "note; `current` marks the records in force). The JSON twin of /targets/{number}.",
            "parameters": [_ref("parameters", "lang")],
            "responses": {"200": _json({"type": "object", "required": ["target", "history"],
                                        "additionalProperties": True}, "The target and its records."),
                          "404": _error("The plan has no target with this number.")},
        },
    },
    "/api/targets/{number}/values": {
        "parameters": [{"name": "number", "in": "path", "required": True, "description": "The target's number (1-13).",
                        "schema": {"type": "integer"}}],
        "post": {
            "tags": ["dashboard"], "operationId": "recordTargetValue", "summary": "Record a target's value",
            "description": "Adds a record (nothing is overwritten: a correction is a new record, and the latest "
                           "one of a part, year and period is in force). Needs the token of an administrator (the "
                           "Department of Planning and Investment's planners). Target 11 is computed and takes no "
                           "values (422).",
            "security": [{"bearerToken": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["year", "value", "source"], "additionalProperties": False,
                "properties": {
                    "part": {"type": "string", "description": "The key of one of the target's parts (may be left "
                                                              "out when the target has one part)."},
                    "year": {"type": "integer", "minimum": 2016, "description": "2016 to the current year."},
                    "period": {"type": "string", "enum": ["year", "H1"], "default": "year",
                               "description": "The whole year, or its first half (the six-month report)."},
                    "value": {"type": "number", "description": "In the part's unit."},
                    "source": {"type": "string", "minLength": 1, "maxLength": 500,
                               "description": "The report the value comes from."},
                    "note": {"type": "string", "maxLength": 2000, "nullable": True}}}}}},
            "responses": {
                "201": _json({"type": "object", "additionalProperties": True}, "The new record.",
                             headers={"Location": {"description": "/api/targets/{number}",
                                                   "schema": {"type": "string"}}}),
                "400": _error("The body is not a JSON object, or holds other fields."),
                "401": _error("No or an invalid Bearer token."),
                "403": _error("The account is not an administrator."),
                "404": _error("The plan has no target with this number."),
                "413": _error("The body is too large."),
                "415": _error("The body is not JSON."),
                "422": _error("A value breaks the rules: details name each field."),
            },
        },
    },
    "/api/openapi.json": {"get": {
        "tags": ["service"], "operationId": "openapi", "summary": "This document (OpenAPI 3.0)",
        "responses": {"200": _json({"type": "object"}, "The OpenAPI document.", OPENAPI_JSON)},
    }},
    "/api/docs": {"get": {
        "tags": ["service"], "operationId": "docs", "summary": "This document as a readable page",
        "parameters": [_ref("parameters", "lang")],
        "responses": {"200": {"description": "HTML.", "content": {"text/html": {"schema": {"type": "string"}}}}},
    }},
}

API_COMPONENTS: dict = {
    "schemas": {
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string", "description": "A short code: bad_request, not_found, invalid, ..."},
            "message": {"type": "string", "description": "What went wrong, for people."},
            "details": {"type": "object", "description": "Field -> list of problems (422).",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}}}}},
        "Health": {"type": "object", "required": ["status", "app", "store"], "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded"]},
            "app": {"type": "string", "enum": ["up"]},
            "store": {"type": "object", "properties": {
                "reachable": {"type": "boolean"}, "backend": {"type": "string"},
                "schema_revision": {"type": "string", "nullable": True}, "error": {"type": "string"}},
                "additionalProperties": True}}},
        "Account": {"type": "object", "properties": {
            "id": {"type": "integer"}, "email": {"type": "string"}, "name": {"type": "string"},
            "role": {"type": "string"}, "agency": {"type": "string", "nullable": True},
            "active": {"type": "boolean"}}},
        "ProjectPatch": {"type": "object", "properties": {
            "properties": {"type": "object", "additionalProperties": True,
                           "description": "The properties to change (see Project); others are kept."},
            "geometry": {"type": "object", "description": "A new GeoJSON geometry (WGS84 lon/lat)."},
            "note": {"type": "string", "description": "Why: kept in the project's history."}}},
    },
    "parameters": {
        "project_id": {"name": "project_id", "in": "path", "required": True, "description": "The project's id "
                       "(a slug such as vam-cong-bridge).", "schema": {"type": "string"}},
        "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                 "description": "minlon,minlat,maxlon,maxlat (WGS84): projects whose geometry intersects the box.",
                 "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}},
        "at": {"name": "at", "in": "query", "required": False,
               "description": "The projects as they were at the end of this date (Vietnam time), rebuilt from "
                              "history and the sources' dated milestones; filters apply to that state. "
                              "YYYY-MM-DD, or YYYY-MM / YYYY for their last day; not in the future. The answer "
                              "adds `at` and `first_recorded` (ids shown as first recorded because the history "
                              "holds nothing that early).",
               "schema": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}},
        "q": {"name": "q", "in": "query", "required": False,
              "description": "Words to find in the names and descriptions (accents optional).",
              "schema": {"type": "string", "maxLength": 200}},
        "lang": {"name": "lang", "in": "query", "required": False,
                 "description": "Language of labels: vi (default) or en; remembered in a cookie.",
                 "schema": {"type": "string", "enum": ["vi", "en"]}},
    },
    "securitySchemes": {
        "bearerToken": {"type": "http", "scheme": "bearer",
                        "description": "An API token (create one under /account/tokens)."},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session",
                          "description": "The browser session of a signed-in planner."},
    },
}


def add_operation(path: str, method: str, operation: dict) -> None:
    """Document ``method`` on ``path`` in the /api document (replacing what was there)."""
    API_PATHS.setdefault(path, {})[method.lower()] = operation


def add_component(kind: str, name: str, value: dict) -> None:
    """Add a reusable schema/parameter/response/... to the /api document's components."""
    API_COMPONENTS.setdefault(kind, {})[name] = value


# -- JSON Schema 2020-12 -> OpenAPI 3.0 Schema Object -----------------------------------------------

_KEEP = {"title", "description", "type", "format", "pattern", "enum", "minimum", "maximum", "exclusiveMinimum",
         "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "required",
         "default", "readOnly", "multipleOf", "minProperties", "maxProperties"}


def to_oas30(node, defs: Optional[dict] = None):
    """Convert one JSON Schema node (as written in project.schema.json) to OpenAPI 3.0."""
    if not isinstance(node, dict):
        return node
    defs = defs if defs is not None else {}
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        return to_oas30({**target, **{k: v for k, v in node.items() if k != "$ref"}}, defs)
    out: dict = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, list):
            kinds = [t for t in value if t != "null"]
            out["type"] = kinds[0] if len(kinds) == 1 else "string"
            if "null" in value:
                out["nullable"] = True
        elif key == "const":
            out["enum"] = [value]
            out.setdefault("type", _kind_of(value))
        elif key == "oneOf" and value and all(isinstance(o, dict) and "const" in o for o in value):
            out["enum"] = [o["const"] for o in value]
            out.setdefault("type", _kind_of(value[0]["const"]))
            out["x-enum-titles"] = {str(o["const"]): {"en": o.get("title", o["const"]),
                                                      "vi": o.get("x-title-vi", o.get("title", o["const"]))}
                                    for o in value}
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [to_oas30(v, defs) for v in value]
        elif key == "properties":
            out[key] = {name: to_oas30(child, defs) for name, child in value.items()}
        elif key in ("items", "not"):
            out[key] = to_oas30(value, defs)
        elif key == "additionalProperties":
            out[key] = to_oas30(value, defs) if isinstance(value, dict) else value
        elif key == "examples" and isinstance(value, list) and value:
            out["example"] = value[0]
        elif key in _KEEP or key.startswith("x-"):
            out[key] = copy.deepcopy(value)
    return out


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


MANAGED_PROPERTIES = {
    "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "readOnly": True,
                "description": "Set by the store: 1 on creation, +1 per change. Send it back in If-Match."},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True,
                   "description": "Set by the store: last change, UTC (2026-11-27T06:40:00Z)."},
    "archived": {"type": "boolean", "readOnly": True, "description": "Present (true) on archived projects only."},
}


def project_schema() -> dict:
    """The project Feature as an OpenAPI 3.0 Schema Object (with the store's properties)."""
    source = schema.load_schema()
    feature = to_oas30(source, source.get("$defs", {}))
    props = feature["properties"]["properties"]
    for name, node in MANAGED_PROPERTIES.items():
        props["properties"][name] = {**props["properties"].get(name, {}), **node}
    feature["properties"]["geometry"] = {"type": "object", "required": ["type"], "description":
                                         "GeoJSON geometry, WGS84 (lon, lat): Point, LineString, MultiLineString, "
                                         "Polygon or MultiPolygon as the sector allows (x-geometry)."}
    feature["title"] = "Project (GeoJSON Feature)"
    return feature


def project_properties_for_clients() -> dict:
    """The project properties for the OGC collection's JSON Schema (rel describedBy): one
    plain type each, and whole numbers beyond 32 bits (VND amounts) as ``number`` so GIS
    clients that map ``integer`` to 32-bit fields (GDAL) keep them intact. ``id`` is left
    to the Feature's ``id`` member, which equals it."""
    out = {}
    for name, node in project_schema()["properties"]["properties"]["properties"].items():
        if name == "id":
            continue  # the Feature's own "id" member (equal to properties.id): GDAL lists it once
        node = {k: v for k, v in node.items() if k not in ("x-enum-titles", "readOnly")}
        if node.get("type") == "integer" and not (isinstance(node.get("maximum"), int) and node["maximum"] < 2**31):
            node["type"] = "number"
            node["description"] = (node.get("description", "") + " Whole number.").strip()
        out[name] = node
    return out


def _codelist_param(name: str) -> dict:
    codes = schema.codes(name)
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"{name} codes (repeat the parameter or separate with commas): "
                           + ", ".join(f"{c.code} ({c.title_en})" for c in schema.codelist(name)),
            "schema": {"type": "array", "items": {"type": "string", "enum": codes}}}


def api_document(server_url: str = "/") -> dict:
    """The whole /api document, assembled fresh from the data above."""
    components = copy.deepcopy(API_COMPONENTS)
    components["schemas"]["Project"] = project_schema()
    components["schemas"]["ProjectCollection"] = {
        "type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": _ref("schemas", "Project")},
            "at": {"type": "string", "format": "date", "description": "With ?at=: the date shown."},
            "first_recorded": {"type": "array", "items": {"type": "string"},
                               "description": "With ?at=: ids shown as first recorded (no earlier history)."}}}
    for name in api.FILTERS:
        components["parameters"][name] = _codelist_param(name)
    components["parameters"]["district"] = {**_codelist_param("districts"), "name": "district"}
    paths = copy.deepcopy(API_PATHS)
    export_ops = paths.get("/api/projects/export", {}).get("get")
    if export_ops and export_ops["responses"].get("200") == "EXPORT_RESPONSE":
        formats = _export_formats()
        components["parameters"]["format"] = {
            "name": "format", "in": "query", "required": False,
            "description": "The file format: " + ", ".join(f"{name} ({label})" for name, _, label in formats),
            "schema": {"type": "string", "enum": [name for name, _, _ in formats], "default": "geojson"}}
        export_ops["responses"]["200"] = {
            "description": "The file (Content-Disposition: attachment).",
            "headers": {"Content-Disposition": {"schema": {"type": "string"}, "description": "The file name."},
                        "X-Feature-Count": {"schema": {"type": "integer"}, "description": "Projects in the file."}},
            "content": {mime.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                        for _, mime, _ in formats}}
    return {
        "openapi": OAS_VERSION,
        "info": copy.deepcopy(API_INFO),
        "servers": [{"url": server_url.rstrip("/") or "/"}],
        "tags": copy.deepcopy(API_TAGS),
        "paths": paths,
        "components": components,
    }


def _export_formats() -> list[tuple[str, str, str]]:
    """(name, media type, label) of the export formats, from gis.export (declared once there)."""
    from gis import export

    return [(f.name, f.mime, getattr(f, "label", None) or f.name) for f in export.FORMATS.values()]


# -- the OGC API - Features document ---------------------------------------------------------------

def _ogc_json(schema_: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema_},
                                                    "text/html": {"schema": {"type": "string"}}}}


OGC_SCHEMAS = {
    "exception": {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string"}, "description": {"type": "string"}}},
    "link": {"type": "object", "required": ["href"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "hreflang": {"type": "string"}, "title": {"type": "string"}, "length": {"type": "integer"}}},
    "landingPage": {"type": "object", "required": ["links"], "properties": {
        "title": {"type": "string"}, "description": {"type": "string"},
        "links": {"type": "array", "items": _ref("schemas", "link")}}},
    "confClasses": {"type": "object", "required": ["conformsTo"], "properties": {
        "conformsTo": {"type": "array", "items": {"type": "string"}}}},
    "extent": {"type": "object", "properties": {
        "spatial": {"type": "object", "properties": {
            "bbox": {"type": "array", "minItems": 1, "items": {
                "type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
            "crs": {"type": "string"}}},
        "temporal": {"type": "object", "properties": {
            "interval": {"type": "array", "minItems": 1, "items": {
                "type": "array", "minItems": 2, "maxItems": 2,
                "items": {"type": "string", "format": "date-time", "nullable": True}}},
            "trs": {"type": "string"}}}}},
    "collection": {"type": "object", "required": ["id", "links"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "links": {"type": "array", "items": _ref("schemas", "link")},
        "extent": _ref("schemas", "extent"),
        "itemType": {"type": "string"}, "crs": {"type": "array", "items": {"type": "string"}}}},
    "collections": {"type": "object", "required": ["links", "collections"], "properties": {
        "links": {"type": "array", "items": _ref("schemas", "link")},
        "collections": {"type": "array", "items": _ref("schemas", "collection")}}},
    "geometryGeoJSON": {"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                            "MultiPolygon", "GeometryCollection"]}}},
    "featureGeoJSON": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "geometry": _ref("schemas", "geometryGeoJSON"),
        "properties": {"type": "object", "nullable": True},
        "links": {"type": "array", "items": _ref("schemas", "link")}}},
    "featureCollectionGeoJSON": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
        "links": {"type": "array", "items": _ref("schemas", "link")},
        "timeStamp": {"type": "string", "format": "date-time"},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0}}},
}


def _ogc_parameters() -> dict:
    from gis import ogc

    return {
        "f": {"name": "f", "in": "query", "required": False, "style": "form", "explode": False,
              "description": "The format of the response: json (GeoJSON for features) or html. Without it the "
                             "Accept header decides (JSON by default).",
              "schema": {"type": "string", "enum": ["json", "html"]}},
        "lang": API_COMPONENTS["parameters"]["lang"],
        "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                 "description": "Only features whose geometry intersects the box: minlon,minlat,maxlon,maxlat "
                                "in CRS84 (6 numbers with heights are accepted; heights are ignored).",
                 "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
        "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                  "description": f"Features per page: default {ogc.DEFAULT_LIMIT}, at most {ogc.MAX_LIMIT}; "
                                 f"a larger value is treated as {ogc.MAX_LIMIT}. Follow the next links.",
                  "schema": {"type": "integer", "minimum": 1, "maximum": ogc.MAX_LIMIT,
                             "default": ogc.DEFAULT_LIMIT}},
        "offset": {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
                   "description": "Features to skip (the next/prev links carry it).",
                   "schema": {"type": "integer", "minimum": 0, "default": 0}},
        "datetime": {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
                     "description": "Over updated_at, inclusive: an instant (2026-11-27T00:00:00Z; a date is the "
                                    "whole day), or an interval a/b, ../b or a/.. (RFC 3339).",
                     "schema": {"type": "string"}},
        "featureId": {"name": "featureId", "in": "path", "required": True, "description": "The feature's id.",
                      "schema": {"type": "string"}},
    }


OGC_RESPONSES = {
    "LandingPage": _ogc_json(_ref("schemas", "landingPage"), "The landing page: links to the API definition, "
                                                             "the conformance declaration and the collections."),
    "ConformanceDeclaration": _ogc_json(_ref("schemas", "confClasses"), "The conformance classes implemented."),
    "Collections": _ogc_json(_ref("schemas", "collections"), "The collections."),
    "Collection": _ogc_json(_ref("schemas", "collection"), "One collection: extent, links."),
    "Features": _ogc_json(_ref("schemas", "featureCollectionGeoJSON"),
                          "A page of features, with numberMatched, numberReturned and next/prev links.",
                          "application/geo+json"),
    "Feature": _ogc_json(_ref("schemas", "featureGeoJSON"), "One feature.", "application/geo+json"),
    "Schema": {"description": "JSON Schema of the collection's GeoJSON features.",
               "content": {"application/schema+json": {"schema": {"type": "object"}}}},
    "InvalidParameter": {"description": "A query parameter is unknown or has an invalid value.",
                         "content": {"application/json": {"schema": _ref("schemas", "exception")}}},
    "NotFound": {"description": "No such collection or feature.",
                 "content": {"application/json": {"schema": _ref("schemas", "exception")}}},
    "ServerError": {"description": "A server error (503: the store is unreachable).",
                    "content": {"application/json": {"schema": _ref("schemas", "exception")}}},
}


def _errors(*codes) -> dict:
    names = {"400": "InvalidParameter", "404": "NotFound", "500": "ServerError"}
    return {code: _ref("responses", names[code]) for code in codes}


def _op(operation_id, summary, response, parameters, description=None, tags=("server",), errors=("400", "500")):
    op = {"tags": list(tags), "operationId": operation_id, "summary": summary,
          "parameters": parameters, "responses": {"200": _ref("responses", response), **_errors(*errors)}}
    if description:
        op["description"] = description
    return op


def ogc_document(base_url: str, collections, lang: str = "vi") -> dict:
    """OpenAPI 3.0 for /ogc: the landing page, conformance, collections, and for each
    collection its description, items (with the parameters it accepts), item and schema."""
    from gis import ogc

    p = {name: _ref("parameters", name) for name in ("f", "lang", "bbox", "limit", "offset", "datetime",
                                                     "featureId")}
    common = [p["f"], p["lang"]]
    paths = {
        "/": {"get": _op("getLandingPage", "Landing page", "LandingPage", common)},
        "/conformance": {"get": _op("getConformanceDeclaration", "Conformance classes", "ConformanceDeclaration",
                                    common)},
        "/api": {"get": {"tags": ["server"], "operationId": "getAPI", "summary": "This document",
                         "parameters": common, "responses": {"200": {
                             "description": "The API definition (f=html: the documentation page).",
                             "content": {OPENAPI_JSON: {"schema": {"type": "object"}},
                                         "text/html": {"schema": {"type": "string"}}}}, **_errors("400")}}},
        "/collections": {"get": _op("getCollections", "The collections", "Collections", common)},
    }
    parameters = _ogc_parameters()
    tags = [{"name": "server", "description": "The API itself."}]
    for c in collections:
        cid = c.id
        tags.append({"name": cid, "description": c.title(lang)})
        item_params = [p["bbox"], p["limit"], p["offset"]]
        if c.layer is None:
            item_params.append(p["datetime"])
            for name in ogc.PROJECT_FILTERS:
                parameters[f"{cid}_{name}"] = _codelist_param(name)
                item_params.append(_ref("parameters", f"{cid}_{name}"))
        base = f"/collections/{cid}"
        paths[base] = {"get": _op(f"describe_{cid}", f"{c.title(lang)}: the collection", "Collection",
                                  common, c.description(lang), tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/items"] = {"get": _op(
            f"getFeatures_{cid}", f"{c.title(lang)}: features", "Features", item_params + common,
            "Unknown parameters: 400." + ("" if c.layer is None else " Base layers have no time: datetime is 400."),
            tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/items/{featureId}"] = {"get": _op(
            f"getFeature_{cid}", f"{c.title(lang)}: one feature", "Feature", [p["featureId"]] + common,
            tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/schema"] = {"get": _op(f"getSchema_{cid}", f"{c.title(lang)}: JSON Schema of the features",
                                              "Schema", common, tags=(cid,), errors=("400", "404", "500"))}
    return {
        "openapi": OAS_VERSION,
        "info": {"title": ogc.TEXT[lang]["title"], "version": "1.0.0", "description": ogc.TEXT[lang]["description"],
                 "license": {"name": "Data licences: see each collection's description"}},
        "servers": [{"url": base_url}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": copy.deepcopy(OGC_SCHEMAS), "parameters": parameters,
                       "responses": copy.deepcopy(OGC_RESPONSES)},
    }


# -- a readable view of a document (the HTML documentation pages) ---------------------------------

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _resolve(doc: dict, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        target = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}


def schema_text(doc: dict, node, depth: int = 0) -> str:
    """A short description of a schema for people: "array of string (one of: a, b)", "Project"."""
    if isinstance(node, dict) and "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    node = node if isinstance(node, dict) else {}
    kind = node.get("type", "object" if "properties" in node else "any")
    if kind == "array" and depth < 3:
        text = "array of " + schema_text(doc, node.get("items") or {}, depth + 1)
    else:
        text = kind + (f" ({node['format']})" if node.get("format") else "")
    if node.get("enum"):
        values = [str(v) for v in node["enum"]]
        text += ": " + ", ".join(values[:12]) + (" …" if len(values) > 12 else "")
    if node.get("nullable"):
        text += " | null"
    return text


def operations_for_docs(doc: dict) -> list[dict]:
    """Every operation of ``doc`` in path order, with its parameters and responses resolved."""
    out = []
    for path, item in doc.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            params = []
            for raw in shared + op.get("parameters", []):
                p = _resolve(doc, raw)
                params.append({"name": p.get("name"), "in": p.get("in"), "required": bool(p.get("required")),
                               "description": p.get("description", ""),
                               "schema": schema_text(doc, p.get("schema") or {})})
            responses = []
            for code, raw in op.get("responses", {}).items():
                r = _resolve(doc, raw)
                media = r.get("content") or {}
                responses.append({"code": code, "description": r.get("description", ""),
                                  "media": [(m, schema_text(doc, (v or {}).get("schema") or {}))
                                            for m, v in media.items()]})
            body = _resolve(doc, op.get("requestBody") or {})
            out.append({
                "path": path, "method": method.upper(), "id": op.get("operationId") or f"{method}-{path}",
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "tags": op.get("tags", []), "parameters": params, "responses": responses,
                "security": [name for req in op.get("security", []) for name in req],
                "request": [(m, schema_text(doc, (v or {}).get("schema") or {}))
                            for m, v in (body.get("content") or {}).items()],
            })
    return out
