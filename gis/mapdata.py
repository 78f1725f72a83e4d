"""What the map draws, as JSON, from dozens to 100,000 projects. No Flask.

* Up to ``MAX_ALL`` matching projects: every one, slim (the properties a popup shows,
  coordinates rounded to ``PRECISION`` decimals, about 1 m), in one cacheable answer
  (``mode: "all"``); the map then pans and zooms without asking again.
* More: ``mode: "viewport"``. The first answer carries only the count and the count per
  status (for the legend); the map then asks for its view (``bbox`` + ``zoom``) and gets
  the projects in it when there are at most ``MAX_DRAWN``, else counts on a grid of cells
  about a third of a map tile wide (``clusters``), computed from the envelopes' centres
  without reading the projects' JSON.
"""
from __future__ import annotations

import collections

from gis.geo import parse_bbox

MAX_ALL = 5000
MAX_DRAWN = 2000
PRECISION = 5
MIN_ZOOM, MAX_ZOOM = 0, 22
POPUP_PROPERTIES = ("name_vi", "name_en", "status", "progress", "lead_agency", "sector", "planned_start",
                    "planned_end", "actual_start", "actual_end", "location_accuracy")
DATE_PROPERTIES = ("planned_start", "planned_end", "actual_start", "actual_end")


def _rounded(coords):
    if isinstance(coords, (int, float)):
        return round(coords, PRECISION)
    return [_rounded(c) for c in coords]


def slim(feature: dict, fmt_date=str) -> dict:
    """Only what the map needs (keeps the page light); dates formatted for the locale."""
    props = feature.get("properties") or {}
    out = {k: props.get(k) for k in POPUP_PROPERTIES}
    for k in DATE_PROPERTIES:
        if out.get(k):
            out[k] = fmt_date(out[k])
    geometry = feature["geometry"]
    if geometry and "coordinates" in geometry:
        geometry = {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}
    return {"type": "Feature", "id": feature["id"], "geometry": geometry, "properties": out}


def collection(features, fmt_date=str, **members) -> dict:
    return {"type": "FeatureCollection", "features": [slim(f, fmt_date) for f in features], **members}


def parse_view(args) -> tuple:
    """(bbox or None, zoom or None) from ``bbox`` and ``zoom`` parameters."""
    bbox = parse_bbox(args["bbox"][-1]) if args.get("bbox") else None
    zoom = None
    if args.get("zoom"):
        from gis.errors import BadRequest

        try:
            zoom = int(args["zoom"][-1])
        except ValueError:
            raise BadRequest("zoom must be a whole number") from None
        if not MIN_ZOOM <= zoom <= MAX_ZOOM:
            raise BadRequest(f"zoom must be from {MIN_ZOOM} to {MAX_ZOOM}")
    return bbox, zoom


def cell_size(zoom: int) -> float:
    """Degrees of a grid cell at ``zoom``: a third of a 256-pixel tile (about 85 pixels)."""
    return 360.0 / (2 ** zoom) / 3


def snap(bbox, zoom: int) -> tuple:
    """The bbox widened to whole cells, so nearby views ask the same (cacheable) question."""
    import math

    size = cell_size(zoom)
    return (math.floor(bbox[0] / size) * size, math.floor(bbox[1] / size) * size,
            math.ceil(bbox[2] / size) * size, math.ceil(bbox[3] / size) * size)


def clusters(points, zoom: int) -> list[dict]:
    """Points ``(id, x, y, status)`` counted per grid cell: one Point feature per cell at the
    mean of its points, with the count and the count per status."""
    size = cell_size(zoom)
    cells: dict = {}
    for _id, x, y, status in points:
        key = (int(x // size), int(y // size))
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = [0, 0.0, 0.0, collections.Counter()]
        cell[0] += 1
        cell[1] += x
        cell[2] += y
        cell[3][status] += 1
    return [{"type": "Feature", "id": f"cell-{zoom}-{kx}-{ky}",
             "geometry": {"type": "Point", "coordinates": [round(sx / n, PRECISION), round(sy / n, PRECISION)]},
             "properties": {"cluster": True, "count": n, "counts": dict(counts)}}
            for (kx, ky), (n, sx, sy, counts) in sorted(cells.items())]


def status_counts(points) -> dict:
    return dict(collections.Counter(p[3] for p in points))


def _centre(feature) -> tuple:
    import shapely.geometry

    minx, miny, maxx, maxy = shapely.geometry.shape(feature["geometry"]).bounds
    return (minx + maxx) / 2, (miny + maxy) / 2


def _in_box(point, box) -> bool:
    return box[0] <= point[1] <= box[2] and box[1] <= point[2] <= box[3]


def answer(store, query, features=None, *, bbox=None, zoom=None, fmt_date=str, **members) -> dict:
    """The map's JSON for ``query``. ``features``: the matching projects when a filter the store
    cannot apply (search text, district, a past date, a flag) already chose them in Python;
    None to let the store choose (with its indexes)."""
    import dataclasses

    total = len(features) if features is not None else store.count_projects(query)
    if total <= MAX_ALL:
        chosen = features if features is not None else store.list_projects(query)
        return collection(chosen, fmt_date, mode="all", count=total, **members)
    if features is not None:
        points = [(f["id"], *_centre(f), (f.get("properties") or {}).get("status")) for f in features]
        in_view = [p for p in points if bbox is None or _in_box(p, bbox)]
    else:
        points = None
        in_view = store.project_points(dataclasses.replace(query, bbox=bbox)) if bbox and zoom is not None else []
    if bbox is None or zoom is None:  # the first question: how many, per status (for the legend)
        counts = status_counts(points if points is not None else store.project_points(query))
        return {"type": "FeatureCollection", "features": [], "mode": "viewport", "count": total, "counts": counts,
                **members}
    if len(in_view) <= MAX_DRAWN:
        ids = {p[0] for p in in_view}
        chosen = ([f for f in features if f["id"] in ids] if features is not None
                  else store.list_projects(dataclasses.replace(query, bbox=None, ids=tuple(sorted(ids)))) if ids else [])
        return collection(chosen, fmt_date, mode="viewport", count=total, drawn=len(chosen), **members)
    return {"type": "FeatureCollection", "features": clusters(in_view, zoom), "mode": "viewport", "count": total,
            "drawn": 0, **members}
