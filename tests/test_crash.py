"""Killing a process in the middle of writes leaves the store readable and consistent.

A child process streams updates (printing each one after the store acknowledged it) and
is killed with SIGKILL at a random moment; then every acknowledged update must be there
with its history row, versions must match history, and SQLite's integrity check passes.
"""
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from gis.store import open_store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WRITER = r"""
import sys, json
from gis.store import open_store
store = open_store(sys.argv[1])
i = 0
while True:
    pid = "p%d" % (i % 3)
    current = store.get_project(pid)
    feature = store.update_project(pid, {"progress": i % 101, "description_en": "write %d" % i},
                                   expected_version=current["properties"]["version"], user="crash", note="n%d" % i)
    print(json.dumps([pid, feature["properties"]["version"], i]), flush=True)
    i += 1
"""


def feature(pid):
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [105.7, 10.0]},
            "properties": {"id": pid, "name_vi": pid, "name_en": pid, "sector": "tourism", "status": "implementation",
                           "lead_agency": "so-vhttdl", "location_accuracy": "approximate", "sources": ["test"]}}


@pytest.mark.parametrize("run", range(3))
def test_sigkill_during_writes_loses_nothing_acknowledged(store_url, run):
    store = open_store(store_url)
    store.migrate()
    for pid in ("p0", "p1", "p2"):
        store.create_project(feature(pid), user="test", note="start")
    store.close()

    child = subprocess.Popen([sys.executable, "-c", WRITER, store_url], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    # Kill at a random moment once the writer is under way (its start-up time depends on the machine's load).
    started = [child.stdout.readline() for _ in range(6)]
    assert all(line.startswith("[") for line in started), f"the writer did not get going: {started}"
    time.sleep(random.uniform(0.1, 1.0))
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    acknowledged = [json.loads(line) for line in "".join(started).splitlines() + out.splitlines()
                    if line.startswith("[")]
    assert len(acknowledged) > 5

    store = open_store(store_url)
    if store_url.startswith("sqlite"):
        import sqlite3

        path = store_url.split("sqlite:///", 1)[1]
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    last = {}
    for pid, version, i in acknowledged:
        last[pid] = (version, i)
    for pid in ("p0", "p1", "p2"):
        current = store.get_project(pid)
        history = store.history(pid, limit=100000)
        versions = sorted(h.version for h in history)
        # Every version has exactly one history row: nothing half-written.
        assert versions == list(range(1, current["properties"]["version"] + 1)), pid
        if pid in last:
            version, i = last[pid]
            # The last acknowledged write is there (a later unacknowledged one may be too).
            assert current["properties"]["version"] >= version
            notes = {h.note for h in history}
            assert f"n{i}" in notes
    store.close()
