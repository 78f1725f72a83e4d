"""Hostile input, property-based (Hypothesis): the parsers and checks that see user input.

* ``schema.validate_feature`` / ``validate_collection`` never raise, whatever JSON-like value
  they get, and always return Problems for a project broken in any one of many ways (and
  none for a valid one);
* ``geo.parse_bbox`` accepts exactly the valid boxes (4 finite numbers in range, min <= max)
  and answers BadRequest for everything else;
* ``api.parse_project_query`` and ``explore.parse_selection`` either parse or raise
  BadRequest, never anything else, for any query string;
* ``read_upload`` on random bytes under every supported name, on random GeoJSON
  (random geometries, coordinates, huge and odd Unicode) and on random CSV raises nothing
  but GisError subclasses; whatever it reads, ``preview`` and ``commit`` against a real store
  raise nothing but GisError either.

Each property runs in a reduced form by default (tests/fuzz_profiles.py: ``reliability``
profile) and with ten times the examples under ``@pytest.mark.slow``.
"""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, strategies as st

from fuzz_profiles import DEFAULT_EXAMPLES, SIZES, profile, project_feature, record
from gis import api, explore, schema
from gis.errors import BadRequest, GisError
from gis.geo import REGION_BBOX, parse_bbox
from gis.importing.layer import ImportedLayer
from gis.importing.mapping import TARGETS
from gis.importing.preview import MODES, commit, preview, summarise
from gis.importing.readers import read_upload
from gis.schema import Problem

# -- strategies --------------------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", " ", "\x00", "\u202e", "\ufeff", "ﷺ" * 50, "𝕏" * 20, "Cần Thơ", "Đ̛̣", "\r\n",
                     "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n", "../../etc/passwd", "null",
                     "NaN", "Infinity", "-0", "1e309", "\u0301\u0301\u0301", "A" * 100_000, "ệ" * 3000]),
)
NUMBER = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(min_value=-(10 ** 30), max_value=10 ** 30), st.booleans())
LEAF = st.one_of(st.none(), NUMBER, ODD_TEXT)
JSON_LIKE = st.recursive(LEAF, lambda inner: st.lists(inner, max_size=6) |
                         st.dictionaries(ODD_TEXT, inner, max_size=6), max_leaves=40)

COORD = st.one_of(st.floats(min_value=REGION_BBOX[0], max_value=REGION_BBOX[2]),
                  st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 20, 10 ** 20), LEAF)
POSITION = st.one_of(st.lists(COORD, min_size=0, max_size=4), COORD)
GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                  "GeometryCollection"]


def _nested(depth: int):
    return POSITION if depth == 0 else st.lists(_nested(depth - 1), max_size=5)


GEOMETRY = st.one_of(
    st.builds(lambda t, c: {"type": t, "coordinates": c},
              st.one_of(st.sampled_from(GEOMETRY_TYPES), ODD_TEXT), st.integers(0, 4).flatmap(_nested)),
    st.builds(lambda gs: {"type": "GeometryCollection", "geometries": gs},
              st.lists(st.builds(lambda t, c: {"type": t, "coordinates": c}, st.sampled_from(GEOMETRY_TYPES),
                                 st.integers(0, 3).flatmap(_nested)), max_size=3)),
    JSON_LIKE,
)
FIELD_NAMES = [f.name for f in schema.fields()]
PROPERTIES = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), ODD_TEXT), JSON_LIKE, max_size=12)
FEATURE_LIKE = st.fixed_dictionaries(
    {}, optional={"type": st.one_of(st.just("Feature"), ODD_TEXT), "id": JSON_LIKE, "geometry": GEOMETRY,
                  "properties": st.one_of(PROPERTIES, JSON_LIKE)})

IN_REGION = st.tuples(st.floats(min_value=REGION_BBOX[0], max_value=REGION_BBOX[2]),
                      st.floats(min_value=REGION_BBOX[1], max_value=REGION_BBOX[3]))
POINT_SECTORS = [c.code for c in schema.codelist("sector") if "Point" in (c.extra.get("geometry") or [])]
OPEN_STATUSES = [s for s in schema.codes("status") if s not in schema.STATUSES_NEEDING_ACTUAL_END]
NAME = st.text(min_size=1, max_size=300)


@st.composite
def valid_features(draw):
    lon, lat = draw(IN_REGION)
    f = project_feature("p-" + draw(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)), lon=lon, lat=lat)
    p = f["properties"]
    p.update(name_vi=draw(NAME), name_en=draw(NAME), sector=draw(st.sampled_from(POINT_SECTORS)),
             status=draw(st.sampled_from(OPEN_STATUSES)), lead_agency=draw(st.sampled_from(schema.codes("lead_agency"))),
             progress=draw(st.one_of(st.none(), st.integers(0, 100))),
             sources=draw(st.lists(st.text(min_size=3, max_size=1000), min_size=1, max_size=3)),
             description_vi=draw(st.one_of(st.none(), st.text(max_size=5000))))
    f["properties"]["id"] = f["id"]
    return f


def _set(path, value):
    def apply(f):
        target = f
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return apply


def _delete(path):
    def apply(f):
        target = f
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return apply


def _not_code(name):
    return st.one_of(ODD_TEXT, NUMBER).filter(lambda v: v not in schema.codes(name))


OUTSIDE = st.tuples(st.floats(-180, 180), st.floats(-90, 90)).filter(
    lambda c: not (REGION_BBOX[0] <= c[0] <= REGION_BBOX[2] and REGION_BBOX[1] <= c[1] <= REGION_BBOX[3]))
BREAKAGES = st.one_of(
    st.sampled_from(["type", "id", "geometry", "properties"]).map(lambda k: _delete([k])),
    st.sampled_from(["id", "name_vi", "name_en", "sector", "status", "lead_agency", "location_accuracy", "sources"])
    .map(lambda k: _delete(["properties", k])),
    st.sampled_from(["sector", "status", "lead_agency", "location_accuracy"])
    .flatmap(lambda k: _not_code(k).map(lambda v: _set(["properties", k], v))),
    st.one_of(st.integers(max_value=-1), st.integers(min_value=101), ODD_TEXT, st.booleans(),
              st.floats().filter(lambda v: not (math.isfinite(v) and v == int(v) and 0 <= v <= 100)))
    .map(lambda v: _set(["properties", "progress"], v)),
    OUTSIDE.map(lambda c: _set(["geometry", "coordinates"], list(c))),
    st.one_of(st.none(), ODD_TEXT, NUMBER, st.just({}), st.just({"type": "Point"}),
              st.just({"type": "Point", "coordinates": [math.nan, 10.0]}),
              st.just({"type": "Point", "coordinates": [105.7]}),
              st.just({"type": "Polygon", "coordinates": [[[105.7, 10.0], [105.8, 10.1], [105.7, 10.1],
                                                            [105.8, 10.0], [105.7, 10.0]]]}))  # bow tie
    .map(lambda g: _set(["geometry"], g)),
    st.one_of(st.just([]), ODD_TEXT, st.lists(st.text(max_size=2), min_size=1, max_size=3))
    .map(lambda v: _set(["properties", "sources"], v)),
    st.one_of(st.just(""), st.integers(), st.text(min_size=301, max_size=400), st.none())
    .map(lambda v: _set(["properties", "name_vi"], v)),
    ODD_TEXT.filter(lambda k: k not in FIELD_NAMES).map(lambda k: _set(["properties", k], "x")),
    st.from_regex(r"[A-Z _]{1,10}|[a-z]+--[a-z]+|-[a-z]+", fullmatch=True).map(lambda v: _set(["id"], v)),
    st.just(_set(["id"], "another-id")),
    st.sampled_from(["2020-13", "20200", "2020-02-30x", "yesterday"]).map(
        lambda v: _set(["properties", "planned_end"], v)),
    st.just(lambda f: f["properties"].update(planned_start="2025", planned_end="2020")),
    st.just(lambda f: f["properties"].update(status="completion", actual_end=None)),
)


def _problems_ok(problems):
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem) and isinstance(p.message, str) and p.message
        str(p)


# -- the validator -------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_the_validator_never_raises_on_any_json_like_input(size):
    count = [0]

    @profile(size)
    @given(st.one_of(JSON_LIKE, FEATURE_LIKE))
    def check(value):
        count[0] += 1
        _problems_ok(schema.validate_feature(value))
        _problems_ok(schema.validate_feature(value, index=3))
        _problems_ok(schema.validate_collection(value))
        _problems_ok(schema.validate_collection({"type": "FeatureCollection", "features": [value, value]}))

    check()
    record(f"fuzz.{size}", validator_any_input=count[0])


def test_validate_collection_survives_an_unhashable_id():
    problems = schema.validate_collection({"type": "FeatureCollection", "features": [{"id": []}, {"id": []}]})
    _problems_ok(problems)
    assert problems


@pytest.mark.parametrize("size", SIZES)
def test_the_validator_finds_a_problem_in_every_broken_project(size):
    count = [0]

    @profile(size)
    @given(valid_features(), BREAKAGES)
    def check(feature, breakage):
        count[0] += 1
        assert schema.validate_feature(feature) == []
        breakage(feature)
        problems = schema.validate_feature(feature)
        _problems_ok(problems)
        assert problems, f"no problem found in {json.dumps(feature, default=str)[:500]}"
        assert schema.validate_collection({"type": "FeatureCollection", "features": [feature]})

    check()
    record(f"fuzz.{size}", validator_broken_projects=count[0])


# -- bbox ------------------------------------------------------------------------------------------

FLOAT = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-200, 200),
                  st.integers(-200, 200).map(float))


def _is_valid_box(minx, miny, maxx, maxy):
    return (all(math.isfinite(v) for v in (minx, miny, maxx, maxy)) and -180 <= minx <= maxx <= 180
            and -90 <= miny <= maxy <= 90)


@pytest.mark.parametrize("size", SIZES)
def test_parse_bbox_accepts_exactly_the_valid_boxes(size):
    count = {"numbers": 0, "text": 0}

    @profile(size)
    @given(st.tuples(FLOAT, FLOAT, FLOAT, FLOAT), st.sampled_from([",", ", ", " ,", ",\t"]))
    def numbers(box, sep):
        count["numbers"] += 1
        text = sep.join(repr(v) for v in box)
        if _is_valid_box(*box):
            assert parse_bbox(text) == box
        else:
            with pytest.raises(BadRequest):
                parse_bbox(text)

    @profile(size)
    @given(st.one_of(ODD_TEXT, st.lists(st.one_of(ODD_TEXT, FLOAT.map(repr)), max_size=6).map(",".join)))
    def any_text(text):
        count["text"] += 1
        try:
            box = parse_bbox(text)
        except BadRequest as exc:
            assert exc.http_status == 400 and exc.message
            return
        assert len(box) == 4 and _is_valid_box(*box)

    numbers()
    any_text()
    record(f"fuzz.{size}", bbox_numbers=count["numbers"], bbox_text=count["text"])


# -- query filters ------------------------------------------------------------------------------------

KNOWN_PARAMS = ["status", "sector", "lead_agency", "bbox", "district", "q", "lang", "sort", "order"]
VALUE = st.one_of(ODD_TEXT, st.sampled_from(schema.codes("status") + schema.codes("sector") +
                                            schema.codes("districts") + ["105.6,10.0,105.9,10.2", ",,,", "1,2,3,4"]),
                  st.lists(st.sampled_from(schema.codes("status")), max_size=4).map(",".join))
ARGS = st.dictionaries(st.one_of(st.sampled_from(KNOWN_PARAMS), ODD_TEXT), st.lists(VALUE, min_size=1, max_size=4),
                       max_size=5)


@pytest.mark.parametrize("size", SIZES)
def test_the_filter_parsers_answer_bad_request_and_nothing_else(size):
    count = [0]

    @profile(size)
    @given(ARGS)
    def check(args):
        count[0] += 1
        for parse in (api.parse_project_query, explore.parse_selection,
                      lambda a: explore.parse_selection(a, extra_allowed=("format",))):
            try:
                parse(args)
            except BadRequest as exc:
                assert exc.http_status == 400 and exc.message
        try:
            query = api.parse_project_query(args)
        except BadRequest:
            return
        for name in ("status", "sector", "lead_agency"):
            assert set(getattr(query, name)) <= set(schema.codes(name))

    check()
    record(f"fuzz.{size}", filter_queries=count[0])


# -- the importers -----------------------------------------------------------------------------------

NAMES = st.one_of(st.sampled_from(["a.geojson", "a.json", "a.gpkg", "a.zip", "a.kml", "a.kmz", "a.csv", "a.txt",
                                   "a.tsv", "a.xlsx", "a.shp", "upload", "", "../../../etc/passwd.geojson",
                                   "C:\\x\\y.csv", "<img src=x onerror=alert(1)>.csv"]),
                  st.builds(lambda stem, ext: stem + ext, ODD_TEXT, st.sampled_from([".geojson", ".csv", ".kml", ""])))
MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"SQLite format 3\x00", b"<?xml", b"<kml>", b"{",
                         b"\xef\xbb\xbf{", b"\xff\xfe"])
RANDOM_BYTES = st.builds(lambda m, b: m + b, MAGIC, st.binary(max_size=2000))
OPTIONS = st.fixed_dictionaries({}, optional={
    "encoding": st.one_of(st.sampled_from(["utf-8", "cp1258", "latin-1", "utf-16", "rot13", "nope"]), ODD_TEXT),
    # pyproj takes about 0.1 s to refuse a random name: mostly none, so the run stays short
    "source_crs": st.one_of(st.none(), st.none(), st.none(), st.none(),
                            st.sampled_from(["EPSG:5897", "vn2000-cantho", "4326", "EPSG:999999", "+proj=longlat",
                                             "vn2000", ""]), ODD_TEXT),
    "lon_column": ODD_TEXT, "lat_column": ODD_TEXT, "wkt_column": ODD_TEXT})


def _read(filename, data, **options):
    """read_upload, asserting it raises nothing but GisError; the layer or None."""
    try:
        return read_upload(filename, data, **options)
    except GisError as exc:
        assert 400 <= exc.http_status < 500 and isinstance(exc.message, str)
        return None


def test_an_encoding_name_with_nul_is_a_bad_request():
    with pytest.raises(BadRequest):
        read_upload("a.csv", b"lon,lat\n105.7,10.0\n", encoding="utf\x008")


@st.composite
def geojson_documents(draw):
    def feature():
        props = draw(st.one_of(st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), ODD_TEXT),
                                               st.one_of(JSON_LIKE, st.sampled_from(schema.codes("status")),
                                                         st.sampled_from(schema.codes("lead_agency"))),
                                               max_size=10), JSON_LIKE))
        out = {"type": "Feature", "properties": props, "geometry": draw(st.one_of(st.none(), GEOMETRY))}
        if draw(st.booleans()):
            out["id"] = draw(st.one_of(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8})?", fullmatch=True), JSON_LIKE))
        return out

    features = [feature() for _ in range(draw(st.integers(0, 6)))]
    doc = draw(st.sampled_from(["collection", "feature", "other"]))
    if doc == "collection":
        out = {"type": "FeatureCollection", "features": features}
        if draw(st.booleans()):
            out["crs"] = {"type": "name", "properties": {"name": draw(st.one_of(
                st.sampled_from(["EPSG:4326", "urn:ogc:def:crs:EPSG::5897", "EPSG:3405"]), ODD_TEXT))}}
        return out
    if doc == "feature":
        return features[0] if features else {"type": "Feature"}
    return draw(JSON_LIKE)


@st.composite
def csv_documents(draw):
    header = draw(st.lists(st.one_of(st.sampled_from(["id", "name_vi", "lon", "lat", "wkt", "x", "y", "status",
                                                      "kinh_do", "vi_do"]), ODD_TEXT), min_size=1, max_size=6))
    cell = st.one_of(ODD_TEXT, st.floats(allow_nan=True).map(repr), st.sampled_from(
        ["105.7", "10.0", "POINT (105.7 10)", "POINT EMPTY", "LINESTRING (1 2)", "=cmd|' /C calc'!A0",
         "10,5", "1e400", "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))"]))
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 1), max_size=6))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join(sep.join(r) for r in [header] + rows)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), "surrogatepass")


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    """A real (SQLite) store with the seed data, for preview and commit of fuzzed layers."""
    import os

    from gis.store import open_store
    from gis.store.seed import load_seed

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.db'}")
    store.migrate()
    load_seed(store, os.path.join(root, "projects.geojson"), os.path.join(root, "layers"))
    yield store
    store.close()


def _preview_and_commit(layer, store, mode):
    for mapping in (None, {"fields": {f: f for f in layer.fields if f in TARGETS}}):
        try:
            rows = preview(layer, mapping, mode, store)
        except GisError:
            continue
        summarise(rows)
        for r in rows:
            r.to_dict()
        try:
            commit(layer, mapping, mode, store, user="fuzz", note="fuzz")
        except GisError:
            pass


@pytest.mark.parametrize("size", SIZES)
def test_the_importers_raise_only_gis_errors(size, fuzz_store):
    count = {"bytes": 0, "geojson": 0, "csv": 0, "read": 0}
    # GDAL, PROJ and the store make these the slowest examples: the long run does 4x, not 10x
    examples = {"max_examples": 4 * DEFAULT_EXAMPLES} if size == "long" else {}

    @profile(size, **examples)
    @given(NAMES, RANDOM_BYTES, OPTIONS)
    def random_files(filename, data, options):
        count["bytes"] += 1
        layer = _read(filename, data, **options)
        if layer is not None:
            count["read"] += 1
            _preview_and_commit(layer, fuzz_store, "add")

    @profile(size, **examples)
    @given(geojson_documents(), st.sampled_from(["a.geojson", "a.json", "x"]), OPTIONS,
           st.sampled_from(MODES))
    def random_geojson(doc, filename, options, mode):
        count["geojson"] += 1
        data = json.dumps(doc, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
        layer = _read(filename, data, **{k: v for k, v in options.items() if k in ("source_crs",)})
        if layer is not None:
            count["read"] += 1
            json.dumps(layer.to_dict(), allow_nan=True)
            _preview_and_commit(ImportedLayer.from_dict(layer.to_dict()), fuzz_store, mode)

    @profile(size, **examples)
    @given(csv_documents(), OPTIONS, st.sampled_from(MODES))
    def random_csv(data, options, mode):
        count["csv"] += 1
        layer = _read("table.csv", data, **options)
        if layer is not None:
            count["read"] += 1
            _preview_and_commit(layer, fuzz_store, mode)

    random_files()
    random_geojson()
    random_csv()
    record(f"fuzz.{size}", importer_random_files=count["bytes"], importer_random_geojson=count["geojson"],
           importer_random_csv=count["csv"], importer_layers_read=count["read"])
