"""Coordinate reference systems of uploads (no Flask): a CRS from what a user or a file
names (EPSG code, alias, WKT, PROJ), VN-2000 recognised and bound to the official datum
shift (EPSG:6960), and geometries reprojected to WGS84 lon/lat.
"""
from __future__ import annotations

import math
import re

from gis.errors import BadRequest, reason_of

WGS84 = "EPSG:4326"
COORD_DECIMALS = 9  # reprojected coordinates are rounded to 1e-9 degree (0.1 mm)

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
        raise BadRequest(f"unknown coordinate reference system {str(value)[:100]!r}: {reason_of(exc)} "
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
        raise BadRequest(f"cannot transform from {label} to WGS84: {reason_of(exc)}") from None

    def fn(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([x, y]), COORD_DECIMALS)

    return [None if g is None else shapely.transform(g, fn) for g in geoms], label
