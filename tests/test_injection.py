"""SQL injection attempts in every filter do nothing, on both backends.

Every query parameter that reaches a store query or a filter — ``/api/projects`` (status,
sector, lead_agency, bbox), ``/projects`` and ``/projects.csv`` (the same plus district, q,
sort, order, lang), ``/ogc/collections/projects/items`` (filters, bbox, datetime, limit,
offset, f), ``/history`` and ``/history.atom`` (agency, user, from, to), the export
(``/api/projects/export``: format and every filter), the search box (``q`` on the map, the
list and the export) and the ids in paths — gets each payload below. For every request:

* never a 5xx;
* the same answer as the same request with a harmless unknown value in that place (same
  status; same error code for JSON errors; same projects or history rows listed), or, for
  the free-text search, exactly the projects the search oracle (gis.search) finds;
* afterwards the store is unchanged: the number of projects and history rows and a
  checksum of every project (archived included) are what they were before.
"""
from __future__ import annotations

import hashlib
import json
import re
import urllib.parse

import pytest

from fuzz_profiles import record

PAYLOADS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "\" OR \"\"=\"",
    "'; DROP TABLE projects; --",
    "1; DELETE FROM history",
    "implementation' UNION SELECT id, geometry FROM projects --",
    "implementation') OR ('a'='a",
    "x' AND (SELECT pg_sleep(2)) IS NULL --",
    "1 AND sqlite_version()>0",
    "'||(SELECT name FROM sqlite_master LIMIT 1)||'",
    "%' OR 'x' LIKE '%",
    "%",
    "_",
    "*",
    "\\",
    "\x00",
    "' ; UPDATE projects SET properties = '{}' ; --",
    "1e308,1e308,1e308,1e308",
    "105.6,10.0,105.9,10.2) OR (1=1",
    "2020-01-01' OR '1'='1",
    "../../../../etc/passwd",
    "$where: '1 == 1'",
    "{\"$gt\": \"\"}",
    "admin'--",
    "ʼ OR 1=1 --",  # a modifier letter apostrophe
]
HARMLESS = "zzq-no-such-value"

# path -> the parameters that get the payloads
TARGETS = {
    "/api/projects": ["status", "sector", "lead_agency", "bbox"],
    "/projects": ["status", "sector", "lead_agency", "district", "q", "sort", "order", "lang"],
    "/projects.csv": ["status", "district", "q"],
    "/": ["q", "district"],
    "/ogc/collections/projects/items": ["status", "sector", "lead_agency", "bbox", "datetime", "limit", "offset",
                                        "f"],
    "/history": ["agency", "user", "from", "to"],
    "/history.atom": ["agency", "user", "from", "to"],
    "/api/projects/export": ["format", "status", "sector", "lead_agency", "district", "q"],
}
PATHS_WITH_IDS = ["/api/projects/{}", "/projects/{}", "/ogc/collections/projects/items/{}",
                  "/ogc/collections/{}/items", "/projects/{}/edit"]


@pytest.fixture
def app(store_url):
    from app import create_app

    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "DATABASE_URL": store_url})
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


def snapshot(app) -> dict:
    from gis.store.base import ProjectQuery
    from gis.web import get_store

    with app.app_context():
        store = get_store()
        features = store.list_projects(ProjectQuery(include_archived=True))
        history = store.history(limit=10 ** 6)
        digest = hashlib.sha256(json.dumps(features, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return {"projects": len(features), "history": len(history), "checksum": digest,
                "features": features}


def listed(response) -> object:
    """What an answer lists, comparable between two requests (ids, rows or an error code)."""
    ctype = response.headers.get("Content-Type", "")
    body = response.get_data()
    if response.status_code >= 400:
        if "json" in ctype:
            return ("error", response.get_json().get("error"))
        return ("error",)
    if "json" in ctype:
        doc = json.loads(body)
        if isinstance(doc, dict) and "features" in doc:
            return ("features", sorted(str(f.get("id")) for f in doc["features"]))
        return ("json",)
    text = body.decode("utf-8", "replace")
    if "text/csv" in ctype:
        return ("csv", sorted(line.split(",", 1)[0] for line in text.splitlines()[1:]))
    if "atom" in ctype:
        return ("atom", len(re.findall(r"<entry>", text)))
    if "html" in ctype:
        count = re.search(r'class="match-count"[^>]*data-count="(\d+)"', text)
        return ("html", sorted(re.findall(r'data-project-id="([^"]*)"', text)), count and int(count.group(1)))
    return (ctype, len(body))


def search_oracle(features, q) -> list:
    from gis import search

    q = " ".join(q.split())
    return sorted(f["id"] for f in features if not f["properties"].get("archived") and search.matches_text(f, q))


def test_injection_in_every_filter_does_nothing(app, store_url):
    client = app.test_client()
    before = snapshot(app)
    tried = 0
    for path, params in TARGETS.items():
        for param in params:
            baseline = client.get(path, query_string={param: HARMLESS})
            assert baseline.status_code < 500, (path, param)
            for payload in PAYLOADS:
                response = client.get(path, query_string={param: payload})
                tried += 1
                where = f"GET {path}?{urllib.parse.urlencode({param: payload})}"
                assert response.status_code < 500, f"{where} answered {response.status_code}"
                body = response.get_data(as_text=True)
                assert "syntax error" not in body.lower() and "sqlite" not in body.lower().replace("sqlite_", ""), where
                if param == "q" and response.status_code == 200 and len(" ".join(payload.split())) <= 200:
                    expected = search_oracle(before["features"], payload)
                    got = listed(response)
                    if got[0] == "features" or (got[0] == "html" and got[1]):
                        assert got[1] == expected, f"{where}: search found {got[1]}, the oracle {expected}"
                    if got[0] == "html" and got[2] is not None:  # the map page: its count of matches
                        assert got[2] == len(expected), f"{where}: {got[2]} matches, the oracle {len(expected)}"
                    continue
                if param == "user" and response.status_code == 200:
                    continue  # a substring filter on the user: checked against the oracle below
                assert response.status_code == baseline.status_code, \
                    f"{where}: {response.status_code}, with a harmless value {baseline.status_code}"
                assert listed(response) == listed(baseline), f"{where}: answered differently from a harmless value"
    # /history?user= filters by substring: a payload that no user name contains lists nothing.
    for payload in PAYLOADS:
        response = client.get("/history", query_string={"user": payload})
        assert response.status_code == 200
        assert listed(response) == listed(client.get("/history", query_string={"user": HARMLESS}))
    for template in PATHS_WITH_IDS:
        baseline = client.get(template.format(HARMLESS))
        for payload in PAYLOADS:
            response = client.get(template.format(urllib.parse.quote(payload, safe="")))
            tried += 1
            assert response.status_code < 500, (template, payload)
            if "/" in payload:  # %2F is decoded before routing: no route matches, a 404 is right
                assert response.status_code in (baseline.status_code, 404), (template, payload, response.status_code)
            else:
                assert response.status_code == baseline.status_code, (template, payload, response.status_code)
    after = snapshot(app)
    assert {k: after[k] for k in ("projects", "history", "checksum")} == \
        {k: before[k] for k in ("projects", "history", "checksum")}, "the store changed"
    record(f"injection.{'sqlite' if store_url.startswith('sqlite') else 'postgis'}", payloads=len(PAYLOADS),
           requests=tried, parameters=sum(len(p) for p in TARGETS.values()) + len(PATHS_WITH_IDS))


def test_injection_in_a_patch_body_is_stored_as_text(app, store_url):
    """Payloads written through the API (descriptions, notes) are data: stored and read back verbatim."""
    from gis import accounts
    from gis.store.accounts import accounts_of
    from gis.web import get_store

    with app.app_context():
        acc = accounts_of(get_store())
        user = acc.create_user("inj@sokhdt.cantho.gov.vn", "!", "admin", "so-khdt")
        token, digest = accounts.new_token()
        acc.add_token(user.id, digest, "injection")
    client = app.test_client()
    pid = "vam-cong-bridge"
    before = snapshot(app)
    for payload in PAYLOADS:
        if "\x00" in payload:
            continue  # PostgreSQL text cannot hold NUL
        version = client.get(f"/api/projects/{pid}").headers["ETag"]
        response = client.patch(f"/api/projects/{pid}", json={"properties": {"description_en": payload},
                                                               "note": payload},
                                headers={"Authorization": f"Bearer {token}", "If-Match": version})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert client.get(f"/api/projects/{pid}").get_json()["properties"]["description_en"] == payload
    after = snapshot(app)
    assert after["projects"] == before["projects"]
    assert after["history"] == before["history"] + len([p for p in PAYLOADS if "\x00" not in p])
    others = [f for f in after["features"] if f["id"] != pid]
    assert others == [f for f in before["features"] if f["id"] != pid], "another project changed"


@pytest.mark.parametrize("path", ["/api/projects/a%00b", "/projects/a%00b", "/ogc/collections/projects/items/a%00b"])
def test_a_nul_in_a_project_id_is_a_404(app, store_url, path, request):
    response = app.test_client().get(path)
    assert response.status_code == 404, response.status_code


def test_oversized_bodies_get_413(app, store_url):
    """Bodies over the API's 1 MB or the app's MAX_CONTENT_LENGTH (25 MB) are refused with 413, not read."""
    from gis import accounts, api
    from gis.store.accounts import accounts_of
    from gis.web import get_store

    with app.app_context():
        acc = accounts_of(get_store())
        user = acc.create_user("big@sokhdt.cantho.gov.vn", "!", "admin", "so-khdt")
        token, digest = accounts.new_token()
        acc.add_token(user.id, digest, "413")
    client = app.test_client()
    pid = "vam-cong-bridge"
    before = snapshot(app)
    auth = {"Authorization": f"Bearer {token}", "If-Match": '"1"', "Content-Type": "application/json"}
    limit = app.config["MAX_CONTENT_LENGTH"]
    over_api = json.dumps({"properties": {"description_en": "x" * (api.MAX_BODY + 10)}, "note": "big"})
    over_app = b"x" * (limit + 1)
    cases = [
        ("PATCH", f"/api/projects/{pid}", over_api.encode(), auth),
        ("PATCH", f"/api/projects/{pid}", over_app, auth),
        ("POST", f"/projects/{pid}/feedback", over_app, {"Content-Type": "application/x-www-form-urlencoded"}),
        ("POST", "/planner/import", over_app, {"Content-Type": "multipart/form-data; boundary=x"}),
        ("POST", "/login", over_app, {"Content-Type": "application/x-www-form-urlencoded"}),
    ]
    for method, path, body, headers in cases:
        response = client.open(path, method=method, data=body, headers=headers)
        assert response.status_code == 413, (method, path, len(body), response.status_code)
    after = snapshot(app)
    assert (after["projects"], after["history"], after["checksum"]) == \
        (before["projects"], before["history"], before["checksum"])
    record(f"oversized.{'sqlite' if store_url.startswith('sqlite') else 'postgis'}", bodies_refused=len(cases))
