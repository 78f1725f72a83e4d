"""OpenAPI 3.0 building blocks shared by the documents: the version, the document's media
type, references to components, and ``to_oas30``: JSON Schema 2020-12 (as written in
gis/project.schema.json) to OpenAPI 3.0 Schema Objects (type lists -> ``nullable``,
``const`` and codelists -> ``enum``, ``$defs`` inlined).
"""
from __future__ import annotations

import copy
from typing import Optional

OAS_VERSION = "3.0.3"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


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

