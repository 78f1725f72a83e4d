"""Project fields and codelists, declared once in project.schema.json, and the validator.

``validate_feature`` and ``validate_collection`` return lists of ``Problem`` (one clear
line each); they never raise on bad data. The same validator guards the seed files,
the CLI and every write to the store.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
from functools import lru_cache

import jsonschema
import shapely.geometry
import shapely.validation

from gis.geo import REGION_BBOX, in_box, iter_positions

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "project.schema.json")

STATUSES_NEEDING_ACTUAL_END = ("completion", "maintenance")
DATE_PAIRS = (("planned_start", "planned_end"), ("actual_start", "actual_end"))


@dataclasses.dataclass(frozen=True)
class Code:
    code: str
    title_en: str
    title_vi: str
    extra: dict

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    title_en: str
    title_vi: str
    required: bool
    description: str
    codelist: str | None  # name of the codelist its values come from, if any

    def title(self, lang: str = "vi") -> str:
        return self.title_vi if lang == "vi" else self.title_en


@dataclasses.dataclass(frozen=True)
class Problem:
    feature: str  # feature id or "#<index>"
    field: str  # property name, "geometry", "id" or "" for the whole feature
    message: str

    def __str__(self):
        where = f"{self.feature}: {self.field}: " if self.field else f"{self.feature}: "
        return where + self.message


@lru_cache(maxsize=1)
def load_schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def _property_schemas() -> dict:
    return load_schema()["properties"]["properties"]["properties"]


def _codes_of(node: dict) -> list[Code] | None:
    options = node.get("oneOf") or (node.get("items") or {}).get("oneOf")
    if not options or not all("const" in o for o in options):
        return None
    return [
        Code(o["const"], o.get("title", o["const"]), o.get("x-title-vi", o.get("title", o["const"])),
             {k[2:]: v for k, v in o.items() if k.startswith("x-") and k != "x-title-vi"})
        for o in options
    ]


@lru_cache(maxsize=None)
def codelist(name: str) -> tuple[Code, ...]:
    """The codes of a coded field: "status", "sector", "lead_agency", "districts", "location_accuracy"."""
    codes = _codes_of(_property_schemas()[name])
    if codes is None:
        raise KeyError(f"{name} is not a coded field")
    return tuple(codes)


def codes(name: str) -> list[str]:
    return [c.code for c in codelist(name)]


def code_title(name: str, code: str, lang: str = "vi") -> str:
    for c in codelist(name):
        if c.code == code:
            return c.title(lang)
    return code


@lru_cache(maxsize=1)
def fields() -> tuple[Field, ...]:
    """Every project property in schema order."""
    required = set(load_schema()["properties"]["properties"]["required"])
    out = []
    for name, node in _property_schemas().items():
        coded = name if _codes_of(node) else node.get("x-codelist")
        out.append(Field(name, node.get("title", name), node.get("x-title-vi", node.get("title", name)),
                         name in required, node.get("description", ""), coded))
    return tuple(out)


@lru_cache(maxsize=1)
def _validator():
    return jsonschema.Draft202012Validator(_with_enums(load_schema()), format_checker=jsonschema.FormatChecker())


def _with_enums(node):
    """The schema with each codelist (a oneOf of consts with titles) checked as an ``enum`` of its codes:
    the same verdicts, without jsonschema building one error per code that does not match (that was
    most of the ~3 ms a write spent validating). The codes' own list stays under ``x-codes`` for messages."""
    if isinstance(node, list):
        return [_with_enums(n) for n in node]
    if not isinstance(node, dict):
        return node
    options = node.get("oneOf")
    if options and all(isinstance(o, dict) and "const" in o for o in options):
        rest = {k: _with_enums(v) for k, v in node.items() if k != "oneOf"}
        return {**rest, "enum": [o["const"] for o in options], "x-codes": options}
    return {k: _with_enums(v) for k, v in node.items()}


# -- structural checks -----------------------------------------------------------------

def _describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    """Turn a jsonschema error into (field, one readable sentence)."""
    path = [p for p in error.absolute_path]
    field = ""
    if len(path) >= 2 and path[0] == "properties":
        field = str(path[1])
    elif path:
        field = str(path[0])
    value = error.instance
    codes_ = _codes_of({"oneOf": error.schema.get("x-codes")}) if isinstance(error.schema, dict) else None
    if error.validator == "enum" and codes_:
        kind = {"status": "status", "sector": "sector", "lead_agency": "agency",
                "districts": "district", "location_accuracy": "location accuracy"}.get(field, field)
        return field, f"unknown {kind} {value!r} (allowed: {', '.join(c.code for c in codes_)})"
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        if missing == "sources":
            return "sources", "missing sources (every project needs at least one)"
        return missing, "is required"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return ", ".join(extra), "unknown property (not in the data model)"
    if error.validator == "minItems" and field == "sources":
        return field, "missing sources (every project needs at least one)"
    if error.validator in ("minimum", "maximum") and field == "progress":
        return field, f"progress must be between 0 and 100, got {value!r}"
    if error.validator == "pattern" and "date" in (error.schema.get("description") or "") or (
            error.validator == "pattern" and field.endswith(("_start", "_end"))):
        return field, f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}"
    if error.validator == "pattern" and field == "id":
        return "id", f"id must be a lowercase slug like 'vam-cong-bridge': {value!r}"
    return field, error.message


def _structural_problems(feature: dict, label: str) -> list[Problem]:
    problems = []
    for error in sorted(_validator().iter_errors(feature), key=lambda e: list(map(str, e.absolute_path))):
        field, message = _describe(error)
        problems.append(Problem(label, field, message))
    return problems


# -- semantic checks ---------------------------------------------------------------------

def _date_bounds(value: str) -> tuple[str, str]:
    """Lower and upper bound of a possibly partial ISO date, as comparable strings."""
    if len(value) == 4:
        return value + "-01-01", value + "-12-31"
    if len(value) == 7:
        return value + "-01", value + "-31"
    return value, value


def geometry_problems(geometry, sector: str | None = None, label: str = "?") -> list[Problem]:
    """Valid, non-empty, right kind for the sector, finite and inside the region box."""
    out = []

    def bad(msg):
        out.append(Problem(label, "geometry", msg))
        return out

    if not isinstance(geometry, dict) or "type" not in geometry:
        return bad("missing or not a GeoJSON geometry object")
    for pos in iter_positions(geometry):
        if len(pos) < 2 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                                   for v in pos[:2]):
            return bad(f"invalid {geometry.get('type')} geometry: coordinate is not a pair of finite numbers: {pos!r}")
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as exc:  # noqa: BLE001 - shapely raises many kinds for malformed input
        return bad(f"invalid {geometry.get('type')} geometry: {exc}")
    if shape.is_empty:
        return bad("empty geometry")
    positions = list(iter_positions(geometry))
    outside = [p for p in positions if not in_box(p[0], p[1])]
    if outside:
        lon, lat = outside[0][:2]
        if in_box(lat, lon):
            return bad(f"coordinates look swapped: ({lon}, {lat}) is (lat, lon); GeoJSON wants (lon, lat)")
        return bad(f"coordinate ({lon}, {lat}) is outside the Cần Thơ region "
                   f"(lon {REGION_BBOX[0]}..{REGION_BBOX[2]}, lat {REGION_BBOX[1]}..{REGION_BBOX[3]})")
    if not shape.is_valid:
        return bad(f"invalid geometry: {shapely.validation.explain_validity(shape)}")
    if sector:
        allowed = next((c.extra.get("geometry") for c in codelist("sector") if c.code == sector), None)
        if allowed and geometry["type"] not in allowed:
            return bad(f"{geometry['type']} is not allowed for sector {sector} (allowed: {', '.join(allowed)})")
    return out


def _semantic_problems(props: dict, label: str) -> list[Problem]:
    out = []
    for start, end in DATE_PAIRS:
        a, b = props.get(start), props.get(end)
        if isinstance(a, str) and isinstance(b, str) and _date_bounds(a)[0] > _date_bounds(b)[1]:
            out.append(Problem(label, end, f"dates out of order: {start} {a} is after {end} {b}"))
    status = props.get("status")
    notes = props.get("data_notes") or {}
    if status in STATUSES_NEEDING_ACTUAL_END and not props.get("actual_end") and "actual_end" not in notes:
        out.append(Problem(label, "actual_end",
                           f"status {status} needs actual_end (or a data_notes.actual_end saying why it is unknown)"))
    plan_agency = props.get("plan_agency")
    if plan_agency and plan_agency not in codes("lead_agency"):
        out.append(Problem(label, "plan_agency", f"unknown agency {plan_agency!r}"))
    return out


def validate_feature(feature, index: int | None = None) -> list[Problem]:
    """Every problem of one project Feature (empty list when valid)."""
    if not isinstance(feature, dict):
        return [Problem(f"#{index}" if index is not None else "?", "", "not a GeoJSON Feature object")]
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    label = str(feature.get("id") or props.get("id") or (f"#{index}" if index is not None else "?"))
    problems = _structural_problems(feature, label)
    if feature.get("id") is not None and props.get("id") is not None and feature["id"] != props["id"]:
        problems.append(Problem(label, "id", f"Feature id {feature['id']!r} differs from properties.id {props['id']!r}"))
    sector = props.get("sector") if props.get("sector") in codes("sector") else None
    problems += geometry_problems(feature.get("geometry"), sector, label)
    problems += _semantic_problems(props, label)
    return problems


def validate_collection(collection) -> list[Problem]:
    """Every problem of a projects FeatureCollection, duplicate ids included."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return [Problem("file", "", "not a GeoJSON FeatureCollection")]
    features = collection.get("features")
    if not isinstance(features, list):
        return [Problem("file", "", "FeatureCollection has no features list")]
    problems, seen = [], {}
    for i, feature in enumerate(features):
        problems += validate_feature(feature, i)
        fid = feature.get("id") if isinstance(feature, dict) else None
        if isinstance(fid, (str, int)) and not isinstance(fid, bool):  # other ids are reported by the schema
            if fid in seen:
                problems.append(Problem(str(fid), "id", f"duplicate id (features #{seen[fid]} and #{i})"))
            else:
                seen[fid] = i
    return problems
