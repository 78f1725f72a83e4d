"""ImportedLayer, what every reader returns, and the conversions readers share (no Flask):
library values (numpy/pandas scalars, dates) to plain Python, shapely geometries to
GeoJSON (RFC 7946 ring order), all text to NFC.
"""
from __future__ import annotations

import dataclasses
import math
import unicodedata


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


def plain_value(value):
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
        return [plain_value(v) for v in value]
    if hasattr(value, "tolist"):
        return plain_value(value.tolist())
    return value


def _as_lists(obj):
    if isinstance(obj, (list, tuple)):
        return [_as_lists(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _as_lists(v) for k, v in obj.items()}
    return obj


def geojson_of(geom):
    import shapely
    import shapely.geometry

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):  # RFC 7946: exterior rings counterclockwise
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return _as_lists(shapely.geometry.mapping(geom))


def normalise_text(layer: ImportedLayer) -> None:
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
