"""The formats GDAL reads, through pyogrio (no Flask): GeoPackage, KML (also inside a KMZ or
zip) and Shapefile sets, every layer with geometries, with the shapefile's text decoded in
Python when GDAL cannot (CP1258 without a .cpg).
"""
from __future__ import annotations

import os

from gis.errors import BadRequest
from gis.importing.crs import to_wgs84
from gis.importing.layer import ImportedLayer, geojson_of, plain_value
from gis.importing.safety import too_many

KML_NOISE = ("timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude",
             "visibility", "drawOrder", "icon", "snippet")


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
        props = {k: plain_value(v) for k, v in rec.items()}
        layer.features.append({"type": "Feature", "geometry": geojson_of(g), "properties": props})


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
    too_many(_count_ogr(path, names) + len(layer.features), layer.filename)
    if len(names) > 1:
        layer.warnings.append(f"read {len(names)} layers: {', '.join(names)}")
    for name in names:
        frame = pyogrio.read_dataframe(path, layer=name, **read_kw)
        _frame_features(frame, layer, opts, drop=drop)


def read_gpkg(filename, data, tmp, opts) -> ImportedLayer:
    path = os.path.join(tmp, "upload.gpkg")
    with open(path, "wb") as fh:
        fh.write(data)
    layer = ImportedLayer(filename, "gpkg", [], [], "", "UTF-8")
    _read_ogr_layers(path, layer, opts)
    return layer


def read_kml_path(path, layer: ImportedLayer, opts):
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


def read_kml(filename, data, tmp, opts) -> ImportedLayer:
    path = os.path.join(tmp, "upload.kml")
    with open(path, "wb") as fh:
        fh.write(data)
    layer = ImportedLayer(filename, "kml", [], [], "", "UTF-8")
    read_kml_path(path, layer, opts)
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


def read_shapefiles(filename, paths: dict, opts) -> ImportedLayer:
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
    too_many(total, filename)
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
