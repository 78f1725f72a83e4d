"""Schemathesis against the app's own OpenAPI document (``/api/openapi.json``): no 5xx.

The document (gis/openapi/app_api.py) is loaded from the app in-process (WSGI) and every operation
in it is called with cases generated from it — ``positive`` ones (valid by the document)
and ``negative`` ones (each breaking it somewhere) — with the ``not_a_server_error`` check.
``PATCH /api/projects/{project_id}`` is fuzzed three ways: without a token, with an
editor's token and with an admin's, the latter two on existing projects with the current
version in ``If-Match`` half of the time (so generated bodies reach validation and the
store, and some are written).

The app runs like production (exceptions become a 500 page, not a test error) on a seeded
SQLite store; a 5xx fails with the request as ``curl`` and the server's traceback.

Reduced: 25 positive + 25 negative cases per operation (and per PATCH caller); the
``@pytest.mark.slow`` variant: 200 + 200 (400 per operation, 1200 for PATCH).
"""
from __future__ import annotations

import traceback

import pytest
import schemathesis
from flask import got_request_exception
from hypothesis import given, strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode

from fuzz_profiles import api_user, profile, record

EXAMPLES = {"reduced": 25, "long": 200}
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'store.db'}"
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from gis.web import get_store

        store = get_store()
        tokens = {"editor": api_user(store), "admin": api_user(store, "robot@sokhdt.cantho.gov.vn", "admin", "so-khdt")}
        ids = [f["id"] for f in store.list_projects()]
    crashes = []

    def remember(sender, exception, **extra):
        crashes.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(remember, app, weak=False)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return {"app": app, "schema": schema, "tokens": tokens, "ids": ids, "crashes": crashes}


def _operations():
    """(label, method, path) of every operation in the document, read once at collection."""
    from gis.openapi.app_api import api_document

    doc = api_document("/")
    return [(f"{m.upper()} {p}", m, p) for p, ops in doc["paths"].items() for m in ops
            if m in ("get", "post", "put", "patch", "delete")]


OPERATIONS = _operations()
HOSTILE = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(0, 100), st.floats(allow_nan=False),
                    st.text(max_size=50), st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "\x00",
                                                           "2020-02-30", "2024", "ệ" * 6000, "implementation"]),
                    st.lists(st.text(min_size=3, max_size=20), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                          st.text(max_size=5),
                                                                                          max_size=2))


def _fields():
    from gis import schema

    return [f.name for f in schema.fields()] + ["geometry"]


CHANGES = st.dictionaries(st.sampled_from(_fields()), HOSTILE, min_size=1, max_size=4)
NOTE = st.one_of(st.text(min_size=1, max_size=60), st.just("x" * 2001), st.just("  "))
GETS = [o for o in OPERATIONS if o[1] == "get"]


def _call(served, case, counts, label, headers=None):
    served["crashes"].clear()
    try:
        response = case.call(headers=headers)
    except Exception as exc:  # noqa: BLE001 - a crash inside the WSGI call is a 5xx too
        pytest.fail(f"{label}: the call raised {type(exc).__name__}: {exc}\n{case.as_curl_command(headers=headers)}")
    counts[response.status_code // 100] = counts.get(response.status_code // 100, 0) + 1
    if response.status_code >= 500:
        pytest.fail(f"{label} answered {response.status_code}:\n{case.as_curl_command(headers=headers)}\n"
                    f"{response.text[:500]}\n" + "\n".join(served["crashes"][-1:]), pytrace=False)
    case.validate_response(response, checks=[not_a_server_error])
    return response


@pytest.mark.parametrize("size", [pytest.param("reduced"), pytest.param("long", marks=pytest.mark.slow)])
@pytest.mark.parametrize("label,method,path", GETS, ids=[o[0] for o in GETS])
def test_no_get_operation_answers_5xx(served, label, method, path, size):
    operation = served["schema"][path][method.upper()]
    counts: dict = {}
    parameters = list(operation.iter_parameters())
    for mode in MODES if parameters else MODES[:1]:  # nothing to break without parameters
        @profile(size, max_examples=EXAMPLES[size])
        @given(case=operation.as_strategy(generation_mode=mode), pid=st.sampled_from(served["ids"]),
               existing=st.booleans())
        def check(case, pid, existing):
            if existing and "project_id" in (case.path_parameters or {}):
                case.path_parameters = {**case.path_parameters, "project_id": pid}  # reach a real project too
            _call(served, case, counts, label)

        try:
            check()
        except Unsatisfiable:
            # e.g. a string path parameter: there is no URL that breaks its schema
            assert mode == GenerationMode.NEGATIVE, f"no positive case could be generated for {label}"
    total = sum(counts.values())
    assert total >= 1
    record(f"schemathesis.{size}", **{label: {"cases": total, "by_class": {f"{k}xx": v for k, v in counts.items()}}})


@pytest.mark.parametrize("size", [pytest.param("reduced"), pytest.param("long", marks=pytest.mark.slow)])
@pytest.mark.parametrize("caller", ["anonymous", "editor", "admin"])
def test_patch_answers_no_5xx_with_or_without_a_token(served, caller, size):
    operation = served["schema"]["/api/projects/{project_id}"]["PATCH"]
    store_of = served["app"]
    counts: dict = {}
    label = f"PATCH /api/projects/{{project_id}} as {caller}"
    for mode in MODES:
        @profile(size, max_examples=EXAMPLES[size])
        @given(case=operation.as_strategy(generation_mode=mode), pid=st.sampled_from(served["ids"]),
               current=st.booleans())
        def check(case, pid, current):
            headers = {}
            if caller != "anonymous":
                headers["Authorization"] = f"Bearer {served['tokens'][caller]}"
                case.path_parameters = {**case.path_parameters, "project_id": pid}
                if current:
                    with store_of.app_context():
                        from gis.web import get_store

                        version = get_store().get_project(pid)["properties"]["version"]
                    headers["If-Match"] = f'"{version}"'
            _call(served, case, counts, label, headers=headers)

        check()
    if caller != "anonymous":
        # Well-formed bodies naming real fields with hostile values: these reach validation
        # and the store (the generated ones above mostly stop at "unknown field").
        client = store_of.test_client()

        @profile(size, max_examples=EXAMPLES[size])
        @given(pid=st.sampled_from(served["ids"]), changes=CHANGES, note=NOTE, current=st.booleans())
        def crafted(pid, changes, note, current):
            with store_of.app_context():
                from gis.web import get_store

                version = get_store().get_project(pid)["properties"]["version"]
            response = client.patch(f"/api/projects/{pid}", json={"properties": changes, "note": note},
                                    headers={"Authorization": f"Bearer {served['tokens'][caller]}",
                                             "If-Match": f'"{version if current else version + 7}"'})
            counts[response.status_code // 100] = counts.get(response.status_code // 100, 0) + 1
            assert response.status_code < 500, (changes, note, response.get_data(as_text=True)[:300],
                                                served["crashes"][-1:])

        crafted()
    total = sum(counts.values())
    record(f"schemathesis.{size}", **{label: {"cases": total, "by_class": {f"{k}xx": v for k, v in counts.items()}}})
    if caller == "anonymous":
        assert 2 not in counts, "a PATCH without a token was accepted"


@pytest.mark.parametrize("properties", [1.5, "text", [1], True])
def test_patch_with_non_object_properties_is_a_400(served, properties):
    client = served["app"].test_client()
    pid = served["ids"][0]
    response = client.patch(f"/api/projects/{pid}", json={"properties": properties, "note": "x"},
                            headers={"Authorization": f"Bearer {served['tokens']['admin']}", "If-Match": '"1"'})
    assert response.status_code == 400, response.status_code


@pytest.mark.parametrize("note", [1.5, [1], {"a": 1}, True])
def test_patch_with_a_non_string_note_is_a_4xx(served, note):
    client = served["app"].test_client()
    pid = served["ids"][0]
    response = client.patch(f"/api/projects/{pid}", json={"properties": {"progress": 5}, "note": note},
                            headers={"Authorization": f"Bearer {served['tokens']['admin']}", "If-Match": '"1"'})
    assert 400 <= response.status_code < 500, response.status_code
