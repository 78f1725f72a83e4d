"""The HTTP API as plain functions: arguments in, ``Result`` out. No Flask here.

``args`` is a mapping of query parameter -> list of values (``request.args.to_dict(flat=False)``).
"""
from __future__ import annotations

import dataclasses
import json

from gis import schema
from gis.errors import BadRequest, GisError, StoreUnavailable
from gis.geo import parse_bbox
from gis.store.base import ProjectQuery

GEOJSON = "application/geo+json"
JSON = "application/json"

FILTERS = ("status", "sector", "lead_agency")


@dataclasses.dataclass
class Result:
    status: int
    body: object  # dict/list serialised as JSON, or str/bytes sent as is
    content_type: str = JSON
    headers: dict = dataclasses.field(default_factory=dict)

    def serialise(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_result(error: GisError) -> Result:
    return Result(error.http_status, error.to_dict())


def _values(args, name) -> tuple:
    """All values of a parameter, repeated or comma-separated, blanks dropped."""
    out = []
    for raw in args.get(name, []):
        out += [v.strip() for v in str(raw).split(",") if v.strip()]
    return tuple(dict.fromkeys(out))


def parse_project_query(args, allowed=FILTERS + ("bbox",)) -> ProjectQuery:
    """Validate list filters; unknown parameters and codes are a 400 naming what is allowed."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    filters = {}
    for name in FILTERS:
        values = _values(args, name)
        allowed_codes = schema.codes(name)
        bad = [v for v in values if v not in allowed_codes]
        if bad:
            raise BadRequest(f"unknown {name} {', '.join(map(repr, bad))} (allowed: {', '.join(allowed_codes)})")
        filters[name] = values
    bbox = None
    if args.get("bbox"):
        bbox = parse_bbox(args["bbox"][-1])
    return ProjectQuery(bbox=bbox, **filters)


def feature_collection(features) -> dict:
    return {"type": "FeatureCollection", "features": features}


def list_projects(store, args) -> Result:
    query = parse_project_query(args)
    return Result(200, feature_collection(store.list_projects(query)), GEOJSON)


def get_project(store, project_id: str) -> Result:
    return Result(200, store.get_project(project_id), GEOJSON)


def health(store) -> Result:
    """200 when the app is up and the store answers; 503 (still JSON) when it does not."""
    try:
        facts = store.ping()
    except StoreUnavailable as exc:
        return Result(503, {"status": "degraded", "app": "up", "store": {"reachable": False, "error": exc.message}})
    except Exception as exc:  # noqa: BLE001 - /healthz must answer whatever the store raises
        return Result(503, {"status": "degraded", "app": "up",
                            "store": {"reachable": False, "error": type(exc).__name__}})
    public = {k: v for k, v in facts.items() if k in HEALTH_FACTS}  # no paths or URLs to the public
    return Result(200, {"status": "ok", "app": "up", "store": {"reachable": True, **public}})


HEALTH_FACTS = ("backend", "schema_revision", "journal_mode", "sqlite_version", "postgis_version", "server_version")
