"""Reading uploads safely (no Flask): the limits, the format from the name and first bytes,
and zip members checked before anything is extracted and counted while it is extracted.

Other modules read the limits as ``safety.MAX_...`` when they run, so a test can lower one.
"""
from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import zipfile
import zlib

from gis.errors import BadRequest, TooLarge, reason_of  # TooLarge: 413, over a limit below

# -- limits (declared once) ---------------------------------------------------------------
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_FEATURES = 5000  # features in one upload
MAX_ZIP_ENTRIES = 50  # members of a zip (shapefile sets, KMZ, XLSX)
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all members of a zip, uncompressed
MAX_COMPRESSION_RATIO = 200  # uncompressed / compressed size of one member ...
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # ... checked for members larger than this


def too_many(count: int, filename: str):
    if count > MAX_FEATURES:
        raise TooLarge(f"{filename} has {count} features; the limit is {MAX_FEATURES}",
                       {"limit_features": MAX_FEATURES})


# -- format -------------------------------------------------------------------------------
SUPPORTED = ("GeoJSON (.geojson/.json), GeoPackage (.gpkg), Shapefile as .zip (.shp+.shx+.dbf+.prj), "
             "KML/KMZ, CSV (.csv) or Excel (.xlsx)")
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
        raise BadRequest(f"{filename} is not a readable zip file (truncated or damaged: {reason_of(exc)})") from None
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
                             f"(damaged or truncated zip: {reason_of(exc)})") from None
        out[info.filename] = path
    return out
