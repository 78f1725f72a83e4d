"""Exports of the projects the map shows: GeoJSON, GeoPackage, Shapefile (zip), KML, CSV, XLSX.

``export_projects(store, args)`` takes the map's query parameters (status, sector,
lead_agency, district, q) plus ``format`` and returns an ``api.Result`` with the file,
its MIME type and a Content-Disposition; ``write_export`` writes the same file to a
folder instead, and gis/web/export_routes.py sends it from there. No Flask here.

Large selections: the features come from the store one batch at a time (``BATCH_SIZE``)
and each writer appends batch after batch to its file (GeoJSON and CSV as text,
GeoPackage and shapefile through pyogrio's append, XLSX in openpyxl's write-only
mode), so memory does not grow with the number of projects. docs/formats.md describes every format; tests/test_export.py
reads each file back with the GIS libraries.

Flat formats (everything but GeoJSON) share one table of columns (``COLUMNS``): lists
(``sources``, ``districts``) are joined with ``"; "`` (``LIST_SEPARATOR``),
``data_notes`` is JSON text, integers stay integers. The shapefile's 10-byte field
names come from ``SHP_FIELDS``, declared once here and shipped in the zip.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import html
import io
import json
import os
import shutil
import tempfile
import zipfile

from gis import schema

LIST_SEPARATOR = "; "
TRUNCATION_MARK = "…"
SHP_TEXT_BYTES = 254  # the DBF limit of one text field
XLSX_CELL_CHARS = 32767  # Excel's limit of one cell
BASENAME = "cantho-key-projects"
LAYER = "projects"
COORD_DECIMALS = 7  # lon/lat of the representative point: 1e-7 degree (about 1 cm)
BATCH_SIZE = 5000  # features converted and written at a time (tests lower it)

# Long name -> shapefile (dBase) field name of at most 10 bytes. Declared once: the
# export renames with it, the import maps back with it, docs/formats.md lists it.
SHP_FIELDS = {
    "id": "id",
    "name_vi": "name_vi",
    "name_en": "name_en",
    "sector": "sector",
    "status": "status",
    "progress": "progress",
    "lead_agency": "lead_agcy",
    "plan_agency": "plan_agcy",
    "plan_section": "plan_sect",
    "plan_target": "plan_targt",
    "planned_start": "plan_start",
    "planned_end": "plan_end",
    "actual_start": "act_start",
    "actual_end": "act_end",
    "investment_vnd": "invest_vnd",
    "disbursed_vnd": "disbur_vnd",
    "districts": "districts",
    "description_vi": "descr_vi",
    "description_en": "descr_en",
    "location_accuracy": "loc_accur",
    "location_note": "loc_note",
    "sources": "sources",
    "data_notes": "data_notes",
    "ntm_year": "ntm_year",
    "updated_at": "updated_at",
    "version": "version",
}

# Extra columns of CSV and XLSX (geometry as text).
GEOMETRY_COLUMNS = {
    "lon": ("Longitude (WGS84) of a point on the feature", "Kinh độ (WGS84) của một điểm nằm trên đối tượng"),
    "lat": ("Latitude (WGS84) of a point on the feature", "Vĩ độ (WGS84) của một điểm nằm trên đối tượng"),
    "wkt": ("Geometry as WKT, WGS84 longitude latitude", "Hình học dạng WKT, WGS84 kinh độ vĩ độ"),
}

KIND_NOTES = {
    "integer": ("whole number", "số nguyên"),
    "list": ("list, items joined with \"; \"", "danh sách, các mục ngăn cách bằng \"; \""),
    "object": ("JSON object (field -> note)", "đối tượng JSON (trường -> ghi chú)"),
    "text": ("text", "văn bản"),
}


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "text" | "integer" | "list" | "object"
    title_en: str
    title_vi: str


def _kind_of(node: dict) -> str:
    types = node.get("type")
    types = types if isinstance(types, list) else [types]
    if "array" in types:
        return "list"
    if "object" in types:
        return "object"
    if "integer" in types:
        return "integer"
    return "text"


def _columns() -> tuple[Column, ...]:
    nodes = schema.load_schema()["properties"]["properties"]["properties"]
    cols = [Column(f.name, _kind_of(nodes[f.name]), f.title_en, f.title_vi) for f in schema.fields()]
    cols.append(Column("version", "integer", "Version (store-managed)", "Phiên bản (hệ thống quản lý)"))
    return tuple(cols)


COLUMNS = _columns()
COLUMN_KINDS = {c.name: c.kind for c in COLUMNS}


# -- flattening ---------------------------------------------------------------------------

def flat_value(name: str, value):
    """A property value as a flat-format cell: lists joined, objects as JSON text."""
    if value is None:
        return None
    kind = COLUMN_KINDS.get(name, "text")
    if kind == "list" or isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if kind == "object" or isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if kind == "integer" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    return value


def flat_record(feature: dict) -> dict:
    props = feature.get("properties") or {}
    out = {c.name: flat_value(c.name, props.get(c.name)) for c in COLUMNS}
    if out["id"] is None:
        out["id"] = feature.get("id")
    return out


def representative_point(geometry) -> tuple:
    """(lon, lat) of a point guaranteed on the feature (shapely point_on_surface)."""
    import shapely.geometry

    if not geometry:
        return None, None
    shape = shapely.geometry.shape(geometry)
    if shape.is_empty:
        return None, None
    p = shape.point_on_surface()
    return round(p.x, COORD_DECIMALS), round(p.y, COORD_DECIMALS)


def wkt_of(geometry) -> str | None:
    import shapely
    import shapely.geometry

    if not geometry:
        return None
    return shapely.to_wkt(shapely.geometry.shape(geometry), rounding_precision=-1)


def cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes at a character boundary, ending with "…"."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(TRUNCATION_MARK.encode("utf-8"))
    return text.encode("utf-8")[:room].decode("utf-8", "ignore") + TRUNCATION_MARK


def _frame(features: list[dict], columns=None):
    """A GeoDataFrame of the flat records (WGS84), integer columns as nullable Int64."""
    import geopandas as gpd
    import pandas as pd
    import shapely.geometry

    names = [c.name for c in COLUMNS] if columns is None else columns
    records = [flat_record(f) for f in features]
    data = {}
    for name in names:
        values = [r.get(name) for r in records]
        if COLUMN_KINDS.get(name) == "integer":
            data[name] = pd.array(values, dtype="Int64")
        else:
            data[name] = pd.array(values, dtype=object)
    geoms = [shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features]
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326")


def field_rows(columns) -> list[dict]:
    """One row per exported column: name, shapefile name, titles and notes in vi/en."""
    out = []
    by_name = {c.name: c for c in COLUMNS}
    for name in columns:
        if name in by_name:
            c = by_name[name]
            note_en, note_vi = KIND_NOTES[c.kind]
            out.append({"column": name, "shp_name": SHP_FIELDS.get(name, ""), "title_vi": c.title_vi,
                        "title_en": c.title_en, "type": c.kind, "note_vi": note_vi, "note_en": note_en})
        elif name in GEOMETRY_COLUMNS:
            en, vi = GEOMETRY_COLUMNS[name]
            out.append({"column": name, "shp_name": "", "title_vi": vi, "title_en": en,
                        "type": "number" if name != "wkt" else "text", "note_vi": "", "note_en": ""})
    return out


# -- features, one batch at a time -----------------------------------------------------------

def batched(features, size: int | None = None):
    """Lists of at most ``size`` (default ``BATCH_SIZE``) features from an iterable."""
    size = size or BATCH_SIZE
    batch = []
    for f in features:
        batch.append(f)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def iter_store_features(store, query):
    """``store.list_projects(query)`` one feature at a time: streamed from the store when it
    can (SQL stores), else the list."""
    stream = getattr(store, "iter_projects", None)
    yield from stream(query) if stream is not None else store.list_projects(query)


def selected_features(store, args, *, stale_after_days: int | None = None):
    """(Selection, iterator of features): ``explore.select_projects``, one feature at a time.
    A past date (``at``) is replayed from the history as before, all at once."""
    from gis import explore, schedule

    stale = schedule.DEFAULT_STALE_AFTER_DAYS if stale_after_days is None else stale_after_days
    sel, query = explore.parse_selection(args)
    if sel.at:
        return sel, iter(explore.select_projects(store, args, stale_after_days=stale)[1])
    return sel, _filtered(store, sel, query, stale)


def _filtered(store, sel, query, stale_after_days: int):
    """``explore.keep_selected`` over the store's features as they stream in."""
    from gis import explore
    from gis.dashboard import today_in_vietnam

    features = iter_store_features(store, query)
    try:
        yield from explore.keep_selected(features, sel, store, on=today_in_vietnam(),
                                         stale_after_days=stale_after_days)
    finally:
        features.close()  # ends the store's read transaction even when the writer stops early


class _Counted:
    """Iterates ``features`` and counts them (the count goes in X-Feature-Count)."""

    def __init__(self, features):
        self.features, self.count = features, 0

    def __iter__(self):
        for f in self.features:
            self.count += 1
            yield f


# -- writers: (batches of features, folder) -> path of the file written -------------------

def write_geojson(batches, workdir: str) -> str:
    # The store's own representation: nested lists/objects kept as they are (RFC 7946, WGS84);
    # the same bytes as one json.dumps of the whole collection.
    path = os.path.join(workdir, BASENAME + ".geojson")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write('{"type":"FeatureCollection","name":%s,"features":[' % dumps(BASENAME))
        sep = ""
        for batch in batches:
            fh.write(sep + ",".join(map(dumps, batch)))
            sep = ","
        fh.write("]}")
    return path


def write_gpkg(batches, workdir: str) -> str:
    import pandas as pd
    import pyogrio

    path = os.path.join(workdir, BASENAME + ".gpkg")
    written = False
    for batch in batches:
        pyogrio.write_dataframe(_frame(batch), path, layer=LAYER, driver="GPKG",
                                geometry_type="Unknown", promote_to_multi=False, append=written)
        written = True
    if not written:  # an empty selection: an empty layer with every column
        pyogrio.write_dataframe(_frame([]), path, layer=LAYER, driver="GPKG",
                                geometry_type="Unknown", promote_to_multi=False)
    fields = pd.DataFrame(field_rows([c.name for c in COLUMNS]))
    pyogrio.write_dataframe(fields, path, layer="fields", driver="GPKG", append=True)
    return path


SHP_KINDS = {
    "points": ("Point", "MultiPoint"),
    "lines": ("LineString", "MultiLineString"),
    "polygons": ("Polygon", "MultiPolygon"),
}


def shp_readme(files: list[str], truncated: dict, skipped: list) -> str:
    lines = [
        "Cần Thơ key projects / Dự án trọng điểm Cần Thơ - Shapefile export",
        "",
        "EN: One shapefile per geometry kind: " + ", ".join(files) + ".",
        "    Text is UTF-8 (see the .cpg files); coordinates are WGS84 longitude/latitude (EPSG:4326, .prj).",
        "    dBase field names have at most 10 bytes: fields.csv maps each to the full field name.",
        f"    Lists are joined with \"{LIST_SEPARATOR}\"; data_notes is JSON text.",
        f"    Text longer than {SHP_TEXT_BYTES} bytes (the dBase limit) is cut and ends with \"{TRUNCATION_MARK}\";",
        "    use the GeoPackage or GeoJSON export for the full text.",
        "VI: Mỗi loại hình học một shapefile: " + ", ".join(files) + ".",
        "    Văn bản mã UTF-8 (tệp .cpg); tọa độ WGS84 kinh độ/vĩ độ (EPSG:4326, tệp .prj).",
        "    Tên trường dBase tối đa 10 byte: fields.csv cho biết tên đầy đủ của từng trường.",
        f"    Danh sách ngăn cách bằng \"{LIST_SEPARATOR}\"; data_notes là văn bản JSON.",
        f"    Văn bản dài hơn {SHP_TEXT_BYTES} byte bị cắt và kết thúc bằng \"{TRUNCATION_MARK}\";",
        "    dùng bản GeoPackage hoặc GeoJSON để có toàn văn.",
        "",
        "Field names / Tên trường (shapefile -> field):",
    ]
    for row in field_rows([c.name for c in COLUMNS]):
        lines.append(f"  {row['shp_name']:<10} -> {row['column']:<18} {row['title_en']} / {row['title_vi']}")
    if truncated:
        lines += ["", "Cut values / Giá trị bị cắt (field: count):"]
        lines += [f"  {name}: {count}" for name, count in sorted(truncated.items())]
    if skipped:
        lines += ["", "Not exported (no shapefile type) / Không xuất được: " + ", ".join(skipped)]
    return "\n".join(lines) + "\n"


def _shp_frame(features: list[dict], truncated: dict):
    """``_frame`` with text cut to the dBase limit (counted in ``truncated``) and 10-byte names."""
    frame = _frame(features)
    for col in frame.columns:
        if col == "geometry" or COLUMN_KINDS.get(col) == "integer":
            continue
        values = []
        for v in frame[col]:
            if isinstance(v, str) and len(v.encode("utf-8")) > SHP_TEXT_BYTES:
                truncated[col] = truncated.get(col, 0) + 1
                v = cut_utf8(v, SHP_TEXT_BYTES)
            values.append(v)
        frame[col] = values
    return frame.rename(columns=SHP_FIELDS)


def _read_spool(path: str):
    with open(path, encoding="utf-8", newline="\n") as fh:
        for line in fh:
            yield json.loads(line)


def write_shp(batches, workdir: str) -> str:
    """One shapefile per geometry kind, zipped. The features are first sorted by kind into
    JSON-lines files (a point layer must know before its first row whether it holds MultiPoints),
    then each kind is written batch by batch."""
    import pyogrio

    spool_dir, shp_dir = os.path.join(workdir, "spool"), os.path.join(workdir, "shp")
    os.makedirs(spool_dir)
    os.makedirs(shp_dir)
    spools, types, skipped = {}, {}, []
    try:
        for batch in batches:
            for f in batch:
                gtype = (f.get("geometry") or {}).get("type")
                kind = next((k for k, kinds in SHP_KINDS.items() if gtype in kinds), None)
                if kind is None:
                    skipped.append(str(f.get("id")))
                    continue
                if kind not in spools:
                    spools[kind] = open(os.path.join(spool_dir, kind + ".jsonl"), "w", encoding="utf-8", newline="\n")
                spools[kind].write(json.dumps(f, ensure_ascii=False) + "\n")
                types.setdefault(kind, set()).add(gtype)
    finally:
        for fh in spools.values():
            fh.close()
    truncated: dict = {}
    files = []
    for kind in [k for k in SHP_KINDS if k in spools] or ["points"]:  # an empty selection: one empty file
        name = f"{BASENAME}_{kind}"
        path = os.path.join(shp_dir, name + ".shp")
        # what pyogrio infers from all features at once: the single type, or the Multi type for a mix
        multi = any(t.startswith("Multi") for t in types.get(kind, ()))
        geometry_type = SHP_KINDS[kind][1 if multi else 0]
        written = False
        if kind in spools:
            for feats in batched(_read_spool(os.path.join(spool_dir, kind + ".jsonl"))):
                pyogrio.write_dataframe(_shp_frame(feats, truncated), path, driver="ESRI Shapefile",
                                        encoding="UTF-8", promote_to_multi=multi or None,
                                        geometry_type=geometry_type, append=written)
                written = True
        if not written:
            pyogrio.write_dataframe(_shp_frame([], truncated), path, driver="ESRI Shapefile",
                                    encoding="UTF-8", geometry_type="Point")
        files.append(name + ".shp")
    zip_path = os.path.join(workdir, BASENAME + ".shp.zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for fn in sorted(os.listdir(shp_dir)):
            zf.write(os.path.join(shp_dir, fn), fn)
        zf.writestr("README.txt", shp_readme(files, truncated, skipped))
        zf.writestr("fields.csv", _csv_bytes(field_rows([c.name for c in COLUMNS]), bom=True))
    shutil.rmtree(spool_dir)
    shutil.rmtree(shp_dir)
    return zip_path


def kml_description(feature: dict) -> str:
    """Placemark description for Google Earth: a small HTML table, every value escaped."""
    p = feature.get("properties") or {}
    rows = [
        ("Tình trạng / Status", f"{schema.code_title('status', p.get('status'), 'vi')} / "
                                f"{schema.code_title('status', p.get('status'), 'en')}"),
        ("Lĩnh vực / Sector", f"{schema.code_title('sector', p.get('sector'), 'vi')} / "
                              f"{schema.code_title('sector', p.get('sector'), 'en')}"),
        ("Cơ quan chủ trì / Lead agency", schema.code_title("lead_agency", p.get("lead_agency"), "vi")),
        ("Tiến độ / Progress", "" if p.get("progress") is None else f"{p['progress']}%"),
        ("Tên tiếng Anh / English name", p.get("name_en") or ""),
        ("Mã / Id", feature.get("id") or p.get("id") or ""),
    ]
    table = "".join(f"<tr><th align=\"left\">{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
                    for k, v in rows)
    text = p.get("description_vi") or p.get("description_en") or ""
    return f"<table>{table}</table>" + (f"<p>{html.escape(text)}</p>" if text else "")


def write_kml(batches, workdir: str) -> str:
    # Not streamed: GDAL's LIBKML driver builds the whole document in memory anyway.
    import pyogrio

    features = [f for batch in batches for f in batch]
    frame = _frame(features)
    frame.insert(1, "name", [(f.get("properties") or {}).get("name_vi") for f in features])
    frame.insert(2, "description", [kml_description(f) for f in features])
    path = os.path.join(workdir, BASENAME + ".kml")
    pyogrio.write_dataframe(frame, path, layer=LAYER, driver="LIBKML",
                            geometry_type="Unknown",
                            layer_options={"NAME": "Dự án trọng điểm Cần Thơ / Cần Thơ key projects"})
    return path


TABLE_COLUMNS = [c.name for c in COLUMNS] + list(GEOMETRY_COLUMNS)


def table_batch(features: list[dict]) -> list[dict]:
    """Rows of CSV/XLSX: the flat record, lon/lat of a point on the feature, WKT (shapely
    works on the whole batch at once)."""
    import numpy as np
    import shapely
    import shapely.geometry

    shapes = np.array([shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features],
                      dtype=object)
    empty = shapely.is_empty(shapes) | shapely.is_missing(shapes)
    points = shapely.point_on_surface(shapes)
    xs, ys = shapely.get_x(points).tolist(), shapely.get_y(points).tolist()
    wkts = shapely.to_wkt(shapes, rounding_precision=-1).tolist()
    rows = []
    for f, x, y, blank, wkt in zip(features, xs, ys, empty.tolist(), wkts):
        row = flat_record(f)
        row["lon"], row["lat"] = (None, None) if blank else (round(x, COORD_DECIMALS), round(y, COORD_DECIMALS))
        row["wkt"] = wkt
        rows.append(row)
    return rows


def table_rows(features: list[dict]) -> tuple[list[str], list[dict]]:
    """Columns and rows of CSV/XLSX: the flat record, lon/lat of a point on it, WKT."""
    return list(TABLE_COLUMNS), table_batch(features) if features else []


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value):
    """A text cell a spreadsheet would run as a formula gets a leading "'" (undone on import)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cells(row: dict, columns, guard: bool) -> list:
    out = []
    for col in columns:
        value = row.get(col)
        if guard and col not in GEOMETRY_COLUMNS:
            value = guard_formula(value)
        out.append("" if value is None else value)
    return out


def _csv_bytes(rows: list[dict], columns=None, *, bom: bool = True, guard=False) -> bytes:
    columns = columns or (list(rows[0]) if rows else [])
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(_csv_cells(row, columns, guard) for row in rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def write_csv(batches, workdir: str) -> str:
    path = os.path.join(workdir, BASENAME + ".csv")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")  # Excel then reads UTF-8
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(TABLE_COLUMNS)
        for batch in batches:
            writer.writerows(_csv_cells(row, TABLE_COLUMNS, True) for row in table_batch(batch))
    return path


def _xlsx_text(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text if len(text) <= XLSX_CELL_CHARS else text[:XLSX_CELL_CHARS - 1] + TRUNCATION_MARK


def _xlsx_sheet(ws, columns: list[str], rows: list[dict], number_formats=None):
    from openpyxl.styles import Font

    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([None for _ in columns])
        for i, col in enumerate(columns, start=1):
            value = row.get(col)
            cell = ws.cell(row=ws.max_row, column=i)
            if isinstance(value, str):
                cell.value = _xlsx_text(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            else:
                cell.value = value
                if value is not None and number_formats and col in number_formats:
                    cell.number_format = number_formats[col]
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions


def _xlsx_stream_sheet(ws, columns: list[str], rows, number_formats=None):
    """``_xlsx_sheet`` for a write-only worksheet: rows (any iterable) go to disk as they come."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    number_formats = number_formats or {}
    ws.freeze_panes = "A2"  # before the first row: the sheet's head is written with it
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        out = []
        for col in columns:
            value = row.get(col)
            if isinstance(value, str):
                value = WriteOnlyCell(ws, value=_xlsx_text(value))
                value.data_type = "s"  # never a formula, whatever the text starts with
            elif value is not None and col in number_formats:
                value = WriteOnlyCell(ws, value=value)
                value.number_format = number_formats[col]
            out.append(value)
        ws.append(out)
        count += 1
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def write_xlsx(batches, workdir: str) -> str:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(LAYER)
    formats = {c.name: "#,##0" for c in COLUMNS if c.kind == "integer" and c.name.endswith("_vnd")}
    formats.update(lon="0.0000000", lat="0.0000000")
    _xlsx_stream_sheet(ws, TABLE_COLUMNS, (row for batch in batches for row in table_batch(batch)), formats)
    fields = wb.create_sheet("fields")
    _xlsx_stream_sheet(fields, ["column", "title_vi", "title_en", "type", "note_vi", "note_en"],
                       field_rows(TABLE_COLUMNS))
    path = os.path.join(workdir, BASENAME + ".xlsx")
    wb.save(path)
    return path


@dataclasses.dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    mime: str
    write: object  # (batches of features, workdir) -> path of the file written
    label: str


FORMATS = {f.name: f for f in (
    ExportFormat("geojson", ".geojson", "application/geo+json", write_geojson, "GeoJSON (RFC 7946)"),
    ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3", write_gpkg, "GeoPackage"),
    ExportFormat("shp", ".shp.zip", "application/zip", write_shp, "Shapefile (zip)"),
    ExportFormat("kml", ".kml", "application/vnd.google-earth.kml+xml", write_kml, "KML (Google Earth)"),
    ExportFormat("csv", ".csv", "text/csv; charset=utf-8", write_csv, "CSV (UTF-8, WKT)"),
    ExportFormat("xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 write_xlsx, "Excel (XLSX)"),
)}


def render(features: list[dict], fmt: str) -> bytes:
    """The file of ``features`` in format ``fmt`` (a key of FORMATS)."""
    with tempfile.TemporaryDirectory(prefix="cantho-export-") as workdir:
        with open(FORMATS[fmt].write(batched(features), workdir), "rb") as fh:
            return fh.read()


def filename_for(fmt: str, filtered: bool, today: _dt.date | None = None) -> str:
    today = today or _dt.datetime.now(_dt.timezone.utc).date()
    return f"{BASENAME}{'-filtered' if filtered else ''}-{today.isoformat()}{FORMATS[fmt].extension}"


def write_export(store, args, workdir: str, *, stale_after_days: int | None = None):
    """GET /api/projects/export?format=...&status=...: the selected projects' file written
    into ``workdir``, read from the store a batch at a time. Returns (path, Result without
    a body: status, MIME type, Content-Disposition, X-Feature-Count)."""
    from gis.api import Result
    from gis.errors import BadRequest

    args = dict(args)
    values = [v.strip().lower() for v in args.pop("format", []) if v and v.strip()]
    fmt = values[-1] if values else "geojson"
    if fmt not in FORMATS:
        raise BadRequest(f"unknown export format {fmt!r} (allowed: {', '.join(FORMATS)})")
    sel, features = selected_features(store, args, stale_after_days=stale_after_days)
    counted = _Counted(features)
    try:
        path = FORMATS[fmt].write(batched(counted), workdir)
    finally:
        close = getattr(features, "close", None)
        if close:
            close()
    name = filename_for(fmt, sel.is_filtered())
    return path, Result(200, None, FORMATS[fmt].mime,
                        {"Content-Disposition": f'attachment; filename="{name}"',
                         "X-Feature-Count": str(counted.count)})


def export_projects(store, args, *, stale_after_days: int | None = None):
    """``write_export`` with the file in the Result's body (bytes)."""
    with tempfile.TemporaryDirectory(prefix="cantho-export-") as workdir:
        path, result = write_export(store, args, workdir, stale_after_days=stale_after_days)
        with open(path, "rb") as fh:
            return dataclasses.replace(result, body=fh.read())
