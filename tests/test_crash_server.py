"""Crash safety of the real server, on both backends.

1. ``gunicorn -w 2`` serves a store; three clients (one per project) stream authenticated
   status updates (``PATCH /api/projects/<id>`` with a Bearer token and ``If-Match``). At
   random points — after a random number of acknowledged updates — the master and its
   workers are killed together with SIGKILL, then the server is started again on the same
   store and the stream goes on. Afterwards:

   * every update that was acknowledged (2xx) is in the store: its history row carries its
     note, at the version the answer named, with the values sent;
   * nothing is half-written: each project has exactly one history row per version
     (1..current), each note at most once, only notes that were sent, and the project row
     agrees with its newest history row; an update whose answer was lost in the crash is
     either wholly there or wholly absent;
   * SQLite's ``PRAGMA integrity_check`` answers ``ok``.

2. An import (a large valid GeoJSON through ``gis.importing.preview.commit`` -> ``store.import_projects``)
   runs in a child process that is SIGKILLed in the middle of the transaction: afterwards
   either every row of that import exists (each with its history row) or none does, and the
   store takes the next import.

The default run is reduced (3 kills, about 300 updates; 2 import kills); the
``@pytest.mark.slow`` variants do 10 kills / about 2000 updates and 6 import kills.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from fuzz_profiles import Gunicorn, api_user, http as request, project_feature, record, sqlite_integrity
from gis import schema
from gis.store import open_store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECTS = ("crash-a", "crash-b", "crash-c")
STATUSES = [s for s in schema.codes("status") if s not in schema.STATUSES_NEEDING_ACTUAL_END]
SIZES = {"reduced": {"kills": 3, "per_round": (40, 120), "final": 60},
         "long": {"kills": 10, "per_round": (80, 300), "final": 200}}


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgis"


class Stream:
    """What the clients sent and what the server answered, across every server life."""

    def __init__(self, token: str):
        self.token = token
        self.lock = threading.Lock()
        self.sent = {}  # note -> (project id, properties)
        self.acked = {}  # note -> version named by the 2xx answer
        self.lost = set()  # notes whose answer never came (the server died)
        self.unexpected = []  # non-2xx answers (none expected: each client owns its project)
        self.counter = 0

    def acked_count(self) -> int:
        with self.lock:
            return len(self.acked)

    def client(self, url: str, pid: str, version: int, stop: threading.Event, budget: int):
        """Send updates of one project until the server dies, ``stop`` is set or ``budget`` is spent."""
        while not stop.is_set() and budget > 0:
            with self.lock:
                self.counter += 1
                n = self.counter
            props = {"status": STATUSES[n % len(STATUSES)], "progress": n % 101, "description_en": f"write {n}"}
            note = f"crash-{n}"
            with self.lock:
                self.sent[note] = (pid, props)
            try:
                status, headers, body = request("PATCH", f"{url}/api/projects/{pid}", token=self.token,
                                                headers={"If-Match": f'"{version}"'},
                                                body={"properties": props, "note": note})
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.lost.add(note)
                return
            budget -= 1
            if 200 <= status < 300:
                version = int(headers["ETag"].strip('"'))
                with self.lock:
                    self.acked[note] = version
            else:
                with self.lock:
                    self.unexpected.append((pid, status, body[:300]))
                return


def current_versions(url: str) -> dict:
    out = {}
    for pid in PROJECTS:
        status, _, body = request("GET", f"{url}/api/projects/{pid}")
        assert status == 200, body
        out[pid] = json.loads(body)["properties"]["version"]
    return out


def run_server_crashes(db_url: str, folder, size: str) -> dict:
    plan = SIZES[size]
    store = open_store(db_url)
    store.migrate()
    for i, pid in enumerate(PROJECTS):
        store.create_project(project_feature(pid, lon=105.70 + i / 100), user="crash-tests", note="start")
    stream = Stream(api_user(store))
    store.close()

    rng = random.Random()
    server = Gunicorn(db_url, folder)
    kills = 0
    try:
        for life in range(plan["kills"] + 1):
            url = server.start()
            versions = current_versions(url)  # an answer lost in the last crash may have committed
            last_life = life == plan["kills"]
            stop = threading.Event()
            budget = plan["final"] if last_life else 10 ** 9
            clients = [threading.Thread(target=stream.client, args=(url, pid, versions[pid], stop, budget))
                       for pid in PROJECTS]
            before = stream.acked_count()
            for t in clients:
                t.start()
            if not last_life:
                target = before + rng.randint(*plan["per_round"])
                deadline = time.monotonic() + 120
                while stream.acked_count() < target and time.monotonic() < deadline and \
                        any(t.is_alive() for t in clients):
                    time.sleep(0.002)
                time.sleep(rng.uniform(0, 0.05))  # land anywhere in a request, not just between two
                server.kill()
                kills += 1
            for t in clients:
                t.join(timeout=180)
            stop.set()
            assert not stream.unexpected, f"non-2xx answers to valid updates: {stream.unexpected[:5]}"
        server.stop()
    finally:
        server.kill()
    return check_store(db_url, stream, kills)


def check_store(db_url: str, stream: Stream, kills: int) -> dict:
    if backend(db_url) == "sqlite":
        assert sqlite_integrity(db_url) == "ok"
    store = open_store(db_url)
    try:
        found_acked = found_lost = 0
        for pid in PROJECTS:
            current = store.get_project(pid)
            entries = store.history(pid, limit=10 ** 6)
            versions = sorted(h.version for h in entries)
            assert versions == list(range(1, current["properties"]["version"] + 1)), \
                f"{pid}: history versions {versions[-5:]} do not match the project version"
            by_note = {}
            for h in entries:
                if h.action == "create":
                    continue
                assert h.note not in by_note, f"{pid}: note {h.note} written twice"
                assert h.note in stream.sent, f"{pid}: a history row nobody sent: {h.note}"
                by_note[h.note] = h
            for note, h in by_note.items():
                sent_pid, props = stream.sent[note]
                assert sent_pid == pid
                # wholly there: the row carries the description this update wrote
                assert h.changes.get("description_en", [None, None])[1] == props["description_en"], (note, h.changes)
                if note in stream.acked:
                    assert h.version == stream.acked[note], f"{note}: acknowledged as version " \
                                                            f"{stream.acked[note]}, stored as {h.version}"
                    found_acked += 1
                else:
                    assert note in stream.lost, f"{note} is stored but was neither acknowledged nor lost"
                    found_lost += 1
            newest = max(entries, key=lambda h: h.version)
            if newest.action != "create":
                _, props = stream.sent[newest.note]
                for key, value in props.items():
                    assert current["properties"].get(key) == value, f"{pid}.{key}: row and history disagree"
            missing = [n for n, v in stream.acked.items() if stream.sent[n][0] == pid and n not in by_note]
            assert not missing, f"{pid}: acknowledged updates missing after the crashes: {missing[:5]}"
        assert found_acked == len(stream.acked)
    finally:
        store.close()
    return {"kills": kills, "updates_sent": len(stream.sent), "acknowledged": len(stream.acked),
            "acknowledged_found": found_acked, "unanswered": len(stream.lost),
            "unanswered_found_whole": found_lost, "unanswered_absent": len(stream.lost) - found_lost}


@pytest.mark.parametrize("size", [pytest.param("reduced"), pytest.param("long", marks=pytest.mark.slow)])
def test_sigkilled_server_keeps_every_acknowledged_update(store_url, tmp_path, size):
    figures = run_server_crashes(store_url, tmp_path, size)
    print(json.dumps(figures))
    assert figures["kills"] == SIZES[size]["kills"]
    assert figures["acknowledged"] >= SIZES[size]["kills"] * SIZES[size]["per_round"][0]
    record(f"crash_server.{backend(store_url)}.{size}", **figures)


# -- an import killed mid-way -----------------------------------------------------------------

IMPORTER = r"""
import json, sys, time
from gis.importing.preview import commit
from gis.importing.readers import read_upload
from gis.store import open_store

sys.path.insert(0, "tests")
from fuzz_profiles import project_feature

store = open_store(sys.argv[1])
size = int(sys.argv[2])
batch = [0]
real = store.import_projects

def import_projects(creates, updates, **kw):
    print(json.dumps(["begin", batch[0], len(creates), time.monotonic()]), flush=True)
    out = real(creates, updates, **kw)
    print(json.dumps(["done", batch[0], len(out["created"]), time.monotonic()]), flush=True)
    return out

store.import_projects = import_projects
while True:
    k = batch[0]
    features = [project_feature(f"imp-{k}-{i}", lon=105.5 + (i % 100) / 500, lat=9.9 + (i // 100) / 500)
                for i in range(size)]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")
    layer = read_upload(f"batch-{k}.geojson", data)
    commit(layer, None, "add", store, user="import-crash", note=f"batch {k}")
    batch[0] += 1
"""


def _read_event(child) -> list:
    line = child.stdout.readline()
    if not line:
        raise AssertionError(f"the importer stopped: {child.stderr.read()[-2000:]}")
    return json.loads(line)


def kill_an_import(db_url: str, size: int, rng: random.Random) -> dict:
    """Let one batch finish (to time it), then SIGKILL the next one somewhere inside its transaction."""
    child = subprocess.Popen([sys.executable, "-c", IMPORTER, db_url, str(size)], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": ROOT})
    try:
        kind, first, _, began = _read_event(child)
        assert kind == "begin"
        kind, _, created, ended = _read_event(child)
        assert kind == "done" and created == size
        kind, killed_batch, _, _ = _read_event(child)
        assert kind == "begin"
        delay = rng.uniform(0.05, 0.95) * (ended - began)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        rest = child.stdout.read()
        finished = any(json.loads(line)[0] == "done" for line in rest.splitlines() if line.startswith("["))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    return {"done_batch": first, "killed_batch": killed_batch, "finished_before_kill": finished,
            "delay": delay, "duration": ended - began}


def _imported(store, batch: int) -> tuple[int, int]:
    """(projects, history rows) of one import batch."""
    from gis.store.base import ProjectQuery

    ids = [f["id"] for f in store.list_projects(ProjectQuery(include_archived=True))
           if f["id"].startswith(f"imp-{batch}-")]
    rows = sum(1 for h in store.history(limit=10 ** 6) if h.project_id.startswith(f"imp-{batch}-"))
    return len(ids), rows


@pytest.mark.parametrize("size", [pytest.param("reduced"), pytest.param("long", marks=pytest.mark.slow)])
def test_an_import_killed_mid_way_is_all_or_nothing(store_url, size):
    runs, features = (2, 1000) if size == "reduced" else (6, 2000)
    store = open_store(store_url)
    store.migrate()
    store.close()
    rng = random.Random()
    outcomes = {"none": 0, "all": 0}
    for run in range(runs):
        store = open_store(store_url)
        if run:
            store.clear_projects()  # every run starts from an empty store (ids repeat)
        store.close()
        kill = kill_an_import(store_url, features, rng)
        if backend(store_url) == "sqlite":
            assert sqlite_integrity(store_url) == "ok"
        store = open_store(store_url)
        try:
            assert _imported(store, kill["done_batch"]) == (features, features)
            projects, rows = _imported(store, kill["killed_batch"])
            assert (projects, rows) in ((0, 0), (features, features)), \
                f"half an import is stored: {projects} projects, {rows} history rows of {features} ({kill})"
            outcomes["all" if projects else "none"] += 1
            # The store takes the next import at once (no lock or half transaction left behind).
            store.import_projects([project_feature(f"after-kill-{run}")], [], user="t", note="after the kill")
            assert store.get_project(f"after-kill-{run}")["properties"]["version"] == 1
        finally:
            store.close()
    record(f"crash_import.{backend(store_url)}.{size}", import_kills=runs, features_per_import=features,
           left_nothing=outcomes["none"], left_everything=outcomes["all"])
