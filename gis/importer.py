"""Import core (no Flask): read an uploaded GIS file, preview what it would change, commit.

1. ``read_upload(filename, data, *, encoding=None, source_crs=None, ...)`` -> ``ImportedLayer``:
   GeoJSON, GeoPackage, Shapefile (zip), KML/KMZ, CSV (lon/lat or WKT columns) and XLSX,
   reprojected to WGS84 lon/lat (EPSG:4326) with pyproj. VN-2000 is recognised and
   transformed with the official parameters (Decision 05/2007/QĐ-BTNMT, EPSG:6960).
   Bad files raise BadRequest/Invalid/TooLarge with the reason; library errors are wrapped.
2. ``preview(layer, mapping, mode, store)`` -> ``[PreviewRow]``: per feature the validation
   result (gis.schema.validate_feature after the field mapping and defaults), where it
   lands and whether it adds a new id or updates an existing one.
3. ``commit(layer, mapping, mode, store, *, user, note)`` writes every VALID row in ONE
   transaction (``store.import_projects``), each change in history with user and note.

Limits are declared once below. docs/formats.md describes formats, encodings and CRS handling.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import os
import posixpath
import re
import stat
import tempfile
import unicodedata
import zipfile
import zlib

from gis import export, schema
from gis.errors import BadRequest, GisError, TooLarge  # TooLarge: 413, over a limit below
from gis.geo import REGION_BBOX, in_box
from gis.schema import Problem

# -- limits (declared once) ---------------------------------------------------------------
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_FEATURES = 5000  # features in one upload
MAX_ZIP_ENTRIES = 50  # members of a zip (shapefile sets, KMZ, XLSX)
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all members of a zip, uncompressed
MAX_COMPRESSION_RATIO = 200  # uncompressed / compressed size of one member ...
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # ... checked for members larger than this

MODES = ("add", "update")
WGS84 = "EPSG:4326"
COORD_DECIMALS = 9  # reprojected coordinates are rounded to 1e-9 degree (0.1 mm)
GEOMETRY_TOLERANCE = 1e-7  # degrees: a geometry this close to the stored one is unchanged

# VN-2000 (EPSG:4756) -> WGS 84: Decision 05/2007/QĐ-BTNMT, registered by EPSG as
# transformation 6960 "VN-2000 to WGS 84 (2)" (coordinate frame rotations). PROJ's
# +towgs84 uses the position-vector convention, so the rotations change sign there.
VN2000_TO_WGS84_EPSG = 6960
VN2000_TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
# Cần Thơ's provincial 3-degree zone (Circular 973/2001/TT-TCĐC): central meridian 105°00',
# k = 0.9999, false easting 500 km. EPSG:5897 "VN-2000 / TM-3 zone 482" is exactly that.
CAN_THO_TM3_EPSG = 5897
CAN_THO_TM3_PROJ = ("+proj=tmerc +lat_0=0 +lon_0=105 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
                    f"+towgs84={VN2000_TOWGS84} +units=m +no_defs")
VN2000_UTM48_EPSG = 3405
CRS_ALIASES = {
    "vn2000-cantho": f"EPSG:{CAN_THO_TM3_EPSG}",
    "vn2000-tm3-105": f"EPSG:{CAN_THO_TM3_EPSG}",
    "vn2000-utm48": f"EPSG:{VN2000_UTM48_EPSG}",
    "vn2000": "EPSG:4756",
    "wgs84": WGS84,
}
_VN2000_NAME = re.compile(r"v\W*n\W*[-_ ]?2000|vietnam\W*2000", re.IGNORECASE)

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qpj", ".sbn", ".sbx", ".shp.xml")
GEOMETRY_NAMES = {
    "wkt": ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "hinh_hoc"),
    "lon": ("lon", "lng", "long", "longitude", "x", "kinh_do", "kinh độ", "kinhdo"),
    "lat": ("lat", "latitude", "y", "vi_do", "vĩ độ", "vido"),
}
STORE_MANAGED = ("updated_at", "archived")
KML_NOISE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
             "visibility", "drawOrder", "icon", "snippet")


@dataclasses.dataclass
class ImportedLayer:
    """Features read from an upload, in WGS84 lon/lat, properties as named in the file."""

    filename: str
    format: str  # geojson | gpkg | shp | kml | csv | xlsx
    features: list  # GeoJSON Feature dicts (geometry may be None)
    fields: list  # source property names, in file order
    crs: str  # how the source CRS was understood
    encoding: str | None = None
    warnings: list = dataclasses.field(default_factory=list)
    row_problems: dict = dataclasses.field(default_factory=dict)  # row (1-based) -> [(field, message)]

    def to_dict(self) -> dict:
        """JSON-able (e.g. to keep the layer between preview and commit); see from_dict."""
        out = dataclasses.asdict(self)
        out["row_problems"] = {str(k): [list(p) for p in v] for k, v in self.row_problems.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "ImportedLayer":
        data = dict(data)
        data["row_problems"] = {int(k): [tuple(p) for p in v] for k, v in (data.get("row_problems") or {}).items()}
        return cls(**data)

    def summary(self) -> dict:
        return {"filename": self.filename, "format": self.format, "features": len(self.features),
                "fields": list(self.fields), "crs": self.crs, "encoding": self.encoding,
                "warnings": list(self.warnings)}


# ============================================================================================
# reading
# ============================================================================================

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
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(f"{filename} is {len(data) / 1048576:.1f} MB; the limit is "
                       f"{MAX_UPLOAD_BYTES // 1048576} MB", {"limit_bytes": MAX_UPLOAD_BYTES})
    if encoding is not None:
        encoding = _check_encoding(encoding)
    user_crs = parse_crs(source_crs) if source_crs not in (None, "") else None
    kind = detect_format(filename, bytes(data))
    opts = {"encoding": encoding, "user_crs": user_crs, "lon": lon_column, "lat": lat_column, "wkt": wkt_column}
    tmp = None
    try:
        with tempfile.TemporaryDirectory(prefix="cantho-import-") as tmp:
            layer = _READERS[kind](filename, bytes(data), tmp, opts)
    except GisError:
        raise
    except Exception as exc:  # noqa: BLE001 - library errors become a clear 400
        reason = _reason(exc)
        if tmp:  # no server paths in messages
            reason = reason.replace(tmp + os.sep, "").replace(tmp, "")
        raise BadRequest(f"could not read {filename} as {FORMAT_LABELS.get(kind, kind)}: {reason}") from None
    if not layer.features:
        raise BadRequest(f"{filename} has no features")
    _normalise_text(layer)
    return layer


FORMAT_LABELS = {"geojson": "GeoJSON", "gpkg": "GeoPackage", "shp": "a zipped Shapefile",
                 "kml": "KML", "kmz": "KMZ", "csv": "CSV", "xlsx": "Excel (XLSX)"}
SUPPORTED = ("GeoJSON (.geojson/.json), GeoPackage (.gpkg), Shapefile as .zip (.shp+.shx+.dbf+.prj), "
             "KML/KMZ, CSV (.csv) or Excel (.xlsx)")


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"


def _check_encoding(name: str) -> str:
    import codecs

    try:
        return codecs.lookup(str(name)).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise BadRequest(f"unknown text encoding {name!r} (e.g. utf-8, cp1258, cp1252, latin1)") from None


EXTENSIONS = {"zip": "zip", "kmz": "kmz", "xlsx": "xlsx", "gpkg": "gpkg", "kml": "kml", "geojson": "geojson",
              "json": "geojson", "csv": "csv", "txt": "csv", "tsv": "csv"}


def _sniff(data: bytes) -> str | None:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if data[:16] == b"SQLite format 3\x00":
        return "gpkg"
    if head[:5].lower() in (b"<?xml", b"<kml ", b"<kml>"):
        return "kml"
    if head[:1] == b"{":
        return "geojson"
    return None


def detect_format(filename: str, data: bytes) -> str:
    """The format from the name (or, without a known extension, the first bytes); BadRequest
    when the content is not what the name says."""
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if ext in ("shp", "shx", "dbf", "prj"):
        raise BadRequest("upload a shapefile as one .zip holding its .shp, .shx, .dbf and .prj (and .cpg)")
    kind = EXTENSIONS.get(ext) or _sniff(data)
    if kind is None:
        raise BadRequest(f"{filename}: not a supported GIS file; upload {SUPPORTED}")
    sniffed = _sniff(data)
    if kind in ("zip", "kmz", "xlsx") and sniffed != "zip":
        raise BadRequest(f"{filename} is not a zip file (a .{ext or 'zip'} is a zip archive)")
    if kind == "gpkg" and sniffed != "gpkg":
        raise BadRequest(f"{filename} is not a GeoPackage (it does not start like an SQLite database)")
    if kind == "kml" and not data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise BadRequest(f"{filename} is not KML (KML is XML and starts with '<')")
    if kind == "geojson" and sniffed != "geojson":
        raise BadRequest(f"{filename} is not GeoJSON (GeoJSON is a JSON object starting with '{{')")
    if kind == "csv" and (b"\x00" in data[:4096] or sniffed in ("zip", "gpkg")):
        raise BadRequest(f"{filename} is not a text (CSV) file")
    return kind


# -- zip safety ----------------------------------------------------------------------------

def _unsafe_member(name: str) -> str | None:
    """Why a zip member name is unsafe to extract, or None."""
    if "\x00" in name:
        return "a NUL character in the name"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "an absolute path"
    if any(part == ".." for part in norm.split("/")):
        return "a '..' path (path traversal)"
    return None


def safe_zip_members(data: bytes, filename: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open a zip and check every member before anything is extracted."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
        raise BadRequest(f"{filename} is not a readable zip file (truncated or damaged: {_reason(exc)})") from None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise TooLarge(f"{filename} holds {len(infos)} files; the limit is {MAX_ZIP_ENTRIES}",
                       {"limit_entries": MAX_ZIP_ENTRIES})
    total = 0
    for info in infos:
        why = _unsafe_member(info.filename)
        if why:
            raise BadRequest(f"{filename}: refused, member {info.filename!r} has {why}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise BadRequest(f"{filename}: refused, member {info.filename!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise BadRequest(f"{filename}: member {info.filename!r} is encrypted")
        if info.is_dir():
            continue
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise TooLarge(f"{filename}: member {info.filename!r} expands {ratio:.0f} times "
                           f"(limit {MAX_COMPRESSION_RATIO}): refused as a possible zip bomb")
    if total > MAX_UNZIPPED_BYTES:
        raise TooLarge(f"{filename} expands to {total / 1048576:.0f} MB; the limit is "
                       f"{MAX_UNZIPPED_BYTES // 1048576} MB", {"limit_bytes": MAX_UNZIPPED_BYTES})
    return zf, [i for i in infos if not i.is_dir() and not i.filename.startswith("__MACOSX/")
                and not posixpath.basename(i.filename.replace("\\", "/")).startswith("._")]


def extract_safely(zf: zipfile.ZipFile, infos: list, dest: str, filename: str) -> dict:
    """Extract checked members under ``dest``, counting real bytes (sizes in a zip can lie).
    Returns {member name: extracted path}."""
    out, total = {}, 0
    root = os.path.realpath(dest)
    for info in infos:
        rel = info.filename.replace("\\", "/")
        path = os.path.realpath(os.path.join(root, *[p for p in rel.split("/") if p not in ("", ".")]))
        if not path.startswith(root + os.sep):
            raise BadRequest(f"{filename}: refused, member {info.filename!r} leaves the folder")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        written = 0
        try:
            with zf.open(info) as src, open(path, "wb") as dst:
                while True:
                    chunk = src.read(1 << 16)
                    if not chunk:
                        break
                    written += len(chunk)
                    total += len(chunk)
                    if written > info.file_size or total > MAX_UNZIPPED_BYTES:
                        raise TooLarge(f"{filename}: member {info.filename!r} expands beyond its declared size "
                                       f"or the {MAX_UNZIPPED_BYTES // 1048576} MB limit")
                    dst.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise BadRequest(f"{filename}: member {info.filename!r} cannot be extracted "
                             f"(damaged or truncated zip: {_reason(exc)})") from None
        out[info.filename] = path
    return out


# -- CRS ---------------------------------------------------------------------------------

def parse_crs(value):
    """A pyproj CRS from what a user or a file gives: EPSG code, alias, WKT, PROJ string."""
    from pyproj import CRS

    if hasattr(value, "to_wkt"):
        return value
    text = str(value).strip()
    text = CRS_ALIASES.get(text.lower(), text)
    if text.isdigit():
        text = "EPSG:" + text
    try:
        return CRS.from_user_input(text)
    except Exception as exc:  # noqa: BLE001 - pyproj.CRSError and friends
        raise BadRequest(f"unknown coordinate reference system {str(value)[:100]!r}: {_reason(exc)} "
                         f"(e.g. EPSG:{CAN_THO_TM3_EPSG} for VN-2000 Cần Thơ TM-3, EPSG:{VN2000_UTM48_EPSG} "
                         "for VN-2000 UTM 48N, EPSG:4326 for WGS84)") from None


def is_vn2000(crs) -> bool:
    """True when ``crs`` is based on the VN-2000 datum (by EPSG id or by name)."""
    geodetic = crs.geodetic_crs
    if geodetic is None:
        return False
    datum = geodetic.datum
    ids = ((datum.to_json_dict().get("id") or {}) if datum is not None else {})
    if ids.get("authority") == "EPSG" and str(ids.get("code")) == "6756":
        return True
    names = [crs.name or "", geodetic.name or "", (datum.name if datum is not None else "") or ""]
    return any(_VN2000_NAME.search(n) for n in names)


def normalise_crs(crs):
    """(CRS to transform from, label). VN-2000 without an explicit datum shift is bound to
    EPSG:6960 so that every VN-2000 file is transformed the same, official, way (PROJ
    would otherwise pick EPSG:5194 in the Mekong delta, 0.8 m away)."""
    from pyproj import CRS
    from pyproj.crs import CoordinateOperation, ProjectedCRS

    label = crs.name or "custom CRS"
    code = crs.to_epsg(min_confidence=70)
    if code:
        label = f"EPSG:{code} {crs.name}"
    if crs.is_bound or not is_vn2000(crs):
        return crs, label
    base = crs
    if code is None or not is_vn2000(CRS.from_epsg(code)):
        # a VN-2000 definition PROJ does not identify: rebuild it on EPSG:4756
        if crs.is_projected:
            base = ProjectedCRS(conversion=crs.coordinate_operation, geodetic_crs=CRS.from_epsg(4756),
                                name=crs.name)
        else:
            base = CRS.from_epsg(4756)
        code = base.to_epsg(min_confidence=70)
    else:
        base = CRS.from_epsg(code)
    if code:
        label = f"EPSG:{code} {base.name}"
    op = CoordinateOperation.from_epsg(VN2000_TO_WGS84_EPSG)
    bound = CRS.from_json_dict({"type": "BoundCRS", "source_crs": base.to_json_dict(),
                                "target_crs": CRS.from_epsg(4326).to_json_dict(),
                                "transformation": op.to_json_dict()})
    return bound, f"{label} (VN-2000 -> WGS84 by EPSG:{VN2000_TO_WGS84_EPSG}, Decision 05/2007/QĐ-BTNMT)"


def _looks_geographic(geoms) -> bool:
    bounds = [g.bounds for g in geoms if g is not None and not g.is_empty]
    return all(-180 <= b[0] <= 180 and -180 <= b[2] <= 180 and -90 <= b[1] <= 90 and -90 <= b[3] <= 90
               and all(math.isfinite(v) for v in b) for b in bounds)


def to_wgs84(geoms: list, file_crs, user_crs, filename: str, warnings: list) -> tuple[list, str]:
    """Shapely geometries in ``file_crs`` (or ``user_crs``, which wins) -> WGS84 lon/lat, 2D."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    geoms = [None if g is None or g.is_empty else shapely.force_2d(g) for g in geoms]
    crs = user_crs or file_crs
    if user_crs is not None and file_crs is not None and not user_crs.equals(file_crs, ignore_axis_order=True):
        warnings.append(f"the file says its CRS is {file_crs.name}; using {user_crs.name} as asked")
    if crs is None:
        if not _looks_geographic(geoms):
            sample = next(g for g in geoms if g is not None).representative_point()
            raise BadRequest(
                f"{filename} does not say its coordinate reference system and its coordinates "
                f"({sample.x:.0f}, {sample.y:.0f}) are not longitude/latitude: give source_crs, e.g. "
                f"EPSG:{CAN_THO_TM3_EPSG} (VN-2000 TM-3 105°00', Cần Thơ) or EPSG:{VN2000_UTM48_EPSG} "
                "(VN-2000 UTM 48N)")
        warnings.append("no coordinate reference system in the file: read as WGS84 longitude/latitude")
        return geoms, "EPSG:4326 WGS 84 (assumed)"
    src, label = normalise_crs(crs)
    if src.to_epsg() == 4326 or (src.is_geographic and src.equals("OGC:CRS84")):
        return geoms, label
    try:
        transformer = Transformer.from_crs(src, WGS84, always_xy=True)
    except Exception as exc:  # noqa: BLE001
        raise BadRequest(f"cannot transform from {label} to WGS84: {_reason(exc)}") from None

    def fn(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), COORD_DECIMALS)

    return [None if g is None else shapely.transform(g, fn) for g in geoms], label


# -- value helpers ---------------------------------------------------------------------------

def _py(value):
    """numpy/pandas scalars -> plain Python; NaN/NaT/NA -> None; dates -> ISO text."""
    import datetime as dt

    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)) and getattr(value, "ndim", 0) == 0:
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NaT or value is pd.NA:
            return None
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (list, tuple)):
        return [_py(v) for v in value]
    if hasattr(value, "tolist"):
        return _py(value.tolist())
    return value


def _as_lists(obj):
    if isinstance(obj, (list, tuple)):
        return [_as_lists(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _as_lists(v) for k, v in obj.items()}
    return obj


def _geojson_of(geom):
    import shapely
    import shapely.geometry

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):  # RFC 7946: exterior rings counterclockwise
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return _as_lists(shapely.geometry.mapping(geom))


def _normalise_text(layer: ImportedLayer) -> None:
    """NFC everywhere (CP1258 and some editors write decomposed Vietnamese)."""
    def nfc(v):
        if isinstance(v, str):
            return unicodedata.normalize("NFC", v)
        if isinstance(v, list):
            return [nfc(x) for x in v]
        if isinstance(v, dict):
            return {nfc(k): nfc(x) for k, x in v.items()}
        return v

    for f in layer.features:
        f["properties"] = nfc(f.get("properties") or {})
        if isinstance(f.get("id"), str):
            f["id"] = nfc(f["id"])
    layer.fields = [nfc(n) for n in layer.fields]


def _too_many(count: int, filename: str):
    if count > MAX_FEATURES:
        raise TooLarge(f"{filename} has {count} features; the limit is {MAX_FEATURES}",
                       {"limit_features": MAX_FEATURES})


# -- GeoJSON ----------------------------------------------------------------------------------

def _read_geojson(filename, data, tmp, opts) -> ImportedLayer:
    import shapely.geometry

    try:
        text = data.decode(opts["encoding"] or "utf-8-sig")
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"{filename} is not valid GeoJSON: {_reason(exc)}") from None
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    else:
        raise BadRequest(f"{filename} is not a GeoJSON FeatureCollection or Feature")
    if not isinstance(features, list):
        raise BadRequest(f"{filename}: the FeatureCollection has no features list")
    _too_many(len(features), filename)
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
                    ("geometry", f"not a valid GeoJSON geometry: {_reason(exc)}"))
        geoms.append(geom)
        out = {"type": "Feature", "geometry": None, "properties": dict(props)}
        if f.get("id") is not None:
            out["id"] = f["id"]
        layer.features.append(out)
    wgs, layer.crs = to_wgs84(geoms, file_crs or parse_crs("OGC:CRS84"), opts["user_crs"], filename, layer.warnings)
    if file_crs is None and opts["user_crs"] is None:
        layer.crs = "WGS84 longitude/latitude (RFC 7946)"
    for f, g in zip(layer.features, wgs):
        f["geometry"] = _geojson_of(g)
    layer.fields = list(fields)
    return layer


# -- anything GDAL reads (GPKG, shapefile, KML) -----------------------------------------------

def _frame_features(frame, layer: ImportedLayer, opts, drop=()) -> None:
    """Append the rows of a GeoDataFrame (any CRS) to ``layer`` as WGS84 features."""
    geoms = list(frame.geometry) if frame.geometry is not None else [None] * len(frame)
    file_crs = frame.crs
    wgs, label = to_wgs84(geoms, file_crs, opts["user_crs"], layer.filename, layer.warnings)
    layer.crs = label if not layer.crs or layer.crs == label else layer.crs + "; " + label
    columns = [c for c in frame.columns if c != frame.geometry.name and c not in drop]
    for c in columns:
        if c not in layer.fields:
            layer.fields.append(c)
    records = frame[columns].to_dict("records")
    for rec, g in zip(records, wgs):
        props = {k: _py(v) for k, v in rec.items()}
        layer.features.append({"type": "Feature", "geometry": _geojson_of(g), "properties": props})


def _count_ogr(path, layers) -> int:
    import pyogrio

    return sum(int(pyogrio.read_info(path, layer=name).get("features") or 0) for name in layers)


def _read_ogr_layers(path, layer: ImportedLayer, opts, *, driver_layers=None, drop=(), **read_kw):
    import pyogrio

    names = driver_layers
    if names is None:
        names = [str(name) for name, gtype in pyogrio.list_layers(path) if gtype is not None]
    if not names:
        raise BadRequest(f"{layer.filename} has no layer with geometries")
    _too_many(_count_ogr(path, names) + len(layer.features), layer.filename)
    if len(names) > 1:
        layer.warnings.append(f"read {len(names)} layers: {', '.join(names)}")
    for name in names:
        frame = pyogrio.read_dataframe(path, layer=name, **read_kw)
        _frame_features(frame, layer, opts, drop=drop)


def _read_gpkg(filename, data, tmp, opts) -> ImportedLayer:
    path = os.path.join(tmp, "upload.gpkg")
    with open(path, "wb") as fh:
        fh.write(data)
    layer = ImportedLayer(filename, "gpkg", [], [], "", "UTF-8")
    _read_ogr_layers(path, layer, opts)
    return layer


def _read_kml_path(path, layer: ImportedLayer, opts):
    import pyogrio

    with open(path, "rb") as fh:
        text = fh.read()
    if b"<!ENTITY" in text or b"<!entity" in text:
        raise BadRequest(f"{layer.filename}: KML with XML entity declarations is refused")
    if b"NetworkLink" in text:
        raise BadRequest(f"{layer.filename}: KML with a NetworkLink (a link to other files) is not imported; "
                         "export the linked data itself")
    names = [str(n) for n, g in pyogrio.list_layers(path)]
    _read_ogr_layers(path, layer, opts, driver_layers=names or None, drop=KML_NOISE, driver="LIBKML")
    for f in layer.features:  # LIBKML gives the Placemark id as "id": it is the Feature id
        if f["properties"].get("id") is None:
            f["properties"].pop("id", None)
        else:
            f["id"] = f["properties"]["id"]


def _read_kml(filename, data, tmp, opts) -> ImportedLayer:
    path = os.path.join(tmp, "upload.kml")
    with open(path, "wb") as fh:
        fh.write(data)
    layer = ImportedLayer(filename, "kml", [], [], "", "UTF-8")
    _read_kml_path(path, layer, opts)
    return layer


def _shapefile_text(layer: ImportedLayer, start: int, encoding: str | None, had_cpg: bool, shp_name: str):
    """Decode text read as Latin-1 (byte-transparent) with ``encoding``, or guess when the
    file said nothing: valid UTF-8 is taken as UTF-8; otherwise a warning."""
    feats = layer.features[start:]

    def recode(text, codec):
        return text.encode("latin-1").decode(codec)

    if encoding is None and had_cpg:
        return
    if encoding is None:
        raw = [v for f in feats for v in f["properties"].values() if isinstance(v, str) and not v.isascii()]
        try:
            for v in raw:
                recode(v, "utf-8")
            codec = "utf-8" if raw else None
        except (UnicodeEncodeError, UnicodeDecodeError):
            codec = None
        if codec is None:
            if raw:
                hint = " (it looks like Windows-1258 Vietnamese)" if any(
                    ch in v for v in raw for ch in "\u00cc\u00ec\u00d2\u00de\u00f2") else ""
                layer.warnings.append(f"{shp_name} has no .cpg and its text is not UTF-8{hint}: read as Latin-1; "
                                      "upload again with encoding (e.g. cp1258) to decode it")
            return
        layer.warnings.append(f"{shp_name} has no .cpg: its text was read as UTF-8")
    else:
        codec = encoding
    bad = 0
    for f in feats:
        props = {}
        for k, v in f["properties"].items():
            try:
                k2 = recode(k, codec) if not k.isascii() else k
            except (UnicodeEncodeError, UnicodeDecodeError):
                k2 = k
            if isinstance(v, str) and not v.isascii():
                try:
                    v = recode(v, codec)
                except (UnicodeEncodeError, UnicodeDecodeError):
                    bad += 1
            props[k2] = v
        f["properties"] = props
    if bad:
        layer.warnings.append(f"{shp_name}: {bad} text values are not valid {codec}; kept as read")
    layer.fields = [recode(n, codec) if not n.isascii() and _decodes(n, codec) else n for n in layer.fields]


def _decodes(text, codec) -> bool:
    try:
        text.encode("latin-1").decode(codec)
        return True
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False


def _read_zip(filename, data, tmp, opts) -> ImportedLayer:
    zf, infos = safe_zip_members(data, filename)
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
    paths = extract_safely(zf, infos, tmp, filename)
    if kind == "shp":
        return _read_shapefiles(filename, paths, opts)
    if kind == "kml":
        layer = ImportedLayer(filename, "kml", [], [], "", "UTF-8")
        for name, path in paths.items():
            if name.lower().endswith(".kml"):
                _read_kml_path(path, layer, opts)
        return layer
    inner = next(p for n, p in paths.items() if n.lower().endswith((".geojson", ".json", ".gpkg")))
    with open(inner, "rb") as fh:
        content = fh.read()
    sub = os.path.join(tmp, "inner")
    os.makedirs(sub, exist_ok=True)
    layer = _READERS[kind](filename, content, sub, opts)
    return layer


def _read_shapefiles(filename, paths: dict, opts) -> ImportedLayer:
    import pyogrio

    layer = ImportedLayer(filename, "shp", [], [], "", opts["encoding"])
    shps = sorted(p for n, p in paths.items() if n.lower().endswith(".shp"))
    total = 0
    for shp in shps:
        stem = shp[:-4]
        missing = [ext for ext in (".shx", ".dbf") if not _sibling(stem, ext)]
        if missing:
            raise BadRequest(f"{filename}: {os.path.basename(shp)} comes without {' and '.join(missing)}")
        total += int(pyogrio.read_info(shp).get("features") or 0)
    _too_many(total, filename)
    encodings = []
    for shp in shps:
        stem = shp[:-4]
        cpg = _sibling(stem, ".cpg")
        start = len(layer.features)
        read_kw = {}
        if opts["encoding"] or not cpg:
            read_kw["encoding"] = "ISO-8859-1"  # byte-transparent; decoded in Python below
        prj = _sibling(stem, ".prj")
        if not prj and not opts["user_crs"]:
            layer.warnings.append(f"{os.path.basename(shp)} has no .prj")
        frame = pyogrio.read_dataframe(shp, **read_kw)
        _frame_features(frame, layer, opts)
        _shapefile_text(layer, start, opts["encoding"], bool(cpg), os.path.basename(shp))
        encodings.append(opts["encoding"] or (_read_small(cpg).strip() if cpg else "latin1/utf-8 (no .cpg)"))
    layer.encoding = ", ".join(dict.fromkeys(encodings))
    if len(shps) > 1:
        layer.warnings.append(f"read {len(shps)} shapefiles: {', '.join(os.path.basename(s) for s in shps)}")
    return layer


def _sibling(stem: str, ext: str) -> str | None:
    folder, base = os.path.split(stem)
    for name in os.listdir(folder or "."):
        if name.lower() == (base + ext).lower():
            return os.path.join(folder, name)
    return None


def _read_small(path: str) -> str:
    with open(path, "rb") as fh:
        return fh.read(200).decode("ascii", "replace")


# -- tables: CSV and XLSX ---------------------------------------------------------------------

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
                ("geometry", f"cannot read the geometry: {_reason(exc)}"))
        geoms.append(geom)
        layer.features.append({"type": "Feature", "geometry": None,
                               "properties": {c: row.get(c) for c in layer.fields}})
    wgs, layer.crs = to_wgs84(geoms, None, opts["user_crs"], filename, layer.warnings) if any(
        g is not None for g in geoms) or opts["user_crs"] else (geoms, "none (no geometry)")
    for f, g in zip(layer.features, wgs):
        f["geometry"] = _geojson_of(g)
    return layer


def unguard_formula(value):
    """Undo export.guard_formula: "'=..." -> "=..."."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(export.FORMULA_PREFIXES):
        return value[1:]
    return value


def _read_csv(filename, data, tmp, opts) -> ImportedLayer:
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
    csv.field_size_limit(MAX_UPLOAD_BYTES)
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
            if len(rows) >= MAX_FEATURES:
                _too_many(len(rows) + 1 + sum(1 for _ in reader), filename)
            if len(values) > len(header):
                raise BadRequest(f"{filename}: line {line_no} has {len(values)} values for {len(header)} columns")
            rows.append({h: (unguard_formula(v) if v != "" else None) for h, v in zip(header, values)})
    except csv.Error as exc:
        raise BadRequest(f"{filename} is not valid CSV: {_reason(exc)}") from None
    finally:
        csv.field_size_limit(old_limit)
    return _table_layer(filename, "csv", header, rows, opts, codec.replace("-sig", ""))


def _read_xlsx(filename, data, tmp, opts) -> ImportedLayer:
    from openpyxl import load_workbook

    safe_zip_members(data, filename)  # the same zip-bomb and path checks as any zip
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
            rows.append({h: _py(v) for h, v in zip(header, values)})
            _too_many(len(rows), filename)
    finally:
        wb.close()
    return _table_layer(filename, "xlsx", header, rows, opts, "UTF-8")


_READERS = {"geojson": _read_geojson, "gpkg": _read_gpkg, "kml": _read_kml, "zip": _read_zip,
            "kmz": _read_zip, "csv": _read_csv, "xlsx": _read_xlsx}


# ============================================================================================
# mapping, preview, commit
# ============================================================================================

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


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def coerce_value(field: str, value):
    """A file's cell -> the data model's type. Returns (value, problem message or None)."""
    kind = export.COLUMN_KINDS.get(field, "text")
    value = _py(value)
    if kind == "list":
        if _empty(value):
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
        items = [str(v).strip() if not isinstance(v, str) else v.strip() for v in value if not _empty(v)]
        if field in CODED:
            items = [_code_lookup(CODED[field], v) for v in items]
        return items, None
    if kind == "object":
        if _empty(value):
            return {}, None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                cut = " (it looks cut short)" if value.rstrip().endswith(export.TRUNCATION_MARK) else ""
                return None, f"not valid JSON{cut}: {_reason(exc)}"
        if not isinstance(value, dict):
            return None, "must be a JSON object of field -> note"
        return value, None
    if _empty(value):
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


def _same_flat(incoming, stored, field: str) -> bool:
    """True when a file's value equals the stored one as the flat exports write it
    (text cut by the shapefile's 254-byte limit counts as equal to the full text)."""
    a = export.flat_value(field, _py(incoming)) if not isinstance(incoming, str) else incoming
    b = export.flat_value(field, stored)
    if _empty(a) and _empty(b):
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
    if _empty(a) and _empty(b):
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
        if dst == "id" and not _empty(raw.get(src)):
            value = raw[src]
            return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    fid = feature.get("id")
    return str(fid).strip() if fid is not None and not _empty(fid) else None


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
            if _empty(props.get(k)):
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
        if _empty(stored.get(k)) and _empty(changes.get(k)):
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


__all__ = ["read_upload", "preview", "commit", "summarise", "suggest_mapping", "FieldMapping", "ImportedLayer",
           "PreviewRow", "TooLarge", "MAX_UPLOAD_BYTES", "MAX_FEATURES", "MAX_ZIP_ENTRIES",
           "MAX_UNZIPPED_BYTES", "MAX_COMPRESSION_RATIO"]
