"""Pure geographic helpers: the region box, bbox parsing, axis order. No I/O.

GeoJSON and shapely use (lon, lat); Leaflet/folium use [lat, lon]. The one conversion
lives here (``to_leaflet_bounds``) and is tested with an asymmetric box.
"""
from __future__ import annotations

import math

from gis.errors import BadRequest

# A generous box around the 2017 city and the projects that connect it to the region
# (Lộ Tẻ - Rạch Sỏi reaches Rạch Giá at 105.1 E, the HCMC railway 106.8 E / 10.9 N,
# the Hậu river sea channel 9.56 N). A swapped (lat, lon) pair falls far outside it.
REGION_BBOX = (104.9, 9.4, 106.9, 11.0)  # minlon, minlat, maxlon, maxlat

# The 2017 city itself (union of the nine districts' extents), for fitting the map.
CITY_BBOX = (105.226, 9.919, 105.844, 10.325)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse "minlon,minlat,maxlon,maxlat" (OGC axis order for CRS84) into floats.

    Raises BadRequest with a readable message for anything else.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise BadRequest(f"bbox needs 4 comma-separated numbers (minlon,minlat,maxlon,maxlat), got {len(parts)}")
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise BadRequest(f"bbox values must be numbers: {text!r}") from None
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        raise BadRequest("bbox values must be finite numbers")
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadRequest("bbox is outside longitude -180..180 / latitude -90..90")
    if minx > maxx or miny > maxy:
        raise BadRequest("bbox minimum is greater than its maximum (order: minlon,minlat,maxlon,maxlat)")
    return (minx, miny, maxx, maxy)


def to_leaflet_bounds(bbox):
    """(minlon, minlat, maxlon, maxlat) -> [[minlat, minlon], [maxlat, maxlon]] for Leaflet."""
    minx, miny, maxx, maxy = bbox
    return [[miny, minx], [maxy, maxx]]


def in_box(lon: float, lat: float, box=REGION_BBOX) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def iter_positions(geometry: dict):
    """Yield every position of a GeoJSON geometry (any nesting), as given."""
    if geometry.get("type") == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            yield from iter_positions(g)
        return
    stack = [geometry.get("coordinates")]
    while stack:
        item = stack.pop()
        if not isinstance(item, (list, tuple)):
            continue
        if item and not any(isinstance(v, (list, tuple)) for v in item):
            yield item  # a position: its members are numbers (or junk for the caller to reject)
        else:
            stack.extend(item)
