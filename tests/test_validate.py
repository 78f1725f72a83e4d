"""The validator: each rule has a broken file that fails for the right reason.

`python -m gis.validate FILE...` and `flask --app app validate FILE...` exit non-zero
with one clear line per problem; the same rules guard every write.
"""
import copy
import json
import os
import subprocess
import sys

import pytest

from gis import schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

VALID = {
    "type": "Feature",
    "id": "vam-cong-bridge",
    "geometry": {"type": "Point", "coordinates": [105.503806, 10.316806]},
    "properties": {
        "id": "vam-cong-bridge",
        "name_vi": "Cầu Vàm Cống",
        "name_en": "Vam Cong Bridge",
        "sector": "transport.road",
        "status": "maintenance",
        "progress": 100,
        "lead_agency": "bo-gtvt",
        "actual_start": "2013-09-10",
        "actual_end": "2019-05-19",
        "location_accuracy": "surveyed",
        "sources": ["https://en.wikipedia.org/wiki/V%C3%A0m_C%E1%BB%91ng_Bridge"],
    },
}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def broken(**changes):
    """VALID with property changes; a value of ... deletes the property."""
    f = copy.deepcopy(VALID)
    for key, value in changes.items():
        if key == "geometry":
            f["geometry"] = value
        elif value is ...:
            f["properties"].pop(key, None)
        else:
            f["properties"][key] = value
    return f


def run_validate(tmp_path, data, *, via="module"):
    path = tmp_path / "input.geojson"
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    cmd = [sys.executable, "-m", "gis.validate", str(path)] if via == "module" else \
        [sys.executable, "-m", "flask", "--app", "app", "validate", str(path)]
    env = dict(os.environ, GIS_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'unused.db'}")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, [line for line in proc.stdout.splitlines() if line.strip()]


def test_a_valid_file_passes(tmp_path):
    code, lines = run_validate(tmp_path, collection(VALID))
    assert code == 0, lines
    assert lines == ["1 file(s) valid"]


@pytest.mark.parametrize("feature, expected", [
    (broken(geometry={"type": "Polygon", "coordinates": [[[105.5, 10.0], [105.6, 10.1], [105.6, 10.0],
                                                          [105.5, 10.1], [105.5, 10.0]]]}, sector="tourism"),
     "geometry: invalid geometry: Self-intersection"),
    (broken(geometry={"type": "LineString", "coordinates": []}), "geometry: empty geometry"),
    (broken(geometry={"type": "Point", "coordinates": [10.316806, 105.503806]}), "geometry: coordinates look swapped"),
    (broken(geometry={"type": "Point", "coordinates": [106.70, 20.97]}), "outside the Cần Thơ region"),
    (broken(geometry={"type": "Point", "coordinates": ["105.5", 10.3]}), "geometry: invalid Point geometry"),
    (broken(geometry={"type": "Polygon", "coordinates": [[[105.5, 10.0], [105.6, 10.1], [105.6, 10.0], [105.5, 10.0]]]}),
     "Polygon is not allowed for sector transport.road"),
    (broken(status="finished"), "status: unknown status 'finished' (allowed: identification"),
    (broken(sector="transport.rocket"), "sector: unknown sector 'transport.rocket'"),
    (broken(lead_agency="so-vui-choi"), "lead_agency: unknown agency 'so-vui-choi'"),
    (broken(progress=101), "progress: progress must be between 0 and 100, got 101"),
    (broken(progress=-1), "progress: progress must be between 0 and 100, got -1"),
    (broken(actual_start="2019-06-01", actual_end="2019-05-19"),
     "actual_end: dates out of order: actual_start 2019-06-01 is after actual_end 2019-05-19"),
    (broken(planned_start="2021", planned_end="2020-12"), "planned_end: dates out of order"),
    (broken(actual_end="19/05/2019"), "actual_end: not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
    (broken(sources=[]), "sources: missing sources"),
    (broken(sources=...), "sources: missing sources"),
    (broken(location_accuracy=...), "location_accuracy: is required"),
    (broken(actual_end=None), "actual_end: status maintenance needs actual_end"),
    (broken(colour="red"), "colour: unknown property"),
])
def test_each_rule_rejects_a_broken_file_with_one_clear_line(tmp_path, feature, expected):
    code, lines = run_validate(tmp_path, collection(feature))
    assert code == 1
    assert any(expected in line for line in lines), lines
    assert all(line.startswith(str(tmp_path / "input.geojson") + ": vam-cong-bridge: ") for line in lines), lines


def test_duplicate_ids_are_reported(tmp_path):
    code, lines = run_validate(tmp_path, collection(VALID, copy.deepcopy(VALID)))
    assert code == 1
    assert any("vam-cong-bridge: id: duplicate id (features #0 and #1)" in line for line in lines), lines


def test_unknown_status_lists_the_codelist(tmp_path):
    _, lines = run_validate(tmp_path, collection(broken(status="done")))
    assert all(code in lines[0] for code in schema.codes("status"))


def test_an_unknown_actual_end_is_accepted_when_the_data_says_why(tmp_path):
    feature = broken(actual_end=None, data_notes={"actual_end": "no source gives the opening date"})
    code, lines = run_validate(tmp_path, collection(feature))
    assert code == 0, lines


def test_partial_dates_compare_by_their_ranges(tmp_path):
    code, lines = run_validate(tmp_path, collection(broken(actual_start="2016", actual_end="2016-05")))
    assert code == 0, lines


def test_not_json_and_not_a_collection_are_clear_errors(tmp_path):
    code, lines = run_validate(tmp_path, "{not json")
    assert code == 1 and "not valid JSON (line 1" in lines[0]
    code, lines = run_validate(tmp_path, {"type": "Feature"})
    assert code == 1 and "not a GeoJSON FeatureCollection" in lines[0]


def test_the_flask_command_gives_the_same_answer(tmp_path):
    code, lines = run_validate(tmp_path, collection(broken(status="finished")), via="flask")
    assert code == 1
    assert any("unknown status 'finished'" in line for line in lines), lines


def test_a_base_layer_with_a_broken_geometry_fails(tmp_path):
    layer = collection({"type": "Feature", "id": "hau", "properties": {"name_vi": "Sông Hậu"},
                        "geometry": {"type": "LineString", "coordinates": [[105.5, 10.3], [200, 10.0]]}})
    code, lines = run_validate(tmp_path, layer)
    assert code == 1 and "hau: geometry:" in lines[0]


def test_the_validator_accepts_what_it_documents():
    """Every field of the schema has both language titles; codelists are non-empty."""
    for field in schema.fields():
        assert field.title_en and field.title_vi, field.name
    for name in ("status", "sector", "lead_agency", "districts", "location_accuracy"):
        assert schema.codes(name)
