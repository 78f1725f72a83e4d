"""The Store interface (gis/store/base.py), specified by behaviour.

Every test taking ``store`` runs on both backends (SQLite and PostGIS, see conftest.py);
a few backend-specific ones (spatial index use, URL handling) take the URL fixtures.
"""
import json
import re

import pytest
import sqlalchemy as sa

from gis.errors import BadRequest, Conflict, Invalid, NotFound, StoreUnavailable
from gis.store import ProjectQuery, open_store

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def project(pid, geometry=None, **props):
    """A realistic project feature (gis/project.schema.json)."""
    if geometry is None:
        geometry = {"type": "Point", "coordinates": [105.7469, 10.0341]}
    base = {
        "id": pid,
        "name_vi": "Cầu Trần Hoàng Na",
        "name_en": "Tran Hoang Na bridge",
        "sector": "transport.road",
        "status": "implementation",
        "lead_agency": "so-gtvt",
        "progress": 40,
        "districts": ["ninh-kieu", "cai-rang"],
        "location_accuracy": "approximate",
        "sources": ["Kế hoạch 14-CTr/TU, mục III.3.c"],
        # lets tests move a project to completion without inventing an end date
        "data_notes": {"actual_end": "not known yet (test data)"},
    }
    base.update(props)
    return {"type": "Feature", "id": pid, "geometry": geometry, "properties": base}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def create(store, *features, user="alice", note="test"):
    return [store.create_project(f, user=user, note=note) for f in features]


# -- opening and lifecycle ---------------------------------------------------------------

def test_open_store_picks_the_backend_from_the_url_scheme(tmp_path):
    from gis.store.postgis import PostgisStore
    from gis.store.sqlite import SqliteStore

    st = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(st, SqliteStore)
    st.close()
    for url in ("postgresql://u@127.0.0.1:5432/db", "postgresql+psycopg://u@127.0.0.1:5432/db"):
        pg = open_store(url)  # engines connect lazily: nothing is contacted here
        assert isinstance(pg, PostgisStore)
        assert pg.url == "postgresql+psycopg://u@127.0.0.1:5432/db"
        pg.close()


def test_open_store_rejects_an_unknown_scheme_with_a_clear_message():
    with pytest.raises(ValueError, match="unknown store URL scheme 'mysql'.*sqlite:///"):
        open_store("mysql://u@localhost/db")
    with pytest.raises(ValueError, match="not a store URL"):
        open_store("store.db")


def test_sqlite_store_creates_the_missing_parent_directory(tmp_path):
    path = tmp_path / "deep" / "er" / "store.db"
    st = open_store(f"sqlite:///{path}")
    st.migrate()
    assert path.exists()
    assert st.ping()["journal_mode"] == "wal"
    st.close()


def test_migrate_is_idempotent_and_ping_reports_the_revision(store):
    store.migrate()
    store.migrate()
    facts = store.ping()
    assert facts["schema_revision"] is not None and facts["schema_revision"] >= "0001"
    assert facts["backend"] in ("sqlite", "postgis")


def test_ping_raises_store_unavailable_when_the_database_cannot_be_reached():
    st = open_store("postgresql://postgres@127.0.0.1:1/nowhere")
    with pytest.raises(StoreUnavailable):
        st.ping()
    st.close()


def test_data_survive_closing_and_reopening_the_store(store_url):
    st = open_store(store_url)
    st.migrate()
    create(st, project("cau-tran-hoang-na"))
    st.update_project("cau-tran-hoang-na", {"progress": 55}, expected_version=1, user="bob", note="site visit")
    st.close()
    again = open_store(store_url)
    feature = again.get_project("cau-tran-hoang-na")
    assert feature["properties"]["progress"] == 55
    assert feature["properties"]["version"] == 2
    assert len(again.history("cau-tran-hoang-na")) == 2
    again.close()


# -- create / get ------------------------------------------------------------------------

def test_create_returns_the_feature_at_version_1_with_a_utc_updated_at(store):
    feature = project("cau-tran-hoang-na")
    created = store.create_project(feature, user="alice", note="new")
    assert created["type"] == "Feature" and created["id"] == "cau-tran-hoang-na"
    assert created["geometry"] == feature["geometry"]
    props = created["properties"]
    assert props["version"] == 1
    assert ISO_Z.match(props["updated_at"])
    assert {k: v for k, v in props.items() if k not in ("version", "updated_at")} == feature["properties"]
    assert store.get_project("cau-tran-hoang-na") == created


def test_create_keeps_vietnamese_text_and_nested_values_exactly(store):
    feature = project("kcn-thot-not", name_vi="Khu công nghiệp Thốt Nốt – giai đoạn 2",
                      data_notes={"progress": "Chưa rõ"}, investment_vnd=12_500_000_000_000)
    store.create_project(feature, user="chị Hương", note="Thêm mới")
    got = store.get_project("kcn-thot-not")
    assert got["properties"]["name_vi"] == "Khu công nghiệp Thốt Nốt – giai đoạn 2"
    assert got["properties"]["data_notes"] == {"progress": "Chưa rõ"}
    assert got["properties"]["investment_vnd"] == 12_500_000_000_000
    assert store.history("kcn-thot-not")[0].user == "chị Hương"


def test_create_records_a_create_history_entry_with_the_initial_values(store):
    create(store, project("cau-tran-hoang-na"), user="alice", note="from the plan")
    (entry,) = store.history("cau-tran-hoang-na")
    assert (entry.version, entry.user, entry.action, entry.note) == (1, "alice", "create", "from the plan")
    assert entry.changes["status"] == [None, "implementation"]
    assert entry.changes["geometry"] == [None, point(105.7469, 10.0341)]
    assert ISO_Z.match(entry.changed_at)


def test_create_with_an_existing_id_raises_conflict_carrying_the_stored_feature(store):
    create(store, project("cau-tran-hoang-na", status="preparation"))
    with pytest.raises(Conflict) as info:
        store.create_project(project("cau-tran-hoang-na", status="completion"), user="bob", note="dup")
    assert info.value.current["properties"]["status"] == "preparation"
    assert len(store.history("cau-tran-hoang-na")) == 1


def test_create_without_a_usable_geometry_raises_invalid_and_stores_nothing(store):
    for geometry in (None, {"type": "Point"}, {"type": "Point", "coordinates": []},
                     {"type": "Polygon", "coordinates": "nope"}):
        feature = project("bad")
        feature["geometry"] = geometry
        with pytest.raises(Invalid):
            store.create_project(feature, user="a", note="")
    assert store.is_empty()


def test_create_rejects_a_feature_id_that_differs_from_properties_id(store):
    feature = project("a")
    feature["properties"]["id"] = "b"
    with pytest.raises(Invalid):
        store.create_project(feature, user="a", note="")
    assert store.is_empty()


def test_get_an_unknown_project_raises_not_found(store):
    with pytest.raises(NotFound):
        store.get_project("no-such-project")


# -- update --------------------------------------------------------------------------------

def test_update_with_the_expected_version_applies_changes_and_records_them(store):
    create(store, project("cau-tran-hoang-na"))
    updated = store.update_project("cau-tran-hoang-na", {"status": "completion", "progress": 100},
                                   expected_version=1, user="bob", note="opened to traffic")
    assert updated["properties"]["version"] == 2
    assert updated["properties"]["status"] == "completion"
    assert updated["properties"]["progress"] == 100
    assert store.get_project("cau-tran-hoang-na") == updated
    newest = store.history("cau-tran-hoang-na")[0]
    assert (newest.version, newest.user, newest.action, newest.note) == (2, "bob", "update", "opened to traffic")
    assert newest.changes == {"status": ["implementation", "completion"], "progress": [40, 100]}


def test_update_with_a_stale_version_raises_conflict_with_the_current_feature(store):
    create(store, project("cau-tran-hoang-na"))
    store.update_project("cau-tran-hoang-na", {"progress": 50}, expected_version=1, user="bob", note="")
    with pytest.raises(Conflict) as info:
        store.update_project("cau-tran-hoang-na", {"progress": 60}, expected_version=1, user="carol", note="")
    assert info.value.current["properties"]["version"] == 2
    assert info.value.current["properties"]["progress"] == 50
    assert store.get_project("cau-tran-hoang-na")["properties"]["progress"] == 50
    assert [h.version for h in store.history("cau-tran-hoang-na")] == [2, 1]


def test_update_of_an_unknown_project_raises_not_found(store):
    with pytest.raises(NotFound):
        store.update_project("nope", {"progress": 1}, expected_version=1, user="a", note="")


def test_update_that_changes_nothing_keeps_the_version_and_writes_no_history(store):
    (created,) = create(store, project("cau-tran-hoang-na"))
    same = store.update_project("cau-tran-hoang-na",
                                {"status": "implementation", "progress": 40, "geometry": point(105.7469, 10.0341),
                                 "version": 1, "updated_at": "2000-01-01T00:00:00Z", "plan_target": None},
                                expected_version=1, user="bob", note="no-op")
    assert same == created
    assert len(store.history("cau-tran-hoang-na")) == 1


def test_update_records_only_the_values_that_changed(store):
    create(store, project("cau-tran-hoang-na"))
    store.update_project("cau-tran-hoang-na", {"status": "implementation", "progress": 45, "plan_section": "III.3.c"},
                         expected_version=1, user="bob", note="")
    assert store.history("cau-tran-hoang-na")[0].changes == {"progress": [40, 45], "plan_section": [None, "III.3.c"]}


def test_update_geometry_replaces_it_and_history_keeps_old_and_new(store):
    create(store, project("cau-tran-hoang-na"))
    line = {"type": "LineString", "coordinates": [[105.74, 10.03], [105.76, 10.04]]}
    updated = store.update_project("cau-tran-hoang-na", {"geometry": line}, expected_version=1, user="bob", note="")
    assert updated["geometry"] == line
    assert store.get_project("cau-tran-hoang-na")["geometry"] == line
    assert store.history("cau-tran-hoang-na")[0].changes == {"geometry": [point(105.7469, 10.0341), line]}


def test_update_moves_the_project_in_bbox_queries(store):
    create(store, project("cau-tran-hoang-na", geometry=point(105.70, 10.00)))
    store.update_project("cau-tran-hoang-na", {"geometry": point(105.50, 10.20)}, expected_version=1, user="b", note="")
    assert store.list_projects(ProjectQuery(bbox=(105.69, 9.99, 105.71, 10.01))) == []
    assert [f["id"] for f in store.list_projects(ProjectQuery(bbox=(105.49, 10.19, 105.51, 10.21)))] == \
        ["cau-tran-hoang-na"]


def test_a_failing_update_changes_nothing_at_all(store):
    create(store, project("cau-tran-hoang-na"))
    with pytest.raises(Invalid):
        store.update_project("cau-tran-hoang-na", {"progress": 99, "geometry": {"type": "Nope"}},
                             expected_version=1, user="bob", note="")
    with pytest.raises(Invalid):
        store.update_project("cau-tran-hoang-na", {"id": "renamed"}, expected_version=1, user="bob", note="")
    got = store.get_project("cau-tran-hoang-na")
    assert got["properties"]["progress"] == 40 and got["properties"]["version"] == 1
    assert len(store.history("cau-tran-hoang-na")) == 1


def test_every_write_sets_updated_at_to_now(store):
    feature = project("cau-tran-hoang-na", updated_at="2001-01-01T00:00:00Z")
    created = store.create_project(feature, user="a", note="")
    assert created["properties"]["updated_at"] != "2001-01-01T00:00:00Z"
    assert ISO_Z.match(created["properties"]["updated_at"])


def test_archive_hides_a_project_from_default_listing_and_restore_brings_it_back(store):
    create(store, project("a-project"), project("b-project"))
    archived = store.update_project("a-project", {"archived": True}, expected_version=1,
                                    user="bob", note="duplicate", action="archive")
    assert archived["properties"]["archived"] is True and archived["properties"]["version"] == 2
    assert [f["id"] for f in store.list_projects()] == ["b-project"]
    assert store.count_projects() == 1
    assert [f["id"] for f in store.list_projects(ProjectQuery(include_archived=True))] == ["a-project", "b-project"]
    assert store.get_project("a-project")["properties"]["archived"] is True
    restored = store.update_project("a-project", {"archived": False}, expected_version=2,
                                    user="bob", note="not a duplicate", action="restore")
    assert "archived" not in restored["properties"]
    assert [h.action for h in store.history("a-project")] == ["restore", "archive", "create"]
    assert store.history("a-project")[1].changes == {"archived": [False, True]}


# -- listing -------------------------------------------------------------------------------

def test_list_is_ordered_by_id_in_byte_order_on_every_backend(store):
    ids = ["ab", "a-c", "a1", "b", "a-b", "a", "a0-z"]
    create(store, *(project(i) for i in ids))
    assert [f["id"] for f in store.list_projects()] == sorted(ids)


def test_list_filters_or_within_a_field_and_and_across_fields(store):
    create(store,
           project("p1", status="implementation", sector="transport.road", lead_agency="so-gtvt"),
           project("p2", status="completion", sector="transport.road", lead_agency="so-gtvt"),
           project("p3", status="implementation", sector="tourism", lead_agency="so-vhttdl"),
           project("p4", status="preparation", sector="transport.road", lead_agency="bo-gtvt"))
    ids = lambda q: [f["id"] for f in store.list_projects(q)]  # noqa: E731
    assert ids(ProjectQuery(status=("implementation",))) == ["p1", "p3"]
    assert ids(ProjectQuery(status=("implementation", "completion"))) == ["p1", "p2", "p3"]
    assert ids(ProjectQuery(status=("implementation", "preparation"), sector=("transport.road",))) == ["p1", "p4"]
    assert ids(ProjectQuery(lead_agency=("bo-gtvt", "so-vhttdl"))) == ["p3", "p4"]
    assert ids(ProjectQuery(ids=("p4", "p2", "zz"))) == ["p2", "p4"]
    assert ids(ProjectQuery(status=("cancelled",))) == []
    assert store.count_projects(ProjectQuery(sector=("transport.road",))) == 3


def test_filters_follow_updates_of_the_filtered_fields(store):
    create(store, project("p1", status="implementation"))
    store.update_project("p1", {"status": "completion"}, expected_version=1, user="b", note="")
    assert store.list_projects(ProjectQuery(status=("implementation",))) == []
    assert [f["id"] for f in store.list_projects(ProjectQuery(status=("completion",)))] == ["p1"]


def test_limit_and_offset_page_through_the_ordered_result(store):
    create(store, *(project(f"p{i:02d}") for i in range(10)))
    page = store.list_projects(ProjectQuery(limit=3, offset=4))
    assert [f["id"] for f in page] == ["p04", "p05", "p06"]
    assert store.list_projects(ProjectQuery(offset=9)) [0]["id"] == "p09"
    assert store.list_projects(ProjectQuery(limit=0)) == []
    assert store.count_projects(ProjectQuery(limit=3, offset=4)) == 10  # count ignores paging


def test_bad_paging_or_bbox_raises_bad_request(store):
    for q in (ProjectQuery(limit=-1), ProjectQuery(offset=-2), ProjectQuery(bbox=(1, 2, 3)),
              ProjectQuery(bbox=(106, 10, 105, 11)), ProjectQuery(bbox=("a", 1, 2, 3))):
        with pytest.raises(BadRequest):
            store.list_projects(q)


# -- bbox ---------------------------------------------------------------------------------

BOX = (105.70, 10.00, 105.80, 10.10)


def bbox_fixture_projects():
    return [
        project("inside-point", point(105.75, 10.05)),
        project("outside-point", point(105.90, 10.05)),
        project("point-on-edge", point(105.80, 10.05)),
        # envelope overlaps the box corner but the line passes outside it
        project("line-missing-corner", {"type": "LineString", "coordinates": [[105.79, 10.13], [105.83, 10.09]]}),
        project("line-crossing", {"type": "LineString", "coordinates": [[105.60, 10.05], [105.90, 10.06]]}),
        # polygon that contains the whole box: intersects without any vertex inside
        project("polygon-around", {"type": "Polygon", "coordinates": [[[105.5, 9.8], [106.0, 9.8], [106.0, 10.3],
                                                                        [105.5, 10.3], [105.5, 9.8]]]},
                sector="tourism"),
        # L-shaped polygon whose envelope covers the box but whose arms avoid it
        project("polygon-l-shape", {"type": "Polygon", "coordinates": [[[105.60, 9.90], [105.95, 9.90],
                                                                         [105.95, 9.95], [105.65, 9.95],
                                                                         [105.65, 10.20], [105.60, 10.20],
                                                                         [105.60, 9.90]]]},
                sector="tourism"),
        project("multipolygon-one-part-in", {"type": "MultiPolygon", "coordinates": [
            [[[105.0, 9.5], [105.1, 9.5], [105.1, 9.6], [105.0, 9.5]]],
            [[[105.71, 10.01], [105.72, 10.01], [105.72, 10.02], [105.71, 10.01]]]]}, sector="tourism"),
    ]


def test_bbox_selects_projects_whose_geometry_intersects_the_box_not_just_its_envelope(store):
    create(store, *bbox_fixture_projects())
    got = [f["id"] for f in store.list_projects(ProjectQuery(bbox=BOX))]
    assert got == ["inside-point", "line-crossing", "multipolygon-one-part-in", "point-on-edge", "polygon-around"]
    assert store.count_projects(ProjectQuery(bbox=BOX)) == 5


def test_bbox_combines_with_filters_and_paging_applies_after_the_spatial_test(store):
    features = bbox_fixture_projects()
    features[0]["properties"]["status"] = "completion"
    create(store, *features)
    q = ProjectQuery(bbox=BOX, status=("implementation",))
    assert [f["id"] for f in store.list_projects(q)] == \
        ["line-crossing", "multipolygon-one-part-in", "point-on-edge", "polygon-around"]
    paged = ProjectQuery(bbox=BOX, status=("implementation",), limit=2, offset=1)
    assert [f["id"] for f in store.list_projects(paged)] == ["multipolygon-one-part-in", "point-on-edge"]
    assert store.count_projects(paged) == 4


# -- history -----------------------------------------------------------------------------

def test_history_is_newest_first_per_project_and_overall_with_a_limit(store):
    create(store, project("a"), project("b"))
    store.update_project("a", {"progress": 1}, expected_version=1, user="u", note="1")
    store.update_project("b", {"progress": 2}, expected_version=1, user="u", note="2")
    store.update_project("a", {"progress": 3}, expected_version=2, user="u", note="3")
    assert [(h.project_id, h.version) for h in store.history()] == [("a", 3), ("b", 2), ("a", 2), ("b", 1), ("a", 1)]
    assert [h.version for h in store.history("a")] == [3, 2, 1]
    assert [h.note for h in store.history(limit=2)] == ["3", "2"]
    assert store.history("a")[0].to_dict()["changes"] == {"progress": [1, 3]}
    assert store.history("zzz") == []


# -- seeding helpers -----------------------------------------------------------------------

def test_is_empty_has_edits_and_clear_projects(store):
    assert store.is_empty() and not store.has_edits()
    store.create_project(project("seeded"), user="seed", note="Seeded", action="seed")
    assert not store.is_empty() and not store.has_edits()
    store.update_project("seeded", {"progress": 41}, expected_version=1, user="bob", note="")
    assert store.has_edits()
    store.clear_projects()
    assert store.is_empty() and not store.has_edits()
    assert store.list_projects(ProjectQuery(include_archived=True)) == [] and store.history() == []


def test_create_with_action_seed_keeps_the_given_updated_at(store):
    feature = project("seeded", updated_at="2020-06-30T00:00:00Z")
    created = store.create_project(feature, user="seed", note="Seeded", action="seed")
    assert created["properties"]["updated_at"] == "2020-06-30T00:00:00Z"
    assert store.get_project("seeded")["properties"]["updated_at"] == "2020-06-30T00:00:00Z"


# -- base layers ---------------------------------------------------------------------------

def test_replace_layer_replaces_every_feature_and_lists_them_with_bbox(store):
    rivers = [
        {"type": "Feature", "id": "song-hau", "properties": {"name": "Sông Hậu"},
         "geometry": {"type": "LineString", "coordinates": [[105.60, 10.20], [105.90, 9.95]]}},
        {"type": "Feature", "id": "rach-khe", "properties": {"name": "Rạch Khế"},
         "geometry": {"type": "LineString", "coordinates": [[105.76, 10.02], [105.77, 10.03]]}},
    ]
    store.replace_layer("rivers", rivers)
    store.replace_layer("districts", [{"type": "Feature", "properties": {"name": "Ninh Kiều"},
                                       "geometry": {"type": "Polygon", "coordinates": [[[105.7, 10.0], [105.8, 10.0],
                                                                                        [105.8, 10.1], [105.7, 10.0]]]}}])
    assert store.layer_names() == ["districts", "rivers"]
    assert store.list_layer("rivers") == rivers
    assert [f["id"] for f in store.list_layer("rivers", bbox=(105.755, 10.015, 105.765, 10.025))] == ["rach-khe"]
    store.replace_layer("rivers", rivers[:1])
    assert [f["id"] for f in store.list_layer("rivers")] == ["song-hau"]
    assert store.list_layer("districts")[0]["id"] == "0"  # features without an id get their index
    assert store.list_layer("no-such-layer") == []


def test_replace_layer_with_a_bad_feature_keeps_the_old_layer(store):
    store.replace_layer("rivers", [{"type": "Feature", "id": "x", "properties": {}, "geometry": point(105.7, 10.0)}])
    with pytest.raises(Invalid):
        store.replace_layer("rivers", [{"type": "Feature", "id": "y", "properties": {}, "geometry": point(1, 1)},
                                       {"type": "Feature", "id": "z", "properties": {}, "geometry": None}])
    assert [f["id"] for f in store.list_layer("rivers")] == ["x"]


# -- spatial indexes are used --------------------------------------------------------------

def _capture_sql(engine, run):
    """The (statement, parameters) sent to the database while ``run()`` executes."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return seen


def _grid(n_side):
    """n_side**2 point projects on a grid over Cần Thơ."""
    return [project(f"p{i:03d}-{j:03d}", point(105.3 + i * 0.6 / n_side, 9.9 + j * 0.4 / n_side))
            for i in range(n_side) for j in range(n_side)]


def test_sqlite_bbox_queries_use_the_rtree(sqlite_url):
    st = open_store(sqlite_url)
    st.migrate()
    st.seed(_grid(10), {})
    box = (105.40, 10.00, 105.45, 10.05)
    sent = _capture_sql(st.engine, lambda: st.list_projects(ProjectQuery(bbox=box)))
    (statement, params), = [(s, p) for s, p in sent if "FROM projects" in s]
    with st.engine.connect() as conn:
        plan = " | ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    assert "projects_rtree VIRTUAL TABLE INDEX" in plan, plan
    assert "SEARCH projects USING INTEGER PRIMARY KEY" in plan, plan  # candidates fetched by fid, no full scan
    assert [f["id"] for f in st.list_projects(ProjectQuery(bbox=box))] == ["p002-003"]
    st.close()


def test_postgis_bbox_queries_use_the_gist_index(postgis_url):
    st = open_store(postgis_url)
    st.migrate()
    st.seed(_grid(80), {})  # 6,400 rows: enough that a sequential scan costs more
    with st.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE projects")
    box = (105.40, 10.00, 105.41, 10.01)
    sent = _capture_sql(st.engine, lambda: st.list_projects(ProjectQuery(bbox=box)))
    (statement, params), = [(s, p) for s, p in sent if "FROM projects" in s]
    with st.engine.connect() as conn:  # plain planner settings: no enable_seqscan=off
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, params))
    assert "ix_projects_geom" in plan, plan
    assert "Seq Scan" not in plan, plan
    st.close()


def test_sqlite_rtree_stays_in_sync_with_the_projects_table(sqlite_url):
    st = open_store(sqlite_url)
    st.migrate()
    create(st, project("a", point(105.1, 10.1)), project("b", point(105.2, 10.2)))
    st.update_project("a", {"geometry": point(106.0, 11.0)}, expected_version=1, user="u", note="")
    with st.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT p.id, r.minx, r.miny FROM projects p JOIN projects_rtree r ON r.fid = p.fid ORDER BY p.id").all()
    assert [(r[0], round(r[1], 4), round(r[2], 4)) for r in rows] == [("a", 106.0, 11.0), ("b", 105.2, 10.2)]
    st.clear_projects()
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM projects_rtree").scalar() == 0
    st.close()


def test_stored_geometry_text_is_the_geojson_as_given(store):
    geometry = {"type": "LineString", "coordinates": [[105.123456789012345, 10.1], [105.2, 10.000000000000002]]}
    create(store, project("precise", geometry))
    assert store.get_project("precise")["geometry"] == geometry
    with store.engine.connect() as conn:
        text = conn.execute(sa.text("SELECT geometry FROM projects WHERE id = 'precise'")).scalar()
    assert json.loads(text) == geometry


def test_feature_collection_json_is_the_listing_as_text(store):
    create(store, *bbox_fixture_projects())
    store.update_project("inside-point", {"archived": True}, expected_version=1, user="a", note="", action="archive")
    for q in (ProjectQuery(), ProjectQuery(include_archived=True), ProjectQuery(bbox=BOX, limit=2, offset=1),
              ProjectQuery(status=("cancelled",))):
        assert json.loads(store.feature_collection_json(q)) == \
            {"type": "FeatureCollection", "features": store.list_projects(q)}


def test_update_requires_an_integer_expected_version(store):
    create(store, project("a"))
    with pytest.raises(BadRequest):
        store.update_project("a", {"progress": 1}, expected_version="1", user="u", note="")
    assert store.get_project("a")["properties"]["version"] == 1
