"""The app's own JSON API as an OpenAPI 3.0 document: ``api_document(server_url)``, every
public endpoint under ``/api/`` (and ``/healthz``), served at ``/api/openapi.json`` with an
HTML page at ``/api/docs``.

To document a new endpoint, add it to ``API_PATHS`` below (path -> method -> Operation
Object, Flask's ``<name>`` written ``{name}``), or from another module::

    from gis.openapi import app_api
    app_api.add_operation("/api/projects/{project_id}", "delete", {...})
"""
from __future__ import annotations

import copy
from typing import Optional

from gis import api
from gis.openapi.model import codelist_param, project_schema
from gis.openapi.oas import OAS_VERSION, OPENAPI_JSON, ref


def _json(schema_: dict, description: str, media: str = "application/json", headers: Optional[dict] = None) -> dict:
    out = {"description": description, "content": {media: {"schema": schema_}}}
    if headers:
        out["headers"] = headers
    return out


def _error(description: str) -> dict:
    return _json(ref("schemas", "Error"), description)


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
        "responses": {"200": _json(ref("schemas", "Health"), "The app and the store answer."),
                      "503": _json(ref("schemas", "Health"), "The store is unreachable (still JSON).")},
    }},
    "/api/projects": {"get": {
        "tags": ["projects"], "operationId": "listProjects", "summary": "List the projects",
        "description": "Every project that is not archived, ordered by id, as a GeoJSON FeatureCollection. "
                       "Filters combine with AND; several values of one filter with OR. Unknown parameters "
                       "or codes: 400.",
        "parameters": [ref("parameters", "status"), ref("parameters", "sector"),
                       ref("parameters", "lead_agency"), ref("parameters", "bbox"), ref("parameters", "at")],
        "responses": {"200": _json(ref("schemas", "ProjectCollection"), "The matching projects.",
                                   "application/geo+json"),
                      "400": _error("An unknown parameter or code, a malformed bbox, or a bad or future date.")},
    }},
    "/api/projects/{project_id}/confirm": {"post": {
        "tags": ["projects"], "operationId": "confirmProject", "summary": "Confirm that a project's record is current",
        "description": "Records that the caller checked the project and nothing changed: a history entry "
                       "(action `confirm`), no new version. It clears the project's stale flag. Needs a token "
                       "whose account may edit this project, and `If-Match` with the version you checked.",
        "security": [{"bearerToken": []}],
        "parameters": [ref("parameters", "project_id"),
                       {"name": "If-Match", "in": "header", "required": True,
                        "description": 'The version you checked, as its ETag: "3".', "schema": {"type": "string"}}],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}}}},
        "responses": {
            "200": _json(ref("schemas", "Project"), "The project, unchanged.", "application/geo+json", ETAG),
            "400": _error("The body is not a JSON object, or If-Match is malformed."),
            "422": _error("The note is too long or not text."),
            **PROJECT_WRITE_ERRORS,
        },
    }},
    "/api/projects/{project_id}": {
        "parameters": [ref("parameters", "project_id")],
        "get": {
            "tags": ["projects"], "operationId": "getProject", "summary": "One project",
            "description": "The project as a GeoJSON Feature (archived ones too, with `archived: true`).",
            "responses": {"200": _json(ref("schemas", "Project"), "The project.", "application/geo+json", ETAG),
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
                media: {"schema": ref("schemas", "ProjectPatch")}
                for media in ("application/json", "application/merge-patch+json")}},
            "responses": {
                "200": _json(ref("schemas", "Project"), "The changed project.", "application/geo+json", ETAG),
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
        "parameters": [ref("parameters", "format"), ref("parameters", "status"), ref("parameters", "sector"),
                       ref("parameters", "lead_agency"), ref("parameters", "district"), ref("parameters", "q"),
                       ref("parameters", "lang")],
        "responses": {"200": "EXPORT_RESPONSE",  # filled from gis.export.FORMATS by api_document()
                      "400": _error("An unknown format, parameter or code.")},
    }},
    "/api/oc4ids.json": {"get": {
        "tags": ["projects"], "operationId": "oc4ids", "summary": "The selected projects as an OC4IDS package",
        "description": "Open Contracting for Infrastructure Data Standard (OC4IDS) project package of the projects "
                       "the map shows for the same filters.",
        "parameters": [ref("parameters", "status"), ref("parameters", "sector"), ref("parameters", "lead_agency"),
                       ref("parameters", "district"), ref("parameters", "q"), ref("parameters", "lang")],
        "responses": {"200": _json({"type": "object", "additionalProperties": True}, "An OC4IDS project package."),
                      "400": _error("An unknown parameter or code.")},
    }},
    "/api/me": {"get": {
        "tags": ["service"], "operationId": "me", "summary": "Who is calling?",
        "security": [{"bearerToken": []}, {"sessionCookie": []}],
        "responses": {"200": _json(ref("schemas", "Account"), "The signed-in account or the token's account."),
                      "401": _error("Not signed in, or an invalid token.")},
    }},
    "/api/dashboard": {"get": {
        "tags": ["dashboard"], "operationId": "dashboard", "summary": "The dashboard's numbers",
        "description": "Counts by status, sector and agency, progress, projects behind schedule, recent "
                       "updates and the plan's targets (the JSON twin of /dashboard). Labels follow the "
                       "language (?lang=vi|en).",
        "parameters": [ref("parameters", "lang")],
        "responses": {"200": _json({"type": "object", "additionalProperties": True}, "The numbers.")},
    }},
    # -- the plan's targets (section II.3): gis/web/targets_routes.py --------------------------------
    "/api/targets": {"get": {
        "tags": ["dashboard"], "operationId": "targets", "summary": "The plan's 13 targets: target vs actual by year",
        "description": "Each target with its parts, target values and, per year from 2016 to 2020 (and later "
                       "years once recorded), the current recorded value (the latest record of the year, else of "
                       "its first half) and whether it meets the target. Target 11 is computed from the "
                       "new-rural communes on the map. The JSON twin of /targets.",
        "parameters": [ref("parameters", "lang")],
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
            "parameters": [ref("parameters", "lang")],
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
        "parameters": [ref("parameters", "lang")],
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


def api_document(server_url: str = "/") -> dict:
    """The whole /api document, assembled fresh from the data above."""
    components = copy.deepcopy(API_COMPONENTS)
    components["schemas"]["Project"] = project_schema()
    components["schemas"]["ProjectCollection"] = {
        "type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": ref("schemas", "Project")},
            "at": {"type": "string", "format": "date", "description": "With ?at=: the date shown."},
            "first_recorded": {"type": "array", "items": {"type": "string"},
                               "description": "With ?at=: ids shown as first recorded (no earlier history)."}}}
    for name in api.FILTERS:
        components["parameters"][name] = codelist_param(name)
    components["parameters"]["district"] = {**codelist_param("districts"), "name": "district"}
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
