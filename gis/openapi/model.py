"""The project data model (gis/project.schema.json and its codelists) as OpenAPI 3.0
objects: the project Feature's Schema Object, its properties for GIS clients (the OGC
collection's JSON Schema) and a query parameter per codelist.
"""
from __future__ import annotations

from gis import schema
from gis.openapi.oas import to_oas30

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


def codelist_param(name: str) -> dict:
    """A query parameter taking codes of the codelist ``name`` (repeated or comma-separated)."""
    codes = schema.codes(name)
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": f"{name} codes (repeat the parameter or separate with commas): "
                           + ", ".join(f"{c.code} ({c.title_en})" for c in schema.codelist(name)),
            "schema": {"type": "array", "items": {"type": "string", "enum": codes}}}

