"""The HTTP API as plain functions: arguments in, ``Result`` out. No Flask here.

``args`` is a mapping of query parameter -> list of values (``request.args.to_dict(flat=False)``).
"""
from __future__ import annotations

import dataclasses
import json

from gis import schema
from gis.errors import (BadRequest, Forbidden, GisError, PreconditionFailed, PreconditionRequired, StoreUnavailable,
                        TooLarge, Unauthorized, UnsupportedMediaType)
from gis.cache import ResponseCache, change_token, etag_matches, negotiate_encoding
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


def param_values(args, name) -> tuple:
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
        values = param_values(args, name)
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


PROJECTS_CACHE = ResponseCache()


def list_projects(store, args, request_headers=None, today=None) -> Result:
    """The FeatureCollection (or, with ``at``, the projects as they were on that date);
    cached per query and store change, with ETag/304 and gzip/br."""
    from gis import replay
    from gis.dashboard import today_in_vietnam

    args = dict(args)
    at = replay.parse_at((args.pop("at", None) or [""])[-1], today or today_in_vietnam())
    query = parse_project_query(args)
    headers = request_headers or {}
    if at is not None:
        def build(q):
            return json.dumps(replay.projects_at(store, at, q).collection(), ensure_ascii=False)
    else:
        build = getattr(store, "feature_collection_chunks", None) or \
            (lambda q: json.dumps(feature_collection(store.list_projects(q)), ensure_ascii=False))
    # The store's URL is part of the key: one process may serve several stores (tests, tools).
    return cached_result(store, ("projects", store.url, query, at), lambda: build(query), headers, GEOJSON)


def cached_result(store, key: tuple, build, request_headers, content_type: str) -> Result:
    """A body from PROJECTS_CACHE (built once per store change), with ETag/304 and gzip/br."""
    headers = request_headers or {}
    entry = PROJECTS_CACHE.get_or_build(key, change_token(store), build)
    common = {"ETag": entry.etag, "Vary": "Accept-Encoding", "Cache-Control": "public, max-age=0, must-revalidate"}
    if etag_matches(headers.get("If-None-Match", ""), entry.etag):
        return Result(304, b"", content_type, common)
    encoding = negotiate_encoding(headers.get("Accept-Encoding", ""))
    if encoding != "identity":
        common["Content-Encoding"] = encoding
    return Result(200, entry.encoded(encoding), content_type, common)


def get_project(store, project_id: str, user=None) -> Result:
    """One project; drafts and archived projects only for their agency and admins (else 404)."""
    from gis.accounts import can_see
    from gis.errors import NotFound

    feature = store.get_project(project_id)
    if not can_see(user, feature):
        raise NotFound(f"no project with id {project_id!r}")
    return Result(200, feature, GEOJSON, {"ETag": f'"{feature["properties"]["version"]}"'})


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


# -- writes --------------------------------------------------------------------------------

MAX_BODY = 1_000_000


def _parse_if_match(value) -> int:
    """If-Match: "<version>" (a strong ETag holding the version); 428 when missing."""
    if not value:
        raise PreconditionRequired('send If-Match: "<version>" with the version you read')
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise BadRequest('If-Match must be a quoted version number, e.g. If-Match: "3"')
    return int(text)


def patch_project(store, user, project_id: str, body: bytes, if_match, content_type) -> Result:
    """PATCH /api/projects/<id>: {"properties": {...}, "geometry": {...}, "note": "..."}."""
    from gis import editing
    from gis.errors import Conflict

    if user is None:
        raise Unauthorized("API writes need an API token")
    expected = _parse_if_match(if_match)
    if len(body or b"") > MAX_BODY:
        raise TooLarge(f"the body is larger than {MAX_BODY} bytes")
    if not (content_type or "").split(";")[0].strip() in ("application/json", "application/merge-patch+json",
                                                          "application/geo+json"):
        raise UnsupportedMediaType("send JSON (Content-Type: application/json)")
    try:
        doc = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(doc, dict):
        raise BadRequest('the body must be a JSON object: {"properties": {...}, "note": "..."}')
    if not isinstance(doc.get("properties", {}), dict):
        raise BadRequest("properties must be an object")
    changes = dict(doc.get("properties") or {})
    if "geometry" in doc:
        changes["geometry"] = doc["geometry"]
    if not changes:
        raise BadRequest("nothing to change: give properties and/or geometry")
    try:
        feature = editing.update_project(store, user, project_id, changes, expected_version=expected,
                                         note=doc.get("note"))
    except editing.Forbidden as exc:
        raise Forbidden(str(exc)) from None
    except Conflict as exc:
        raise PreconditionFailed(exc.message) from None
    return Result(200, feature, GEOJSON, {"ETag": f'"{feature["properties"]["version"]}"'})


def confirm_project(store, user, project_id: str, body: bytes, if_match) -> Result:
    """POST /api/projects/<id>/confirm: the record was checked and is still right.
    Optional body {"note": "..."}; If-Match "<version>" required; a history entry, no new version."""
    from gis import editing
    from gis.errors import Conflict

    if user is None:
        raise Unauthorized("API writes need an API token")
    expected = _parse_if_match(if_match)
    if len(body or b"") > MAX_BODY:
        raise TooLarge(f"the body is larger than {MAX_BODY} bytes")
    doc = {}
    if (body or b"").strip():
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the body is not valid JSON") from None
        if not isinstance(doc, dict):
            raise BadRequest('the body must be a JSON object: {"note": "..."}')
    try:
        feature = editing.confirm_project(store, user, project_id, expected_version=expected, note=doc.get("note"))
    except editing.Forbidden as exc:
        raise Forbidden(str(exc)) from None
    except Conflict as exc:
        raise PreconditionFailed(exc.message) from None
    return Result(200, feature, GEOJSON, {"ETag": f'"{feature["properties"]["version"]}"'})
