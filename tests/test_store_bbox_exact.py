"""bbox queries give exactly what a brute-force shapely ``intersects`` over every project gives.

Runs on both backends (the ``store`` fixture): ``count_projects``, ``list_projects`` and the
OGC page (``feature_page_json``: numberMatched and the page's ids) for many random boxes over a
generated set of points, lines and polygons — many of whose envelopes straddle the boxes' edges
without the geometry reaching into the box.
"""
import json
import random

from shapely.geometry import LineString, Point, box as shapely_box, shape

from gis.store import ProjectQuery

REGION = (105.0, 9.5, 106.0, 10.5)
PROPS = {"name_vi": "Dự án", "name_en": "Project", "lead_agency": "so-gtvt",
         "progress": 0, "location_accuracy": "approximate", "sources": ["test"]}


def _xy(rng):
    return [round(rng.uniform(REGION[0], REGION[2]), 6), round(rng.uniform(REGION[1], REGION[3]), 6)]


def _geometry(rng, i):
    kind = i % 5
    x, y = _xy(rng)
    if kind in (0, 1):
        return {"type": "Point", "coordinates": [x, y]}
    if kind == 2:  # a diagonal line: its envelope is mostly empty space
        return {"type": "LineString", "coordinates": [[x, y], [x + rng.uniform(-.2, .2), y + rng.uniform(-.2, .2)],
                                                      [x + rng.uniform(-.2, .2), y + rng.uniform(-.2, .2)]]}
    if kind == 3:  # a thin triangle
        dx, dy = rng.uniform(.01, .2), rng.uniform(.01, .2)
        return {"type": "Polygon", "coordinates": [[[x, y], [x + dx, y], [x + dx, y + dy], [x, y]]]}
    d = rng.uniform(.02, .15)  # two arms of an L (apart: a valid MultiPolygon)
    return {"type": "MultiPolygon", "coordinates": [
        [[[x, y], [x + d, y], [x + d, y + d / 8], [x, y + d / 8], [x, y]]],
        [[[x, y + d / 4], [x + d / 8, y + d / 4], [x + d / 8, y + d], [x, y + d], [x, y + d / 4]]]]}


def _feature(i, geometry):
    sector = "tourism" if "Polygon" in geometry["type"] else "transport.road"
    return {"type": "Feature", "id": f"p{i:04d}", "geometry": geometry,
            "properties": {**PROPS, "id": f"p{i:04d}", "sector": sector, "status": ("planned", "implementation")[i % 2]}}


def _features(n=400, seed=6):
    rng = random.Random(seed)
    return [_feature(i, _geometry(rng, i)) for i in range(n)]


def _boxes(features, n=60, seed=7):
    rng = random.Random(seed)
    boxes = []
    for _ in range(n):
        x, y = _xy(rng)
        w, h = rng.uniform(.02, .3), rng.uniform(.02, .3)
        boxes.append((x, y, x + w, y + h))
    # edges through a point and a line vertex; a degenerate (zero-area) box
    px, py = features[0]["geometry"]["coordinates"]
    lx, ly = features[2]["geometry"]["coordinates"][1]
    boxes += [(px, py - .1, px + .1, py + .1), (lx - .1, ly, lx + .1, ly + .1), (px, py, px, py),
              (lx, ly - .3, lx, ly + .3), (REGION[0], 10.0, REGION[2], 10.0),  # zero-width / zero-height
              (REGION[0] - 1, REGION[1] - 1, REGION[2] + 1, REGION[3] + 1)]
    return boxes


def _box_shape(box):
    """A box of zero width or height is the point or segment it spans."""
    minx, miny, maxx, maxy = box
    if minx == maxx and miny == maxy:
        return Point(minx, miny)
    if minx == maxx or miny == maxy:
        return LineString([(minx, miny), (maxx, maxy)])
    return shapely_box(*box)


def _expected(features, box, archived=frozenset()):
    b = _box_shape(box)
    return sorted(f["id"] for f in features if f["id"] not in archived and shape(f["geometry"]).intersects(b))


def test_bbox_count_list_and_page_equal_a_brute_force_intersects(store):
    features = _features()
    store.seed(features)
    archived = {"p0003", "p0007"}
    for pid in archived:
        store.update_project(pid, {"archived": True}, expected_version=1, user="t", note="t", action="archive")
    for box in _boxes(features):
        want = _expected(features, box, archived)
        assert store.count_projects(ProjectQuery(bbox=box)) == len(want), box
        assert [f["id"] for f in store.list_projects(ProjectQuery(bbox=box))] == want, box
        for limit, offset in ((10, 0), (7, 5), (100, 0)):
            matched, returned, text = store.feature_page_json(ProjectQuery(bbox=box, limit=limit, offset=offset))
            ids = [f["id"] for f in json.loads(text)]
            assert (matched, returned, ids) == (len(want), len(ids), want[offset:offset + limit]), box


def test_bbox_page_past_the_end_still_counts_every_match(store):
    features = _features(120)
    store.seed(features)
    box = (REGION[0], REGION[1], REGION[0] + .5, REGION[1] + .5)
    want = _expected(features, box)
    assert want
    matched, returned, text = store.feature_page_json(ProjectQuery(bbox=box, limit=10, offset=len(want) + 5))
    assert (matched, returned, json.loads(text)) == (len(want), 0, [])


def test_bbox_with_a_filter_equals_the_brute_force_on_the_filtered_projects(store):
    features = _features(200)
    store.seed(features)
    planned = [f for f in features if f["properties"]["status"] == "planned"]
    for box in _boxes(features, n=20):
        want = _expected(planned, box)
        query = ProjectQuery(bbox=box, status=("planned",), limit=5, offset=2)
        matched, _, text = store.feature_page_json(query)
        assert (matched, [f["id"] for f in json.loads(text)]) == (len(want), want[2:7]), box
        assert store.count_projects(query) == len(want), box
