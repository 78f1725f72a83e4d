"""What the map fetches (gis/mapdata.py, /map.json): everything for small selections, counts
then the view for large ones, on both stores. Limits are lowered here so a few hundred
projects exercise the large-selection path."""
import copy
import gzip
import json
import os

import pytest

from app import create_app
from gis import mapdata
from gis.store.base import ProjectQuery

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATUSES = ("identification", "preparation", "implementation", "cancelled")


def synthetic(n, columns=40):
    """n Point projects on a 0.01° grid over Cần Thơ, statuses in turn (no dates needed)."""
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as f:
        template = next(x for x in json.load(f)["features"] if x["properties"]["sector"] == "industry.park"
                        or x["geometry"]["type"] == "Point")
    out = []
    for i in range(n):
        f = copy.deepcopy(template)
        pid = f"synthetic-{i:05d}"
        props = {k: v for k, v in f["properties"].items() if k not in ("actual_start", "actual_end", "progress")}
        props.update(id=pid, status=STATUSES[i % len(STATUSES)], name_vi=f"Dự án {i}", name_en=f"Project {i}")
        f.update(id=pid, properties=props,
                 geometry={"type": "Point", "coordinates": [105.50 + (i % columns) * 0.01 + 0.0012345678,
                                                            9.90 + (i // columns) * 0.01]})
        out.append(f)
    return out


@pytest.fixture
def store_with(store):
    def load(n):
        store.seed(synthetic(n))
        return store
    return load


def test_a_small_selection_comes_whole_with_rounded_coordinates(store_with):
    store = store_with(30)
    data = mapdata.answer(store, ProjectQuery())
    assert data["mode"] == "all" and data["count"] == 30 and len(data["features"]) == 30
    x = data["features"][0]["geometry"]["coordinates"][0]
    assert x == round(x, 5) and abs(x - 105.5012345678) < 1e-5
    assert set(data["features"][0]["properties"]) == set(mapdata.POPUP_PROPERTIES)


def test_a_large_selection_gives_counts_then_the_view(store_with, monkeypatch):
    monkeypatch.setattr(mapdata, "MAX_ALL", 100)
    monkeypatch.setattr(mapdata, "MAX_DRAWN", 50)
    store = store_with(400)  # 40 columns x 10 rows, 0.01° apart
    first = mapdata.answer(store, ProjectQuery())
    assert first["mode"] == "viewport" and first["features"] == [] and first["count"] == 400
    assert first["counts"] == {s: 100 for s in STATUSES}
    # a small view: the projects themselves (5 columns x 4 rows)
    view = mapdata.answer(store, ProjectQuery(), bbox=(105.495, 9.895, 105.545, 9.935), zoom=14)
    assert sorted(f["id"] for f in view["features"]) == sorted(
        f"synthetic-{r * 40 + c:05d}" for r in range(4) for c in range(5))
    # the whole grid at a low zoom: cells whose counts add up to every project in view
    wide = mapdata.answer(store, ProjectQuery(), bbox=(105.4, 9.8, 106.0, 10.1), zoom=9)
    assert all(f["properties"]["cluster"] for f in wide["features"])
    assert sum(f["properties"]["count"] for f in wide["features"]) == 400
    assert sum(sum(f["properties"]["counts"].values()) for f in wide["features"]) == 400
    # filters apply in both modes
    building = mapdata.answer(store, ProjectQuery(status=("implementation",)))
    assert building["mode"] == "all" and building["count"] == 100


def test_python_filters_and_the_store_agree_on_what_is_in_view(store_with, monkeypatch):
    monkeypatch.setattr(mapdata, "MAX_ALL", 100)
    store = store_with(400)
    box = (105.495, 9.895, 105.645, 9.995)
    by_store = mapdata.answer(store, ProjectQuery(), bbox=box, zoom=13)
    by_python = mapdata.answer(store, ProjectQuery(), store.list_projects(), bbox=box, zoom=13)
    assert {f["id"] for f in by_store["features"]} == {f["id"] for f in by_python["features"]}
    assert len(by_store["features"]) == 15 * 10  # columns 105.5012..105.6412, rows 9.90..9.99


def test_views_snap_to_grid_cells_so_near_views_ask_the_same():
    a = mapdata.snap((105.501, 9.901, 105.801, 10.201), 12)
    b = mapdata.snap((105.502, 9.902, 105.802, 10.202), 12)
    assert a == b and a[0] <= 105.501 and a[2] >= 105.801


@pytest.mark.parametrize("query, message", [("zoom=x&bbox=105,9,106,10", "zoom"), ("zoom=40&bbox=105,9,106,10", "zoom"),
                                            ("bbox=106,9,105,10&zoom=3", "bbox")])
def test_bad_views_are_a_400(store_url, query, message):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    app.test_cli_runner().invoke(args=["seed"])
    r = app.test_client().get(f"/map.json?{query}")
    assert r.status_code == 400 and message in r.get_json()["message"]


def test_map_json_is_cached_with_etag_and_compressed(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    app.test_cli_runner().invoke(args=["seed"])
    c = app.test_client()
    first = c.get("/map.json?status=maintenance", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(first.data))
    assert data["mode"] == "all" and {f["properties"]["status"] for f in data["features"]} == {"maintenance"}
    again = c.get("/map.json?status=maintenance", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    with app.app_context():
        from gis.web import get_store

        get_store().update_project("hitech-park", {"status": "maintenance", "actual_end": "2026-01"},
                                   expected_version=1, user="t", note="")
    changed = c.get("/map.json?status=maintenance", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["count"] == data["count"] + 1
