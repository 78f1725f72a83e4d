"""Field mapping and value coercion (no Flask): which column of a file feeds which project
field (suggested from names, shapefile short names and vi/en titles), and a cell's value
in the data model's type (codes from their titles, lists, JSON objects, whole numbers).
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata

from gis import export, schema
from gis.errors import BadRequest, reason_of
from gis.importing.layer import ImportedLayer, plain_value

TARGETS = tuple(f.name for f in schema.fields() if f.name != "updated_at") + ("version",)


@dataclasses.dataclass
class FieldMapping:
    """Source property -> our field (None or "" ignores it), and defaults for empty fields."""

    fields: dict
    defaults: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def coerce(cls, mapping, layer: ImportedLayer) -> "FieldMapping":
        if mapping is None:
            return suggest_mapping(layer)
        if isinstance(mapping, FieldMapping):
            out = mapping
        elif isinstance(mapping, dict) and set(mapping) <= {"fields", "defaults"} and mapping:
            out = cls(dict(mapping.get("fields") or {}), dict(mapping.get("defaults") or {}))
        elif isinstance(mapping, dict):
            out = cls(dict(mapping))
        else:
            raise BadRequest("mapping must be an object: {source field: our field}")
        bad = sorted({t for t in out.fields.values() if t and t not in TARGETS} |
                     {t for t in out.defaults if t not in TARGETS or t == "version"})
        if bad:
            raise BadRequest(f"the mapping names unknown field(s) {', '.join(bad)} "
                             f"(fields: {', '.join(TARGETS)})")
        targets = [t for t in out.fields.values() if t]
        dup = sorted({t for t in targets if targets.count(t) > 1})
        if dup:
            raise BadRequest(f"the mapping sends several columns to {', '.join(dup)}")
        return out

    def to_dict(self):
        return {"fields": dict(self.fields), "defaults": dict(self.defaults)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip().casefold()


def suggest_mapping(layer: ImportedLayer) -> FieldMapping:
    """Same names (any case), the shapefile's 10-byte names, and vi/en titles map to our fields."""
    lookup = {}
    for f in schema.fields():
        for key in (f.name, f.title_en, f.title_vi):
            lookup.setdefault(_fold(key), f.name)
    lookup.setdefault("version", "version")
    for long, short in export.SHP_FIELDS.items():
        lookup.setdefault(_fold(short), long)
    fields, taken = {}, set()
    for name in layer.fields:
        target = lookup.get(_fold(name))
        if target in ("updated_at",) or target in taken:
            target = None
        fields[name] = target
        if target:
            taken.add(target)
    return FieldMapping(fields)


def _code_lookup(codelist: str, value):
    """A code from a code, any case, or its Vietnamese/English title; else the value as given."""
    if not isinstance(value, str):
        return value
    codes = schema.codelist(codelist)
    folded = _fold(value)
    for c in codes:
        if value == c.code:
            return value
    for c in codes:
        if folded in (_fold(c.code), _fold(c.title_vi), _fold(c.title_en)):
            return c.code
    return value.strip()


def _nullable() -> frozenset:
    nodes = schema.load_schema()["properties"]["properties"]["properties"]
    out = set()
    for name, node in nodes.items():
        types = node.get("type")
        if (isinstance(types, list) and "null" in types) or node.get("$ref") == "#/$defs/date":
            out.add(name)
    return frozenset(out)


NULLABLE = _nullable()
CODED = {"sector": "sector", "status": "status", "lead_agency": "lead_agency", "plan_agency": "lead_agency",
         "location_accuracy": "location_accuracy", "districts": "districts"}
_GROUPED_INT = re.compile(r"^\d{1,3}([., \u00a0]\d{3})+$")


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def coerce_value(field: str, value):
    """A file's cell -> the data model's type. Returns (value, problem message or None)."""
    kind = export.COLUMN_KINDS.get(field, "text")
    value = plain_value(value)
    if kind == "list":
        if is_empty(value):
            return [], None
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    parsed = json.loads(text)
                    if isinstance(parsed, list):
                        value = parsed
                except json.JSONDecodeError:
                    pass
            if isinstance(value, str):
                value = [item.strip() for item in text.split(export.LIST_SEPARATOR)]
        if not isinstance(value, list):
            value = [value]
        items = [str(v).strip() if not isinstance(v, str) else v.strip() for v in value if not is_empty(v)]
        if field in CODED:
            items = [_code_lookup(CODED[field], v) for v in items]
        return items, None
    if kind == "object":
        if is_empty(value):
            return {}, None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                cut = " (it looks cut short)" if value.rstrip().endswith(export.TRUNCATION_MARK) else ""
                return None, f"not valid JSON{cut}: {reason_of(exc)}"
        if not isinstance(value, dict):
            return None, "must be a JSON object of field -> note"
        return value, None
    if is_empty(value):
        return None, None
    if kind == "integer":
        if isinstance(value, bool):
            return None, f"not a whole number: {value!r}"
        if isinstance(value, float):
            return (int(value), None) if value.is_integer() else (None, f"not a whole number: {value!r}")
        if isinstance(value, int):
            return value, None
        text = str(value).strip()
        if _GROUPED_INT.match(text):
            text = re.sub(r"[., \u00a0]", "", text)
        try:
            return int(text), None
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None, f"not a whole number: {value!r}"
            return (int(number), None) if number.is_integer() else (None, f"not a whole number: {value!r}")
    # text (codes, dates, names)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str):
        value = str(value)
    if field in CODED:
        value = _code_lookup(CODED[field], value)
    return value, None
