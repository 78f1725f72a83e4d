"""A readable view of an OpenAPI document for the HTML documentation pages (/api/docs and
/ogc/api?f=html): every operation with its parameters and responses resolved.
"""
from __future__ import annotations


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
