"""Concurrent writers through the real API, on both backends.

Several OS processes (each with its own API token) update the same two projects through
``gunicorn -w 2`` at once, the way other systems would: read the project (its version is
the ETag), then ``PATCH`` with ``If-Match`` and a counter read-modified-written in
``investment_vnd``. Promises checked:

* never a 5xx, never "database is locked" (or any other store error) reaching a client:
  every answer is 200 (accepted) or 412/409 (someone wrote first: read again);
* no lost update: every accepted write is in the history exactly once, at the version its
  answer named, and was based on the version just before it; the counter equals the number
  of accepted writes; the history has one row per version (1..current);
* versions strictly increase, in the history and as each process saw them.

Reduced by default (4 processes x 60 attempts); ``@pytest.mark.slow``: 6 x 300.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from fuzz_profiles import Gunicorn, api_user, project_feature, record, sqlite_integrity
from gis.store import open_store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECTS = ("race-a", "race-b")
SIZES = {"reduced": (4, 60), "long": (6, 300)}

WRITER = r"""
import json, random, sys
sys.path.insert(0, "tests")
from fuzz_profiles import http

url, token, name, attempts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pids = sys.argv[5].split(",")
rng = random.Random()
out = {"answers": {}, "accepted": [], "errors": []}
for i in range(attempts):
    pid = rng.choice(pids)
    status, headers, body = http("GET", f"{url}/api/projects/{pid}")
    if status != 200:
        out["errors"].append(["GET", pid, status, body[:300].decode("utf-8", "replace")])
        continue
    props = json.loads(body)["properties"]
    read_version = props["version"]
    assert headers["ETag"] == f'"{read_version}"', headers["ETag"]
    note = f"{name}-{i}"
    counter = (props.get("investment_vnd") or 0) + 1
    status, headers, body = http("PATCH", f"{url}/api/projects/{pid}", token=token,
                                 headers={"If-Match": f'"{read_version}"'},
                                 body={"properties": {"investment_vnd": counter, "progress": i % 101,
                                                      "description_en": note}, "note": note})
    text = body[:300].decode("utf-8", "replace")
    out["answers"][str(status)] = out["answers"].get(str(status), 0) + 1
    if 200 <= status < 300:
        out["accepted"].append([pid, note, read_version, int(headers["ETag"].strip('"')), counter])
    elif status not in (409, 412) or "locked" in text.lower():
        out["errors"].append(["PATCH", pid, status, text])
print(json.dumps(out))
"""


def run_writers(url: str, tokens: list, attempts: int) -> list[dict]:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, token, f"w{n}", str(attempts), ",".join(PROJECTS)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": ROOT})
             for n, token in enumerate(tokens)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize("size", [pytest.param("reduced"), pytest.param("long", marks=pytest.mark.slow)])
def test_concurrent_patches_lose_nothing_and_never_fail(store_url, tmp_path, size):
    writers, attempts = SIZES[size]
    store = open_store(store_url)
    store.migrate()
    for i, pid in enumerate(PROJECTS):
        feature = project_feature(pid, lon=105.72 + i / 100)
        feature["properties"]["investment_vnd"] = 0
        store.create_project(feature, user="race-tests", note="start")
    tokens = [api_user(store) for _ in range(writers)]
    store.close()

    server = Gunicorn(store_url, tmp_path, workers=2)
    server.start()
    try:
        results = run_writers(server.url, tokens, attempts)
    finally:
        server.stop()
    log = server.log()

    errors = [e for r in results for e in r["errors"]]
    assert not errors, f"answers other than 200/409/412 (or a store error shown to a client): {errors[:5]}"
    assert "Traceback" not in log and "database is locked" not in log, log[-3000:]
    answers: dict = {}
    for r in results:
        for status, n in r["answers"].items():
            answers[status] = answers.get(status, 0) + n
    assert not [s for s in answers if s.startswith("5")]
    accepted = [a for r in results for a in r["accepted"]]
    assert accepted, "no write was accepted"

    # Each process saw the versions of a project strictly increase.
    for r in results:
        for pid in PROJECTS:
            seen = [v for p, _, _, v, _ in r["accepted"] if p == pid]
            assert seen == sorted(set(seen)), f"{pid}: versions did not strictly increase: {seen}"

    if store_url.startswith("sqlite"):
        assert sqlite_integrity(store_url) == "ok"
    store = open_store(store_url)
    try:
        for pid in PROJECTS:
            mine = [a for a in accepted if a[0] == pid]
            current = store.get_project(pid)["properties"]
            entries = store.history(pid, limit=10 ** 6)
            versions = [h.version for h in sorted(entries, key=lambda h: h.id)]
            assert versions == list(range(1, current["version"] + 1)), f"{pid}: history versions {versions}"
            by_note = {h.note: h for h in entries if h.action != "create"}
            assert len(by_note) == len(entries) - 1 == len(mine), \
                f"{pid}: {len(mine)} accepted writes, {len(entries) - 1} history rows"
            for _, note, read_version, version, counter in mine:
                h = by_note[note]
                assert h.version == version == read_version + 1, (note, h.version, version, read_version)
                assert h.changes["investment_vnd"] == [counter - 1, counter]
            # The counter was read-modified-written by every writer: no increment was lost.
            assert current["investment_vnd"] == len(mine)
    finally:
        store.close()
    figures = {"processes": writers, "attempts": writers * attempts, "accepted": len(accepted),
               "answers": dict(sorted(answers.items()))}
    print(json.dumps(figures))
    record(f"concurrency.{'sqlite' if store_url.startswith('sqlite') else 'postgis'}.{size}", **figures)
