"""OGC API - Features, Part 1 (read): Core, GeoJSON, HTML and OpenAPI 3.0. No Flask here.

Each endpoint is a plain function ``(ctx, ...) -> Result`` whose body is the JSON twin;
the web layer (gis.web.ogc_routes) renders the same data as HTML for ``f=html``.

Collections: ``projects`` (the store's projects, archived ones left out) and every base
layer (``layers/manifest.json`` + the store), read-only. Query parameters of
``/collections/{id}/items``:

* ``limit``: default 10, 1..10000; a larger value is clamped to 10000 (what OGC API -
  Features 1.0 permits, /per/core/limit-response); 0, negative or non-integer: 400.
* ``offset``: skip that many features (the ``next``/``prev`` links carry it).
* ``bbox``: ``minlon,minlat,maxlon,maxlat`` in CRS84 (a 6-number 3D box drops its heights).
* ``datetime`` (projects only; base layers have no time and answer 400): over
  ``updated_at``: an instant (``2026-11-27T00:00:00Z``; a date means that whole day) or a
  closed or half-bounded interval (``2020-01-01/2020-12-31``, ``../2020-01-01``,
  ``2020-01-01/..``), inclusive.
* ``status``, ``sector``, ``lead_agency`` (projects only): codes, repeated or comma-separated.
* ``f`` (``json`` | ``html``) and ``lang`` (``vi`` | ``en``) everywhere.

Anything else is a 400 whose JSON body is the standard's exception: ``{"code", "description"}``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Optional, Sequence
from urllib.parse import quote, urlencode

from gis import api
from gis.api import Result
from gis.errors import BadRequest, GisError, NotFound
from gis.geo import iter_positions, parse_bbox
from gis.openapi.oas import OPENAPI_JSON
from gis.store.base import ProjectQuery

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
SCHEMA_JSON = "application/schema+json"

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)

PROJECTS = "projects"
DEFAULT_LIMIT = 10
MAX_LIMIT = 10000
MAX_OFFSET = 2**53  # keeps SQL OFFSET inside a 64-bit integer
LANGUAGES = ("vi", "en")
COMMON_PARAMS = ("f", "lang")
ITEMS_PARAMS = COMMON_PARAMS + ("bbox", "limit", "offset", "datetime")
PROJECT_FILTERS = api.FILTERS  # status, sector, lead_agency
FORMATS = {"json": "json", "geojson": "json", "html": "html",
           JSON: "json", GEOJSON: "json", OPENAPI_JSON: "json", HTML: "html"}

# The few sentences of this module, in both languages (pages use Flask-Babel instead).
TEXT = {
    "vi": {
        "title": "Bản đồ dự án trọng điểm TP Cần Thơ — OGC API - Features",
        "description": "Các dự án trọng điểm của Kế hoạch thực hiện Chương trình hành động số 14-CTr/TU "
                       "(UBND TP Cần Thơ, 2016-2020) và các lớp nền, theo chuẩn OGC API - Features (chỉ đọc).",
        "projects_title": "Dự án trọng điểm",
        "projects_description": "Các dự án trọng điểm của Kế hoạch (không gồm dự án đã lưu trữ): vị trí, tình trạng, "
                                "tiến độ, cơ quan chủ trì, nguồn. Độ chính xác vị trí của từng dự án ghi trong "
                                "thuộc tính location_accuracy. Lọc theo status, sector, lead_agency, bbox và "
                                "datetime (theo updated_at).",
        "layer_description": "Lớp nền, chỉ đọc. Độ chính xác: {accuracy}. Giấy phép: {licence} {note}",
        "accuracy": {"indicative": "minh họa (indicative), không phải địa giới chính thức"},
    },
    "en": {
        "title": "Cần Thơ key-projects map — OGC API - Features",
        "description": "The key projects of the plan implementing Programme 14-CTr/TU (Cần Thơ People's Committee, "
                       "2016-2020) and the base layers, as OGC API - Features (read only).",
        "projects_title": "Key projects",
        "projects_description": "The plan's key projects (archived ones left out): location, status, progress, "
                                "lead agency, sources. How accurate each location is: the location_accuracy "
                                "property. Filter by status, sector, lead_agency, bbox and datetime (over updated_at).",
        "layer_description": "Base layer, read-only. Accuracy: {accuracy}. Licence: {licence} {note}",
        "accuracy": {"indicative": "indicative (not official boundaries)"},
    },
}


@dataclasses.dataclass(frozen=True)
class Collection:
    id: str
    titles: dict  # {"vi": ..., "en": ...}
    descriptions: dict
    layer: Optional[dict] = None  # the manifest entry of a base layer (None for projects)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles["vi"]

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions["vi"]


@dataclasses.dataclass
class Context:
    """What an OGC request needs: the store, where the API lives, the language, the layers."""

    store: object
    base_url: str  # absolute URL of the landing page, without a trailing slash: http://host/ogc
    lang: str = "vi"
    manifest: Sequence[dict] = ()

    def __post_init__(self):
        self.base_url = self.base_url.rstrip("/")
        if self.lang not in LANGUAGES:
            self.lang = "vi"

    def text(self, key):
        return TEXT[self.lang][key]

    def url(self, path: str = "", **params) -> str:
        query = urlencode([(k, v) for k, v in params.items() if v is not None], quote_via=quote, safe=",:/")
        return self.base_url + path + ("?" + query if query else "")


# -- errors ---------------------------------------------------------------------------------

_EXCEPTION_CODES = {400: "InvalidParameterValue", 404: "NotFound", 503: "ServiceUnavailable"}


def exception_result(error: GisError) -> Result:
    """The standard's JSON exception (OGC API - Common): {"code", "description"}."""
    code = _EXCEPTION_CODES.get(error.http_status, "NoApplicableCode")
    return Result(error.http_status, {"code": code, "description": error.message})


# -- parsing -------------------------------------------------------------------------------

def check_params(args, allowed: Sequence[str]) -> None:
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)} (allowed here: {', '.join(allowed)})")


def output_format(args, accepted: Optional[str] = None) -> str:
    """"json" or "html": ``f`` first, then the media type content negotiation chose."""
    values = args.get("f") or []
    if values:
        f = str(values[-1]).strip().lower()
        if f not in FORMATS:
            raise BadRequest(f"unknown f={values[-1]!r} (allowed: json, html)")
        return FORMATS[f]
    return "html" if accepted == HTML else "json"


def _last(args, name) -> Optional[str]:
    values = args.get(name) or []
    return str(values[-1]).strip() if values else None


def parse_limit(text: Optional[str]) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[+]?[0-9]+", text):
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {text!r}")
    value = int(text)
    if value < 1:
        raise BadRequest(f"limit must be at least 1, got {value}")
    return min(value, MAX_LIMIT)  # larger values are clamped (OGC API - Features 1.0, /per/core/limit-response)


def parse_offset(text: Optional[str]) -> int:
    if text is None or text == "":
        return 0
    if not re.fullmatch(r"[+]?[0-9]+", text) or int(text) > MAX_OFFSET:
        raise BadRequest(f"offset must be a whole number from 0 to {MAX_OFFSET}, got {text!r}")
    return int(text)


def parse_ogc_bbox(text: Optional[str]) -> Optional[tuple]:
    """4 numbers (minlon,minlat,maxlon,maxlat) or 6 (with heights, which are dropped)."""
    if text is None or text == "":
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 6:
        parts = [parts[0], parts[1], parts[3], parts[4]]
    return parse_bbox(",".join(parts))


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_OPEN = ("", "..")


def _instant(text: str, *, end: bool) -> str:
    """One RFC 3339 date or date-time -> the store's form (UTC, seconds, Z). A date is the
    start of its day, or its last second when it closes an interval; fractions of a
    second round inwards so the bounds stay inclusive of whole seconds only."""
    if len(text) == 11 and text[-1] in "Tt":
        text = text[:-1]  # GDAL 3.6 sends a bare date as "2026-01-01T"
    if _DATE.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise BadRequest(f"datetime: {text!r} is not a valid date") from None
        return day.isoformat() + ("T23:59:59Z" if end else "T00:00:00Z")
    try:
        value = dt.datetime.fromisoformat(text.upper().replace(" ", "T"))
    except ValueError:
        raise BadRequest(f"datetime: {text!r} is not an RFC 3339 date-time such as 2026-11-27T06:40:00Z "
                         "or a date such as 2026-11-27") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)  # no offset given: UTC
    value = value.astimezone(dt.timezone.utc)
    if value.microsecond:
        value = value.replace(microsecond=0) + (dt.timedelta(0) if end else dt.timedelta(seconds=1))
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """``datetime`` -> (updated_from, updated_to), inclusive; None for an open end."""
    if text is None or text == "":
        return None, None
    if "/" in text:
        start, _, end = text.partition("/")
        if "/" in end:
            raise BadRequest(f"datetime: an interval has one '/', got {text!r}")
        start, end = start.strip(), end.strip()
        lower = None if start in _OPEN else _instant(start, end=False)
        upper = None if end in _OPEN else _instant(end, end=True)
        if lower is not None and upper is not None and lower > upper:
            raise BadRequest(f"datetime: the interval starts after it ends: {text!r}")
        return lower, upper
    if text == "..":
        raise BadRequest("datetime: '..' is only allowed as one end of an interval, e.g. ../2020-01-01")
    return _instant(text, end=False), _instant(text, end=True)  # a date: the whole day


@dataclasses.dataclass(frozen=True)
class ItemsRequest:
    bbox: Optional[tuple]
    limit: int
    offset: int
    updated_from: Optional[str]
    updated_to: Optional[str]
    filters: dict  # name -> tuple of codes (projects only)
    echo: dict  # the filter parameters as given, for the links


def parse_items(collection: Collection, args) -> ItemsRequest:
    is_projects = collection.layer is None
    allowed = ITEMS_PARAMS + (PROJECT_FILTERS if is_projects else ())
    check_params(args, allowed)
    if not is_projects and args.get("datetime"):
        raise BadRequest(f"collection {collection.id!r} has no time: datetime applies to {PROJECTS!r} only")
    filters = {}
    if is_projects:
        query = api.parse_project_query({k: args[k] for k in PROJECT_FILTERS if k in args}, allowed=PROJECT_FILTERS)
        filters = {k: getattr(query, k) for k in PROJECT_FILTERS if getattr(query, k)}
    updated_from, updated_to = parse_datetime(_last(args, "datetime")) if is_projects else (None, None)
    bbox = parse_ogc_bbox(_last(args, "bbox"))
    echo = {k: ",".join(v) for k, v in filters.items()}
    if bbox is not None:
        echo["bbox"] = _last(args, "bbox")
    if _last(args, "datetime"):
        echo["datetime"] = _last(args, "datetime")
    return ItemsRequest(bbox, parse_limit(_last(args, "limit")), parse_offset(_last(args, "offset")),
                        updated_from, updated_to, filters, echo)


# -- collections ----------------------------------------------------------------------------

def projects_collection() -> Collection:
    return Collection(PROJECTS, {k: TEXT[k]["projects_title"] for k in LANGUAGES},
                      {k: TEXT[k]["projects_description"] for k in LANGUAGES})


def layer_collection(name: str, entry: Optional[dict]) -> Collection:
    entry = dict(entry or {"name": name})
    titles = {"vi": entry.get("title_vi") or entry.get("title_en") or name,
              "en": entry.get("title_en") or entry.get("title_vi") or name}
    descriptions = {}
    for lang in LANGUAGES:
        accuracy = entry.get("accuracy") or "unknown"
        descriptions[lang] = TEXT[lang]["layer_description"].format(
            accuracy=TEXT[lang]["accuracy"].get(accuracy, accuracy),
            licence=(entry.get("licence") or "-").rstrip(".") + ".",
            note=entry.get(f"note_{lang}") or "").strip()
    return Collection(name, titles, descriptions, layer=entry)


def list_collections(ctx: Context) -> list[Collection]:
    """projects, then the base layers in the manifest's order, then layers only the store has."""
    stored = list(ctx.store.layer_names())
    by_name = {e.get("name"): e for e in ctx.manifest}
    names = [n for n in by_name if n in stored] + [n for n in stored if n not in by_name]
    return [projects_collection()] + [layer_collection(n, by_name.get(n)) for n in names]


def find_collection(ctx: Context, collection_id: str) -> Collection:
    if collection_id == PROJECTS:
        return projects_collection()
    for c in list_collections(ctx)[1:]:
        if c.id == collection_id:
            return c
    raise NotFound(f"no collection {collection_id!r} (see {ctx.url('/collections')})")


def _bounds(features) -> Optional[list]:
    xs, ys = [], []
    for f in features:
        for pos in iter_positions(f.get("geometry") or {}):
            xs.append(pos[0])
            ys.append(pos[1])
    return [min(xs), min(ys), max(xs), max(ys)] if xs else None


def project_extent(store) -> tuple[Optional[list], Optional[list]]:
    """(bbox, [first, last] updated_at) of the listed (not archived) projects, by one SQL
    aggregate over the stored envelopes on the SQL stores."""
    fast = getattr(store, "project_extent", None)
    if fast is not None:
        return fast()
    from gis.store.sql import SqlStore, projects

    if isinstance(store, SqlStore):
        import sqlalchemy as sa

        c = projects.c
        stmt = sa.select(sa.func.min(c.minx), sa.func.min(c.miny), sa.func.max(c.maxx), sa.func.max(c.maxy),
                         sa.func.min(c.updated_at), sa.func.max(c.updated_at)).where(sa.not_(c.archived))
        with store.engine.connect() as conn:
            row = conn.execute(stmt).one()
        if row[0] is None:
            return None, None
        return [row[0], row[1], row[2], row[3]], [row[4], row[5]]
    features = store.list_projects()
    stamps = sorted(f["properties"].get("updated_at") for f in features if f["properties"].get("updated_at"))
    return _bounds(features), ([stamps[0], stamps[-1]] if stamps else None)


def _extent(ctx: Context, collection: Collection) -> dict:
    if collection.layer is None:
        bbox, interval = project_extent(ctx.store)
    else:
        bbox, interval = _bounds(ctx.store.list_layer(collection.id)), None
    extent = {}
    if bbox is not None:
        extent["spatial"] = {"bbox": [[round(v, 7) for v in bbox]], "crs": CRS84}
    if interval is not None:
        extent["temporal"] = {"interval": [interval], "trs": GREGORIAN}
    return extent


def _link(href, rel, type_, title=None) -> dict:
    link = {"href": href, "rel": rel, "type": type_}
    if title:
        link["title"] = title
    return link


def collection_info(ctx: Context, collection: Collection) -> dict:
    path = f"/collections/{quote(collection.id, safe='')}"
    info = {
        "id": collection.id,
        "title": collection.title(ctx.lang),
        "description": collection.description(ctx.lang),
        "links": [
            _link(ctx.url(path, f="json"), "self", JSON, "this document"),
            _link(ctx.url(path, f="html"), "alternate", HTML, "this document as HTML"),
            # no query string: GDAL appends "/{featureId}" to this href for an id filter
            _link(ctx.url(path + "/items"), "items", GEOJSON, "the features as GeoJSON"),
            _link(ctx.url(path + "/items", f="html"), "items", HTML, "the features as HTML"),
            _link(ctx.url(path + "/schema"), "describedBy", SCHEMA_JSON, "JSON Schema of the features"),
        ],
        "extent": _extent(ctx, collection),
        "itemType": "feature",
        "crs": [CRS84],
    }
    if collection.layer is not None:
        info["readOnly"] = True
        for key in ("accuracy", "licence", "source"):
            if collection.layer.get(key):
                info[key] = collection.layer[key]
    return info


# -- endpoints ------------------------------------------------------------------------------

def landing(ctx: Context, args) -> Result:
    check_params(args, COMMON_PARAMS)
    return Result(200, {
        "title": ctx.text("title"),
        "description": ctx.text("description"),
        "links": [
            _link(ctx.url("", f="json"), "self", JSON, "this document"),
            _link(ctx.url("", f="html"), "alternate", HTML, "this document as HTML"),
            _link(ctx.url("/api"), "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"),
            _link(ctx.url("/api", f="html"), "service-doc", HTML, "the API documentation"),
            _link(ctx.url("/conformance", f="json"), "conformance", JSON, "conformance classes"),
            _link(ctx.url("/collections", f="json"), "data", JSON, "the collections"),
        ],
    })


def conformance(ctx: Context, args) -> Result:
    check_params(args, COMMON_PARAMS)
    return Result(200, {"conformsTo": list(CONFORMANCE),
                        "links": [_link(ctx.url("/conformance", f="json"), "self", JSON),
                                  _link(ctx.url("/conformance", f="html"), "alternate", HTML)]})


def collections(ctx: Context, args) -> Result:
    check_params(args, COMMON_PARAMS)
    return Result(200, {
        "links": [_link(ctx.url("/collections", f="json"), "self", JSON, "this document"),
                  _link(ctx.url("/collections", f="html"), "alternate", HTML, "this document as HTML")],
        "collections": [collection_info(ctx, c) for c in list_collections(ctx)],
    })


def collection(ctx: Context, collection_id: str, args) -> Result:
    check_params(args, COMMON_PARAMS)
    return Result(200, collection_info(ctx, find_collection(ctx, collection_id)))


def time_stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def items_links(ctx: Context, collection: Collection, req: ItemsRequest, matched: int, returned: int,
                fmt: str = "json") -> list[dict]:
    """self/alternate, next (while features remain), prev (past the first page), collection."""
    path = f"/collections/{quote(collection.id, safe='')}/items"
    page_type = HTML if fmt == "html" else GEOJSON
    other, other_type = ("json", GEOJSON) if fmt == "html" else ("html", HTML)

    def href(offset, f):
        return ctx.url(path, **req.echo, limit=req.limit, offset=offset or None, f=f)

    links = [_link(href(req.offset, fmt), "self", page_type, "this page"),
             _link(href(req.offset, other), "alternate", other_type, "this page as " + other.upper())]
    if req.offset + returned < matched:
        links.append(_link(href(req.offset + req.limit, fmt), "next", page_type, "next page"))
    if req.offset > 0:
        links.append(_link(href(max(req.offset - req.limit, 0), fmt), "prev", page_type, "previous page"))
    links.append(_link(ctx.url(f"/collections/{quote(collection.id, safe='')}", f="json"), "collection", JSON,
                       collection.title(ctx.lang)))
    return links


def _project_page(store, query) -> tuple[int, int, str]:
    fast = getattr(store, "feature_page_json", None)
    if fast is not None:
        return fast(query)
    page = store.list_projects(query)
    return (store.count_projects(query), len(page),
            json.dumps(page, ensure_ascii=False, separators=(",", ":")))


def items(ctx: Context, collection_id: str, args, fmt: str = "json") -> Result:
    """A page of features. The projects' page is assembled as text from the store's JSON
    (one page query, plus a count query only when needed): no per-request work over the
    whole table."""
    coll = find_collection(ctx, collection_id)
    req = parse_items(coll, args)
    if coll.layer is None:
        query = ProjectQuery(bbox=req.bbox, limit=req.limit, offset=req.offset, updated_from=req.updated_from,
                             updated_to=req.updated_to, **req.filters)
        matched, returned, features_json = _project_page(ctx.store, query)
    else:
        everything = ctx.store.list_layer(coll.id, req.bbox)
        page = everything[req.offset:req.offset + req.limit]
        matched, returned = len(everything), len(page)
        features_json = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
    head = {"type": "FeatureCollection", "numberMatched": matched, "numberReturned": returned,
            "timeStamp": time_stamp(), "links": items_links(ctx, coll, req, matched, returned, fmt)}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":' + features_json + "}"
    return Result(200, text, GEOJSON)


def item(ctx: Context, collection_id: str, feature_id: str, args) -> Result:
    check_params(args, COMMON_PARAMS)
    coll = find_collection(ctx, collection_id)
    if coll.layer is None:
        feature = ctx.store.get_project(feature_id)
        if feature["properties"].get("archived"):
            raise NotFound(f"project {feature_id!r} is archived: it is not in the collection")
    else:
        feature = next((f for f in ctx.store.list_layer(coll.id) if str(f.get("id")) == feature_id), None)
        if feature is None:
            raise NotFound(f"no feature {feature_id!r} in collection {coll.id!r}")
    path = f"/collections/{quote(coll.id, safe='')}"
    feature = dict(feature, links=[
        _link(ctx.url(f"{path}/items/{quote(feature_id, safe='')}", f="json"), "self", GEOJSON, "this feature"),
        _link(ctx.url(f"{path}/items/{quote(feature_id, safe='')}", f="html"), "alternate", HTML,
              "this feature as HTML"),
        _link(ctx.url(path, f="json"), "collection", JSON, coll.title(ctx.lang)),
    ])
    return Result(200, feature, GEOJSON)


def schema(ctx: Context, collection_id: str, args) -> Result:
    """A JSON Schema of the collection's GeoJSON features (rel ``describedBy``): GDAL's OAPIF
    driver reads it to know every attribute and its type, not only those of the first page."""
    check_params(args, COMMON_PARAMS)
    coll = find_collection(ctx, collection_id)
    from gis.openapi import model

    if coll.layer is None:
        props = model.project_properties_for_clients()
    else:
        props = _inferred_properties(ctx.store.list_layer(coll.id))
        props.pop("id", None)  # the Feature's "id" member carries it (GDAL would list "id" twice)
    body = {
        "$id": ctx.url(f"/collections/{quote(coll.id, safe='')}/schema"),
        "title": coll.title(ctx.lang),
        "description": "The GeoJSON features of this collection, as an OpenAPI 3.0 Schema Object (one type per "
                       "property; nullable: true marks properties that may be null).",
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "x-ogc-role": "primary-geometry"},
            "properties": {"type": "object", "properties": props},
        },
    }
    return Result(200, body, SCHEMA_JSON)


def _json_type(value) -> Optional[str]:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if -2**31 <= value < 2**31 else "number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


def _inferred_properties(features) -> dict:
    """Property name -> {"type": ...} from the values (a base layer has no declared schema)."""
    seen: dict = {}
    for f in features:
        for key, value in (f.get("properties") or {}).items():
            kind = _json_type(value)
            if kind is None:
                seen.setdefault(key, None)
                continue
            old = seen.get(key)
            if old in (None, kind):
                seen[key] = kind
            elif {old, kind} == {"integer", "number"}:
                seen[key] = "number"
            else:
                seen[key] = "string"
    out = {}
    for key, kind in seen.items():
        node = {"type": kind or "string"}
        if kind == "array":
            node["items"] = {"type": "string"}
        out[key] = node
    return out


def api_definition(ctx: Context, args) -> Result:
    """The OpenAPI 3.0 document of these endpoints (rel service-desc)."""
    check_params(args, COMMON_PARAMS)
    from gis.openapi import ogc_api

    return Result(200, ogc_api.ogc_document(ctx.base_url, list_collections(ctx), ctx.lang), OPENAPI_JSON)
