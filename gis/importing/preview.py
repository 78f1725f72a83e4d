"""Preview and commit an import (no Flask).

``preview`` says per row what committing would do (add, update, unchanged, skip), where it
lands and what is invalid (gis.schema.validate_feature after the field mapping and
defaults); nothing is written. ``commit`` writes every VALID row of the preview in ONE
transaction (``store.import_projects``), each change in history with user and note.
"""
from __future__ import annotations

import dataclasses
import json

from gis import export, schema
from gis.errors import BadRequest
from gis.geo import REGION_BBOX, in_box
from gis.importing.layer import ImportedLayer, plain_value
from gis.importing.mapping import NULLABLE, FieldMapping, coerce_value, is_empty
from gis.schema import Problem

MODES = ("add", "update")
GEOMETRY_TOLERANCE = 1e-7  # degrees: a geometry this close to the stored one is unchanged
STORE_MANAGED = ("updated_at", "archived")


def _same_flat(incoming, stored, field: str) -> bool:
    """True when a file's value equals the stored one as the flat exports write it
    (text cut by the shapefile's 254-byte limit counts as equal to the full text)."""
    a = export.flat_value(field, plain_value(incoming)) if not isinstance(incoming, str) else incoming
    b = export.flat_value(field, stored)
    if is_empty(a) and is_empty(b):
        return True
    if isinstance(a, float) and a.is_integer():
        a = int(a)
    if a == b or (a is not None and b is not None and str(a) == str(b)):
        return True
    if isinstance(a, str) and isinstance(b, str) and a.endswith(export.TRUNCATION_MARK) \
            and len(a.encode("utf-8")) >= export.SHP_TEXT_BYTES - 3 and b.startswith(a[:-1]):
        return True
    return False


def _same_value(a, b) -> bool:
    if is_empty(a) and is_empty(b):
        return True
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)


def _same_geometry(a, b) -> bool:
    """Equal to GEOMETRY_TOLERANCE, whatever the ring orientation or start vertex."""
    import shapely
    import shapely.geometry

    if a is None or b is None:
        return a is b
    try:
        return shapely.normalize(shapely.geometry.shape(a)).equals_exact(
            shapely.normalize(shapely.geometry.shape(b)), GEOMETRY_TOLERANCE)
    except Exception:  # noqa: BLE001
        return False


@dataclasses.dataclass
class PreviewRow:
    row: int  # 1-based position in the file
    id: str | None
    action: str  # "add" | "update" | "unchanged" | "skip"
    problems: list  # [Problem]
    lon: float | None = None
    lat: float | None = None
    in_region: bool | None = None  # inside the region box the data model allows
    in_city: bool | None = None  # inside the 2017 city outline (None: no "city" layer in the store)
    changes: dict = dataclasses.field(default_factory=dict)  # field -> [old, new]
    expected_version: int | None = None
    note: str = ""
    payload: dict | None = None  # add: the feature; update: the changes

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"row": self.row, "id": self.id, "action": self.action, "valid": self.valid,
                "problems": [{"field": p.field, "message": p.message} for p in self.problems],
                "lon": self.lon, "lat": self.lat, "in_region": self.in_region, "in_city": self.in_city,
                "changes": self.changes, "expected_version": self.expected_version, "note": self.note}


def _city_shape(store):
    import shapely.geometry
    from shapely.ops import unary_union

    try:
        feats = store.list_layer("city")
    except Exception:  # noqa: BLE001 - a store without layers still previews
        return None
    shapes = [shapely.geometry.shape(f["geometry"]) for f in feats if f.get("geometry")]
    return unary_union(shapes) if shapes else None


def preview(layer: ImportedLayer, mapping, mode: str, store) -> list[PreviewRow]:
    """What committing ``layer`` would do, row by row (nothing is written)."""
    from gis.store.base import ProjectQuery

    if mode not in MODES:
        raise BadRequest(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    mapping = FieldMapping.coerce(mapping, layer)
    defaults = {}
    for k, v in mapping.defaults.items():
        value, err = coerce_value(k, v)
        if err:
            raise BadRequest(f"default for {k}: {err}")
        defaults[k] = value
    mapped = {src: dst for src, dst in mapping.fields.items() if dst}
    ids = []
    for f in layer.features:
        pid = _row_id(f, mapped)
        if isinstance(pid, str) and pid:
            ids.append(pid)
    existing = {}
    if ids:
        for chunk_start in range(0, len(ids), 500):
            chunk = tuple(dict.fromkeys(ids[chunk_start:chunk_start + 500]))
            for feat in store.list_projects(ProjectQuery(ids=chunk, include_archived=True)):
                existing[feat["id"]] = feat
    city = _city_shape(store)
    seen: dict = {}
    rows = []
    for i, f in enumerate(layer.features, start=1):
        rows.append(_preview_row(i, f, layer, mapped, defaults, mode, existing, seen, city))
    return rows


def _row_id(feature, mapped):
    raw = feature.get("properties") or {}
    for src, dst in mapped.items():
        if dst == "id" and not is_empty(raw.get(src)):
            value = raw[src]
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    fid = feature.get("id")
    return str(fid).strip() if fid is not None and not is_empty(fid) else None


def _preview_row(i, f, layer, mapped, defaults, mode, existing, seen, city) -> PreviewRow:
    import shapely.geometry

    raw = f.get("properties") or {}
    pid = _row_id(f, mapped)
    label = pid or f"#{i}"
    problems = [Problem(label, field, msg) for field, msg in layer.row_problems.get(i, [])]
    row = PreviewRow(i, pid, "add", problems)
    if pid and pid in seen:
        row.problems.append(Problem(label, "id", f"duplicate id in the file (rows {seen[pid]} and {i})"))
    elif pid:
        seen[pid] = i
    current = existing.get(pid) if pid else None
    if mode == "add" and current is not None:
        row.action, row.note = "skip", "this id exists already; mode add only adds new ids"
    elif mode == "update" and current is None:
        row.action, row.note = "skip", ("no project with this id; mode update only updates existing ids"
                                        if pid else "no id; mode update needs the id of an existing project")
    geometry = f.get("geometry")
    where = geometry or (current or {}).get("geometry")
    if where:
        try:
            p = shapely.geometry.shape(where).point_on_surface()
            row.lon, row.lat = round(p.x, 7), round(p.y, 7)
            row.in_region = in_box(p.x, p.y, REGION_BBOX)
            row.in_city = None if city is None else bool(city.intersects(shapely.geometry.shape(where)))
        except Exception:  # noqa: BLE001 - the validator names the geometry problem
            pass
    if row.action == "skip":
        return row
    props, file_version = {}, None
    stored = (current or {}).get("properties") or {}
    for src, dst in mapped.items():
        if src not in raw:
            continue
        if dst == "version":
            file_version, _ = coerce_value("version", raw[src])
            continue
        if dst == "id":
            continue
        if current is not None and _same_flat(raw[src], stored.get(dst), dst):
            continue  # unchanged (also when only cut short by a shapefile)
        value, err = coerce_value(dst, raw[src])
        if err:
            row.problems.append(Problem(label, dst, err))
            continue
        props[dst] = value
    if mode == "add":
        for k, v in defaults.items():
            if is_empty(props.get(k)):
                props[k] = v
        props = {k: v for k, v in props.items()
                 if not (k == "data_notes" and v == {}) and not (v is None and k not in NULLABLE)}
        feature = {"type": "Feature", "geometry": geometry, "properties": {"id": pid, **props}}
        if pid:
            feature["id"] = pid
        else:
            feature["properties"].pop("id")
        row.problems += _new_problems(schema.validate_feature(feature, i), row.problems)
        row.changes = {k: [None, v] for k, v in feature["properties"].items()}
        row.changes["geometry"] = [None, geometry]
        row.payload = feature
        return row
    # update
    changes = {k: v for k, v in props.items() if not _same_value(stored.get(k), v)}
    for k, v in defaults.items():
        if is_empty(stored.get(k)) and is_empty(changes.get(k)):
            changes[k] = v
    if geometry is not None and not _same_geometry(current.get("geometry"), geometry):
        changes["geometry"] = geometry
    managed = ("version",) + STORE_MANAGED
    merged = {k: v for k, v in stored.items() if k not in managed}
    merged.update({k: v for k, v in changes.items() if k != "geometry"})
    feature = {"type": "Feature", "id": pid, "properties": merged,
               "geometry": changes.get("geometry", current.get("geometry"))}
    row.problems += _new_problems(schema.validate_feature(feature, i), row.problems)
    row.expected_version = stored.get("version")
    row.changes = {k: [current.get("geometry") if k == "geometry" else stored.get(k), v] for k, v in changes.items()}
    row.payload = changes
    row.action = "update" if changes else "unchanged"
    if file_version is not None and row.expected_version is not None and file_version != row.expected_version:
        row.note = (f"the file was made from version {file_version}; the store is at version "
                    f"{row.expected_version}: changes made since then are overwritten for the columns in the file")
    return row


def _new_problems(found, known) -> list:
    """Validator problems on fields that reading or conversion has not already reported."""
    fields, out, seen = {p.field for p in known}, [], set()
    for p in found:
        if p.field not in fields and (p.field, p.message) not in seen:
            seen.add((p.field, p.message))
            out.append(p)
    return out


def summarise(rows: list[PreviewRow]) -> dict:
    out = {"add": 0, "update": 0, "unchanged": 0, "skip": 0, "invalid": 0}
    for r in rows:
        if r.action in ("add", "update") and not r.valid:
            out["invalid"] += 1
        else:
            out[r.action] += 1
    return out


def commit(layer: ImportedLayer, mapping, mode: str, store, *, user: str, note: str = "",
           seen_versions: dict | None = None) -> dict:
    """Write every valid row of ``preview(layer, mapping, mode, store)`` in ONE transaction.

    ``seen_versions`` ({id: version} from the preview the user confirmed) makes the
    commit fail with Conflict, writing nothing, if a project changed in between."""
    if not isinstance(user, str) or not user.strip():
        raise BadRequest("an import needs the name of the user who makes it")
    rows = preview(layer, mapping, mode, store)
    seen_versions = seen_versions or {}
    creates = [r.payload for r in rows if r.action == "add" and r.valid]
    updates = [(r.id, r.payload, seen_versions.get(r.id, r.expected_version))
               for r in rows if r.action == "update" and r.valid]
    text = f"import of {layer.filename} ({layer.format}, mode {mode})" + (f": {note}" if note else "")
    result = {"created": [], "updated": [], "unchanged": [r.id for r in rows if r.action == "unchanged"]}
    if creates or updates:
        written = store.import_projects(creates, updates, user=user.strip(), note=text)
        result["created"] = written["created"]
        result["updated"] = written["updated"]
        result["unchanged"] += written["unchanged"]
    result["skipped"] = [{"row": r.row, "id": r.id, "note": r.note} for r in rows if r.action == "skip"]
    result["invalid"] = [r.to_dict() for r in rows if r.action in ("add", "update") and not r.valid]
    result["note"] = text
    return result
