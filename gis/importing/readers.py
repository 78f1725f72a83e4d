"""``read_upload``: one uploaded file -> ImportedLayer in WGS84 lon/lat (no Flask).

Checks the upload (size, encoding name, format), picks the reader for the format, reads
GeoJSON itself, opens zips (Shapefile sets, KMZ, a zipped GeoJSON or GeoPackage), and turns
library errors into BadRequest with the reason and no server paths. GDAL formats are read
in ogr_readers.py, CSV and XLSX in tables.py.
"""
from __future__ import annotations

import json
import os
import tempfile

from gis.errors import BadRequest, GisError, TooLarge, reason_of
from gis.importing import safety
from gis.importing.crs import parse_crs, to_wgs84
from gis.importing.layer import ImportedLayer, geojson_of, normalise_text
from gis.importing.ogr_readers import read_gpkg, read_kml, read_kml_path, read_shapefiles
from gis.importing.tables import read_csv, read_xlsx


def read_upload(filename: str, data: bytes, *, encoding: str | None = None, source_crs=None,
                lon_column: str | None = None, lat_column: str | None = None,
                wkt_column: str | None = None) -> ImportedLayer:
    """Read one uploaded file. ``encoding`` overrides the file's (shapefile .cpg, CSV);
    ``source_crs`` overrides or supplies its CRS ("EPSG:5897", "vn2000-cantho", WKT, PROJ);
    the ``*_column`` arguments name the geometry columns of a CSV/XLSX (x/y when
    ``source_crs`` is projected)."""
    filename = os.path.basename(str(filename or "upload").replace("\\", "/")) or "upload"
    if not isinstance(data, (bytes, bytearray)):
        raise BadRequest("the upload must be bytes")
    if len(data) == 0:
        raise BadRequest(f"{filename} is empty (0 bytes)")
    if len(data) > safety.MAX_UPLOAD_BYTES:
        raise TooLarge(f"{filename} is {len(data) / 1048576:.1f} MB; the limit is "
                       f"{safety.MAX_UPLOAD_BYTES // 1048576} MB", {"limit_bytes": safety.MAX_UPLOAD_BYTES})
    if encoding is not None:
        encoding = _check_encoding(encoding)
    user_crs = parse_crs(source_crs) if source_crs not in (None, "") else None
    kind = safety.detect_format(filename, bytes(data))
    opts = {"encoding": encoding, "user_crs": user_crs, "lon": lon_column, "lat": lat_column, "wkt": wkt_column}
    tmp = None
    try:
        with tempfile.TemporaryDirectory(prefix="cantho-import-") as tmp:
            layer = _READERS[kind](filename, bytes(data), tmp, opts)
    except GisError:
        raise
    except Exception as exc:  # noqa: BLE001 - library errors become a clear 400
        reason = reason_of(exc)
        if tmp:  # no server paths in messages
            reason = reason.replace(tmp + os.sep, "").replace(tmp, "")
        raise BadRequest(f"could not read {filename} as {FORMAT_LABELS.get(kind, kind)}: {reason}") from None
    if not layer.features:
        raise BadRequest(f"{filename} has no features")
    normalise_text(layer)
    return layer


FORMAT_LABELS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "shp": "a zipped Shapefile",
                 "kml": "KML", "kmz": "KMZ", "csv": "CSV", "xlsx": "Excel (XLSX)"}


def _check_encoding(name: str) -> str:
    import codecs

    try:
        return codecs.lookup(str(name)).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise BadRequest(f"unknown text encoding {name!r} (e.g. utf-8, cp1258, cp1252, latin1)") from None


# -- GeoJSON ----------------------------------------------------------------------------------

def _read_geojson(filename, data, tmp, opts) -> ImportedLayer:
    import shapely.geometry

    try:
        text = data.decode(opts["encoding"] or "utf-8-sig")
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"{filename} is not valid GeoJSON: {reason_of(exc)}") from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        raise BadRequest(f"{filename} is not a GeoJSON FeatureCollection or Feature")
    if not isinstance(features, list):
        raise BadRequest(f"{filename}: the FeatureCollection has no features list")
    safety.too_many(len(features), filename)
    file_crs = None
    crs_member = doc.get("crs")
    if isinstance(crs_member, dict):  # GeoJSON 2008 "crs" member (RFC 7946 dropped it)
        name = (crs_member.get("properties") or {}).get("name")
        if name:
            file_crs = parse_crs(name)
    layer = ImportedLayer(filename, "geojson", [], [], "", opts["encoding"] or "utf-8")
    geoms, fields = [], {}
    for i, f in enumerate(features, start=1):
        if not isinstance(f, dict):
            raise BadRequest(f"{filename}: feature #{i} is not an object")
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        for k in props:
            fields.setdefault(k, None)
        geom = None
        if f.get("geometry") is not None:
            try:
                geom = shapely.geometry.shape(f["geometry"])
            except Exception as exc:  # noqa: BLE001
                layer.row_problems.setdefault(i, []).append(
                    ("geometry", f"not a valid GeoJSON geometry: {reason_of(exc)}"))
        geoms.append(geom)
        out = {"type": "Feature", "geometry": None, "properties": dict(props)}
        if f.get("id") is not None:
            out["id"] = f["id"]
        layer.features.append(out)
    wgs, layer.crs = to_wgs84(geoms, file_crs or parse_crs("OGC:CRS84"), opts["user_crs"], filename, layer.warnings)
    if file_crs is None and opts["user_crs"] is None:
        layer.crs = "WGS84 longitude/latitude (RFC 7946)"
    for f, g in zip(layer.features, wgs):
        f["geometry"] = geojson_of(g)
    layer.fields = list(fields)
    return layer


# -- zips: Shapefile sets, KMZ, a zipped KML, GeoJSON or GeoPackage ------------------------

def _read_zip(filename, data, tmp, opts) -> ImportedLayer:
    zf, infos = safety.safe_zip_members(data, filename)
    names = [i.filename for i in infos]
    lower = [n.lower() for n in names]
    if any(n.endswith(".shp") for n in lower):
        kind = "shp"
    elif any(n.endswith(".kml") for n in lower):
        kind = "kml"
    elif any(n.endswith((".geojson", ".json")) for n in lower):
        kind = "geojson"
    elif any(n.endswith(".gpkg") for n in lower):
        kind = "gpkg"
    else:
        raise BadRequest(f"{filename}: the zip holds no shapefile (.shp), KML, GeoJSON or GeoPackage "
                         f"(found: {', '.join(names[:10]) or 'nothing'})")
    paths = safety.extract_safely(zf, infos, tmp, filename)
    if kind == "shp":
        return read_shapefiles(filename, paths, opts)
    if kind == "kml":
        layer = ImportedLayer(filename, "kml", [], [], "", "UTF-8")
        for name, path in paths.items():
            if name.lower().endswith(".kml"):
                read_kml_path(path, layer, opts)
        return layer
    inner = next(p for n, p in paths.items() if n.lower().endswith((".geojson", ".json", ".gpkg")))
    with open(inner, "rb") as fh:
        content = fh.read()
    sub = os.path.join(tmp, "inner")
    os.makedirs(sub, exist_ok=True)
    layer = _READERS[kind](filename, content, sub, opts)
    return layer


_READERS = {"geojson": _read_geojson, "gpkg": read_gpkg, "kml": read_kml, "zip": _read_zip,
            "kmz": _read_zip, "csv": read_csv, "xlsx": read_xlsx}
