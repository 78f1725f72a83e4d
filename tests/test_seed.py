"""Seeding from GeoJSON files and exporting back (gis/store/seed.py), on both backends.

The FeatureCollections are built here: the real projects.geojson is maintained elsewhere.
"""
import copy
import json

import pytest

from gis.errors import AlreadySeeded, Invalid
from gis.store import ProjectQuery
from gis.store.seed import export_geojson, load_seed


def feature(pid, geometry, **props):
    properties = {
        "id": pid,
        "name_vi": f"Dự án {pid}",
        "name_en": f"Project {pid}",
        "sector": "transport.road",
        "status": "implementation",
        "lead_agency": "so-gtvt",
        "progress": None,
        "districts": ["ninh-kieu"],
        "location_accuracy": "approximate",
        "sources": ["Kế hoạch số 14-CTr/TU"],
    }
    properties.update(props)
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": properties}


def collection():
    return {"type": "FeatureCollection", "features": [
        feature("cau-tran-hoang-na", {"type": "LineString", "coordinates": [[105.7531234567891, 10.0211],
                                                                            [105.7602, 10.0198]]},
                updated_at="2026-11-01T08:00:00Z", progress=40),
        feature("kcn-o-mon", {"type": "Polygon", "coordinates": [[[105.60, 10.10], [105.64, 10.10], [105.64, 10.13],
                                                                  [105.60, 10.13], [105.60, 10.10]]]},
                sector="economy.industry", lead_agency="bql-kcn", status="preparation",
                updated_at="2026-10-15T00:00:00Z"),
        feature("cang-cai-cui", {"type": "Point", "coordinates": [105.8203, 10.0017]},
                sector="transport.water", status="maintenance", actual_end="2006-04-27",
                data_notes={"progress": "không rõ"}),
        feature("xa-ntm-thoi-hung", {"type": "MultiPolygon", "coordinates": [
            [[[105.50, 10.15], [105.55, 10.15], [105.55, 10.20], [105.50, 10.15]]]]},
                sector="rural.ntm", lead_agency="so-nnptnt", status="completion", ntm_year=2019,
                actual_end="2019"),
    ]}


def write_seed(tmp_path, fc=None, layers=None, manifest=True):
    """projects.geojson and a layers/ directory under tmp_path; returns their paths."""
    projects_path = tmp_path / "projects.geojson"
    projects_path.write_text(json.dumps(fc if fc is not None else collection(), ensure_ascii=False), encoding="utf-8")
    layers_dir = tmp_path / "layers"
    layers_dir.mkdir(exist_ok=True)
    if layers is None:
        layers = {"rivers": [{"type": "Feature", "id": "song-hau", "properties": {"name": "Sông Hậu"},
                              "geometry": {"type": "LineString", "coordinates": [[105.6, 10.2], [105.9, 9.95]]}}]}
    entries = []
    for name, feats in layers.items():
        (layers_dir / f"{name}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
        entries.append({"name": name, "file": f"{name}.geojson", "title_vi": name})
    if manifest:
        (layers_dir / "manifest.json").write_text(json.dumps(entries), encoding="utf-8")
    return str(projects_path), str(layers_dir)


def features_by_id(fc):
    return {f["id"]: f for f in fc["features"]}


def test_seed_then_export_gives_back_the_same_features(store, tmp_path):
    projects_path, layers_dir = write_seed(tmp_path)
    summary = load_seed(store, projects_path, layers_dir)
    assert summary["status"] == "seeded" and summary["projects"] == 4 and summary["layers"] == {"rivers": 1}
    exported = features_by_id(export_geojson(store))
    for original in collection()["features"]:
        got = exported[original["id"]]
        assert got["geometry"] == original["geometry"]  # exact: the GeoJSON text is stored
        assert "version" not in got["properties"]
        expected = {k: v for k, v in original["properties"].items() if k != "updated_at"}
        assert {k: v for k, v in got["properties"].items() if k != "updated_at"} == expected


def test_load_export_load_round_trip_is_stable(store, tmp_path):
    projects_path, layers_dir = write_seed(tmp_path)
    load_seed(store, projects_path, layers_dir)
    first = export_geojson(store)
    again_dir = tmp_path / "again"
    again_dir.mkdir()
    projects_again, _ = write_seed(again_dir, fc=first)
    store.clear_projects()
    load_seed(store, projects_again, layers_dir)
    assert export_geojson(store) == first


def test_seed_keeps_given_updated_at_and_stamps_missing_ones(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    assert store.get_project("cau-tran-hoang-na")["properties"]["updated_at"] == "2026-11-01T08:00:00Z"
    stamped = store.get_project("cang-cai-cui")["properties"]["updated_at"]
    assert stamped.endswith("Z") and stamped > "2026-01-01"


def test_seeded_projects_are_at_version_1_with_seed_history(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    assert {f["properties"]["version"] for f in store.list_projects()} == {1}
    entries = store.history()
    seeds = [h for h in entries if h.action == "seed"]
    assert len(seeds) == 4
    assert {(h.user, h.note, h.version) for h in seeds} == {("seed", "Seeded from projects.geojson", 1)}
    assert not store.has_edits() and not store.is_empty()


def test_the_seed_writes_each_sourced_milestone_into_history_on_its_own_date(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    entries = store.history()  # newest first
    milestones = [(h.project_id, h.changed_at, h.changes, h.version) for h in entries if h.action == "milestone"]
    # cang-cai-cui: in operation since 27 Apr 2006; the commune: recognised "2019" = from 31 Dec 2019.
    # cau-tran-hoang-na (implementation, no actual_start) and kcn-o-mon (no dates) have none.
    assert milestones == [
        ("xa-ntm-thoi-hung", "2019-12-31T00:00:00Z", {"status": ["implementation", "completion"]}, 1),
        ("cang-cai-cui", "2006-04-27T00:00:00Z", {"status": ["implementation", "maintenance"]}, 1),
    ]
    # history ids follow the dates: the milestones come before the seed rows
    assert [h.action for h in entries][-2:] == ["milestone", "milestone"]
    assert not store.has_edits()
    summary = load_seed(store, *write_seed(tmp_path))
    assert summary["status"] == "unchanged" and len(store.history()) == len(entries)


def test_seed_loads_the_layers_listed_in_the_manifest(store, tmp_path):
    layers = {"rivers": [{"type": "Feature", "id": "song-hau", "properties": {"name": "Sông Hậu"},
                          "geometry": {"type": "LineString", "coordinates": [[105.6, 10.2], [105.9, 9.95]]}}],
              "districts": [{"type": "Feature", "id": "ninh-kieu", "properties": {"name_vi": "Quận Ninh Kiều"},
                             "geometry": {"type": "Polygon", "coordinates": [[[105.74, 10.0], [105.8, 10.0],
                                                                              [105.8, 10.06], [105.74, 10.0]]]}}]}
    projects_path, layers_dir = write_seed(tmp_path, layers=layers)
    (tmp_path / "layers" / "unlisted.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    load_seed(store, projects_path, layers_dir)
    assert store.layer_names() == ["districts", "rivers"]
    assert store.list_layer("districts") == layers["districts"]


def test_without_a_manifest_every_geojson_file_is_a_layer_named_by_its_stem(store, tmp_path):
    projects_path, layers_dir = write_seed(tmp_path, manifest=False)
    load_seed(store, projects_path, layers_dir)
    assert store.layer_names() == ["rivers"]


def test_reseeding_unchanged_seed_data_is_idempotent(store, tmp_path):
    paths = write_seed(tmp_path)
    load_seed(store, *paths)
    before = (store.list_projects(ProjectQuery(include_archived=True)), store.history(), store.list_layer("rivers"))
    summary = load_seed(store, *paths)
    assert summary["status"] == "unchanged" and summary["layers_replaced"] == []
    after = (store.list_projects(ProjectQuery(include_archived=True)), store.history(), store.list_layer("rivers"))
    assert after == before  # same versions, same updated_at (even the stamped ones), same history


def test_reseeding_changed_seed_data_without_edits_replaces_it(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    fc = collection()
    fc["features"][0]["properties"]["progress"] = 60
    del fc["features"][3]
    summary = load_seed(store, *write_seed(tmp_path, fc=fc))
    assert summary["status"] == "replaced"
    assert store.get_project("cau-tran-hoang-na")["properties"]["progress"] == 60
    assert [f["id"] for f in store.list_projects()] == ["cang-cai-cui", "cau-tran-hoang-na", "kcn-o-mon"]
    assert [h.action for h in store.history()].count("seed") == 3 and not store.has_edits()


def test_seeding_over_edits_raises_already_seeded_and_keeps_the_edits(store, tmp_path):
    paths = write_seed(tmp_path)
    load_seed(store, *paths)
    store.update_project("kcn-o-mon", {"status": "implementation"}, expected_version=1, user="bob", note="started")
    with pytest.raises(AlreadySeeded, match="use --force"):
        load_seed(store, *paths)
    assert store.get_project("kcn-o-mon")["properties"]["status"] == "implementation"
    assert store.history("kcn-o-mon")[0].user == "bob"


def test_seeding_with_force_replaces_edits_and_history(store, tmp_path):
    paths = write_seed(tmp_path)
    load_seed(store, *paths)
    store.update_project("kcn-o-mon", {"status": "implementation"}, expected_version=1, user="bob", note="")
    store.update_project("cang-cai-cui", {"archived": True}, expected_version=1, user="bob", note="", action="archive")
    summary = load_seed(store, *paths, force=True)
    assert summary["status"] == "replaced"
    assert store.get_project("kcn-o-mon")["properties"] == {
        **collection()["features"][1]["properties"], "version": 1}
    assert "archived" not in store.get_project("cang-cai-cui")["properties"]
    assert not store.has_edits() and [h.action for h in store.history()].count("seed") == 4
    assert {h.user for h in store.history()} == {"seed"}  # bob's edits are gone


def test_an_invalid_feature_in_the_middle_leaves_the_store_empty(store, tmp_path):
    fc = collection()
    fc["features"][2]["geometry"] = {"type": "Point", "coordinates": "here"}
    with pytest.raises(Invalid, match="project #3 \\(cang-cai-cui\\)"):
        load_seed(store, *write_seed(tmp_path, fc=fc), validate=False)  # the store's own check
    assert store.is_empty() and store.layer_names() == []


def test_a_duplicate_id_rejected_by_the_database_rolls_back_the_whole_seed(store, tmp_path):
    # No pre-check catches this one: the UNIQUE constraint fails half-way through
    # the bulk insert and the transaction must take back the rows already inserted.
    fc = collection()
    fc["features"].insert(3, copy.deepcopy(fc["features"][0]))
    with pytest.raises(Invalid, match="duplicate project ids: cau-tran-hoang-na"):
        load_seed(store, *write_seed(tmp_path, fc=fc), validate=False)
    assert store.is_empty() and store.history() == [] and store.layer_names() == []


def test_a_failed_forced_reseed_keeps_the_previous_data(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    store.update_project("kcn-o-mon", {"progress": 5}, expected_version=1, user="bob", note="")
    fc = collection()
    fc["features"].append(copy.deepcopy(fc["features"][1]))  # duplicate id: fails inside the transaction
    with pytest.raises(Invalid):
        load_seed(store, *write_seed(tmp_path, fc=fc), force=True, validate=False)
    assert store.get_project("kcn-o-mon")["properties"]["progress"] == 5
    assert store.has_edits() and store.count_projects() == 4


def test_validation_problems_raise_invalid_and_nothing_is_written(store, tmp_path):
    seen = []

    def validate(fc):
        seen.append(len(fc["features"]))
        return ["features[1].properties.status: 'started' is not one of the codes"]

    with pytest.raises(Invalid) as info:
        load_seed(store, *write_seed(tmp_path), validate=validate)
    assert seen == [4]
    assert info.value.details == {"projects.geojson": ["features[1].properties.status: 'started' is not one of the codes"]}
    assert store.is_empty() and store.layer_names() == []


def test_a_validator_without_problems_lets_the_seed_through(store, tmp_path):
    summary = load_seed(store, *write_seed(tmp_path), validate=lambda fc: [])
    assert summary["projects"] == 4 and store.count_projects() == 4


def test_a_file_that_is_not_a_feature_collection_is_invalid(store, tmp_path):
    path = tmp_path / "projects.geojson"
    path.write_text('{"type": "Feature"}')
    with pytest.raises(Invalid, match="FeatureCollection"):
        load_seed(store, str(path), None)
    path.write_text('{"type": ')
    with pytest.raises(Invalid, match="not valid JSON"):
        load_seed(store, str(path), None)
    assert store.is_empty()


def test_export_follows_the_query_and_leaves_archived_projects_out_by_default(store, tmp_path):
    load_seed(store, *write_seed(tmp_path))
    store.update_project("kcn-o-mon", {"archived": True}, expected_version=1, user="bob", note="", action="archive")
    assert [f["id"] for f in export_geojson(store)["features"]] == \
        ["cang-cai-cui", "cau-tran-hoang-na", "xa-ntm-thoi-hung"]
    everything = export_geojson(store, ProjectQuery(include_archived=True))
    assert features_by_id(everything)["kcn-o-mon"]["properties"]["archived"] is True
    only_roads = export_geojson(store, ProjectQuery(sector=("transport.road",)))
    assert [f["id"] for f in only_roads["features"]] == ["cau-tran-hoang-na"]


def test_seed_is_one_bulk_transaction_for_many_rows(store, tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        feature(f"p-{i:05d}", {"type": "Point", "coordinates": [105.3 + (i % 100) * 0.006, 9.9 + (i // 100) * 0.004]})
        for i in range(3000)]}
    summary = load_seed(store, *write_seed(tmp_path, fc=fc))
    assert summary["projects"] == 3000 and store.count_projects() == 3000
    assert store.count_projects(ProjectQuery(bbox=(105.3, 9.9, 105.3 + 0.0061, 9.9 + 0.0041))) == 4


def test_the_data_model_validator_guards_the_seed_by_default(store, tmp_path):
    fc = collection()
    fc["features"][1]["properties"]["status"] = "started"
    with pytest.raises(Invalid, match="1 problem"):
        load_seed(store, *write_seed(tmp_path, fc=fc))
    assert store.is_empty()
