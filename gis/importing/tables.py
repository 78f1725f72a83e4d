"""CSV and XLSX uploads (no Flask): rows with WKT or lon/lat (x/y) columns -> ImportedLayer,
with decimal commas read and the formula guard of our own exports undone.
"""
from __future__ import annotations

import csv
import io

from gis import export
from gis.errors import BadRequest, reason_of
from gis.importing import safety
from gis.importing.crs import to_wgs84
from gis.importing.layer import ImportedLayer, geojson_of, plain_value

GEOMETRY_NAMES = {
    "wkt": ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "hinh_hoc"),
    "lon": ("lon", "lng", "long", "longitude", "x", "kinh_do", "kinh độ", "kinhdo"),
    "lat": ("lat", "latitude", "y", "vi_do", "vĩ độ", "vido"),
}


def _pick(columns: list[str], wanted: str | None, role: str, filename: str) -> str | None:
    if wanted:
        for c in columns:
            if c == wanted:
                return c
        for c in columns:
            if c.strip().lower() == wanted.strip().lower():
                return c
        raise BadRequest(f"{filename} has no column {wanted!r} for {role} (columns: {', '.join(columns)})")
    for name in GEOMETRY_NAMES[role]:
        for c in columns:
            if c.strip().lower() == name:
                return c
    return None


def _number(text) -> float:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip()
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")  # decimal comma (Vietnamese/European spreadsheets)
    return float(s)


def _table_layer(filename, kind, columns, rows, opts, encoding) -> ImportedLayer:
    """Rows (dicts) with lon/lat or WKT columns -> features."""
    import shapely
    from shapely.geometry import Point

    if len(set(columns)) != len(columns):
        dups = sorted({c for c in columns if columns.count(c) > 1})
        raise BadRequest(f"{filename}: duplicate column names: {', '.join(dups)}")
    layer = ImportedLayer(filename, kind, [], [], "", encoding)
    # the caller's choice first (WKT, or lon + lat); otherwise a WKT column, otherwise lon/lat
    wkt_col = lon_col = lat_col = None
    if opts["wkt"] or not (opts["lon"] or opts["lat"]):
        wkt_col = _pick(columns, opts["wkt"], "wkt", filename)
    if wkt_col is None:
        lon_col = _pick(columns, opts["lon"], "lon", filename)
        lat_col = _pick(columns, opts["lat"], "lat", filename)
        if (lon_col is None) != (lat_col is None):
            raise BadRequest(f"{filename}: found the {'longitude' if lon_col else 'latitude'} column "
                             f"{lon_col or lat_col!r} but not its pair; name both")
    used = {c for c in (wkt_col, lon_col, lat_col) if c}
    if wkt_col:
        used |= {c for c in columns if c.strip().lower() in GEOMETRY_NAMES["lon"] + GEOMETRY_NAMES["lat"]}
        layer.warnings.append(f"geometry from the WKT column {wkt_col!r}")
    elif lon_col:
        layer.warnings.append(f"geometry from the columns {lon_col!r} (x) and {lat_col!r} (y)")
    else:
        layer.warnings.append("no geometry columns (WKT, or lon and lat): rows have no geometry "
                              "(enough to update attributes of existing projects)")
    layer.fields = [c for c in columns if c not in used]
    geoms = []
    for i, row in enumerate(rows, start=1):
        geom = None
        try:
            if wkt_col and row.get(wkt_col) not in (None, ""):
                geom = shapely.from_wkt(str(row[wkt_col]).strip())
            elif lon_col and row.get(lon_col) not in (None, "") and row.get(lat_col) not in (None, ""):
                geom = Point(_number(row[lon_col]), _number(row[lat_col]))
        except Exception as exc:  # noqa: BLE001 - shapely/GEOS and float() errors
            layer.row_problems.setdefault(i, []).append(
                ("geometry", f"cannot read the geometry: {reason_of(exc)}"))
        geoms.append(geom)
        layer.features.append({"type": "Feature", "geometry": None,
                               "properties": {c: row.get(c) for c in layer.fields}})
    wgs, layer.crs = to_wgs84(geoms, None, opts["user_crs"], filename, layer.warnings) if any(
        g is not None for g in geoms) or opts["user_crs"] else (geoms, "none (no geometry)")
    for f, g in zip(layer.features, wgs):
        f["geometry"] = geojson_of(g)
    return layer


def unguard_formula(value):
    """Undo export.guard_formula: "'=..." -> "=..."."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(export.FORMULA_PREFIXES):
        return value[1:]
    return value


def read_csv(filename, data, tmp, opts) -> ImportedLayer:
    codec = opts["encoding"] or "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise BadRequest(f"{filename} is not {opts['encoding'] or 'UTF-8'} text: say which encoding it uses "
                         "(e.g. cp1258 for Windows Vietnamese, cp1252)") from None
    text = text.lstrip("\ufeff")
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] + "\n", delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    old_limit = csv.field_size_limit()
    csv.field_size_limit(safety.MAX_UPLOAD_BYTES)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise BadRequest(f"{filename} is empty") from None
        header = [h.strip() for h in header]
        if not any(header):
            raise BadRequest(f"{filename}: the first line must name the columns")
        rows = []
        for line_no, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= safety.MAX_FEATURES:
                safety.too_many(len(rows) + 1 + sum(1 for _ in reader), filename)
            if len(values) > len(header):
                raise BadRequest(f"{filename}: line {line_no} has {len(values)} values for {len(header)} columns")
            rows.append({h: (unguard_formula(v) if v != "" else None) for h, v in zip(header, values)})
    except csv.Error as exc:
        raise BadRequest(f"{filename} is not valid CSV: {reason_of(exc)}") from None
    finally:
        csv.field_size_limit(old_limit)
    return _table_layer(filename, "csv", header, rows, opts, codec.replace("-sig", ""))


def read_xlsx(filename, data, tmp, opts) -> ImportedLayer:
    from openpyxl import load_workbook

    safety.safe_zip_members(data, filename)  # the same zip-bomb and path checks as any zip
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[export.LAYER] if export.LAYER in wb.sheetnames else wb.worksheets[0]
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if not header or not any(h is not None for h in header):
            raise BadRequest(f"{filename}: the first row of sheet {ws.title!r} must name the columns")
        header = [str(h).strip() if h is not None else f"column_{i}" for i, h in enumerate(header, 1)]
        rows = []
        for values in rows_iter:
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            rows.append({h: plain_value(v) for h, v in zip(header, values)})
            safety.too_many(len(rows), filename)
    finally:
        wb.close()
    return _table_layer(filename, "xlsx", header, rows, opts, "UTF-8")
