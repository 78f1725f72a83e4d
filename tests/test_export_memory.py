"""Exports of large selections are written a batch at a time (gis/export.py, issue #6).

The streamed files must be what the all-in-memory export gave: the same bytes for GeoJSON
and CSV, the same features and cells for the other formats, however the features are cut
into batches (``export.BATCH_SIZE``) and however the store reads its rows (``CHUNK_ROWS``).
"""
import csv
import io
import json
import os
import tempfile
import zipfile

import pyogrio
import pytest

from gis import export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def seeded(store):
    from gis.store.seed import load_seed

    load_seed(store, os.path.join(ROOT, "projects.geojson"), os.path.join(ROOT, "layers"))
    return store


def body(store, fmt, **params):
    args = {"format": [fmt], **{k: [v] for k, v in params.items()}}
    return export.export_projects(store, args).body


def test_geojson_is_the_bytes_of_the_whole_collection(seeded):
    features = seeded.list_projects()
    before = json.dumps({"type": "FeatureCollection", "name": export.BASENAME, "features": features},
                        ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert len(features) > 10
    assert body(seeded, "geojson") == before


def test_csv_is_the_bytes_of_the_row_by_row_table(seeded):
    rows = []
    for f in seeded.list_projects():
        row = export.flat_record(f)
        row["lon"], row["lat"] = export.representative_point(f.get("geometry"))
        row["wkt"] = export.wkt_of(f.get("geometry"))
        rows.append(row)
    before = export._csv_bytes(rows, export.TABLE_COLUMNS, bom=True, guard=True)
    assert body(seeded, "csv") == before


def read_back(fmt, data, tmp_path):
    """The features (or cells) of an export, in a comparable form."""
    path = tmp_path / f"export-{len(list(tmp_path.iterdir()))}{export.FORMATS[fmt].extension}"
    path.write_bytes(data)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return {name: [[(c.value, c.data_type, c.number_format) for c in row] for row in wb[name].iter_rows()]
                for name in wb.sheetnames}
    if fmt == "shp":
        with zipfile.ZipFile(path) as zf:
            return {n: zf.read(n) for n in zf.namelist()}
    frame = pyogrio.read_dataframe(path, layer=export.LAYER)
    return frame.to_wkt().astype(str).values.tolist()


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_many_small_batches_give_the_same_file(seeded, tmp_path, monkeypatch, fmt):
    whole = body(seeded, fmt, status="implementation,preparation,maintenance")
    monkeypatch.setattr(export, "BATCH_SIZE", 3)
    monkeypatch.setattr(seeded, "CHUNK_ROWS", 4, raising=False)  # the store's reads cut elsewhere
    result = export.export_projects(seeded, {"format": [fmt], "status": ["implementation,preparation,maintenance"]})
    count = int(result.headers["X-Feature-Count"])
    assert count > 2 * 3  # more than two batches
    if fmt in ("geojson", "csv", "kml"):
        assert result.body == whole
    else:
        assert read_back(fmt, result.body, tmp_path) == read_back(fmt, whole, tmp_path)


def test_filters_in_python_apply_per_batch(seeded, monkeypatch):
    district = next(d for f in seeded.list_projects() for d in f["properties"].get("districts") or [])
    whole = json.loads(body(seeded, "geojson", district=district))["features"]
    monkeypatch.setattr(export, "BATCH_SIZE", 2)
    monkeypatch.setattr(seeded, "CHUNK_ROWS", 3, raising=False)
    assert json.loads(body(seeded, "geojson", district=district))["features"] == whole
    assert 0 < len(whole) < len(seeded.list_projects())
    rows = list(csv.DictReader(io.StringIO(body(seeded, "csv", district=district).decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [f["id"] for f in whole]


@pytest.mark.parametrize("rows", [1, 7, 10**6])
def test_the_store_streams_what_it_lists(seeded, monkeypatch, rows):
    from gis.store import ProjectQuery

    monkeypatch.setattr(seeded, "CHUNK_ROWS", rows, raising=False)
    for query in (ProjectQuery(), ProjectQuery(status=("implementation",)), ProjectQuery(include_archived=True),
                  ProjectQuery(bbox=(105.6, 9.9, 105.9, 10.2))):
        assert list(seeded.iter_projects(query)) == seeded.list_projects(query)
    pool = seeded.engine.pool
    stream = seeded.iter_projects(ProjectQuery())
    next(stream)
    assert pool.checkedout() == 1  # a real stream: the read stays open between features
    stream.close()
    assert pool.checkedout() == 0  # stopping early ends the read and gives the connection back


def test_route_streams_the_file_from_disk_and_removes_it(seeded, store_url, tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client = create_app({"TESTING": True, "DATABASE_URL": store_url}).test_client()
    resp = client.get("/api/projects/export?format=geojson", buffered=False)
    assert resp.status_code == 200 and resp.is_streamed
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="cantho-key-projects-')
    data = b"".join(resp.iter_encoded())
    resp.close()
    assert int(resp.headers["Content-Length"]) == len(data)
    assert data == body(seeded, "geojson")
    assert resp.headers["X-Feature-Count"] == str(len(json.loads(data)["features"]))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("cantho-export-")]
    resp = client.get("/api/projects/export?format=gpkg&colour=red")
    assert resp.status_code == 400 and "unknown query parameter" in resp.get_json()["message"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("cantho-export-")]
