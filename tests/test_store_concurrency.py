"""Several OS processes writing to one store at once (SQLite file and PostGIS).

What must hold: every accepted update is in history, versions of a project strictly
increase one by one, no update is lost (each history entry's old value is the value
the previous version set), stale writers get Conflict, and no process ever sees
"database is locked" or any other error.
"""
import multiprocessing
import random
import time
import traceback

from gis.errors import Conflict
from gis.store import open_store

IDS = ("cau-tran-hoang-na", "kcn-o-mon", "cang-cai-cui")
WORKERS = 4
ATTEMPTS = 25
JOIN_TIMEOUT = 60


def _feature(pid):
    return {"type": "Feature", "id": pid, "geometry": {"type": "Point", "coordinates": [105.75, 10.03]},
            "properties": {"id": pid, "name_vi": "Dự án", "name_en": "Project", "sector": "transport.road",
                           "status": "implementation", "lead_agency": "so-gtvt", "location_accuracy": "approximate",
                           "sources": ["Kế hoạch 14-CTr/TU"], "location_note": "initial"}}


def _update_worker(url, wid, start, results):
    """Read a project, think briefly, write it back with the version it read."""
    out = {"wid": wid, "accepted": [], "conflicts": 0, "stale_conflict": False, "race_created": False,
           "errors": []}
    try:
        store = open_store(url)
        rnd = random.Random(wid)
        start.wait(JOIN_TIMEOUT)
        try:  # everybody creates the same new project: exactly one may win
            store.create_project(_feature("race"), user=f"w{wid}", note="race")
            out["race_created"] = True
        except Conflict as exc:
            if exc.current is None or exc.current["id"] != "race":
                out["errors"].append(f"create conflict without the current feature: {exc.current!r}")
        for n in range(ATTEMPTS):
            pid = rnd.choice(IDS)
            read = store.get_project(pid)["properties"]["version"]
            time.sleep(rnd.random() * 0.004)
            marker = f"w{wid}-{n}"
            try:
                new = store.update_project(pid, {"location_note": marker}, expected_version=read,
                                           user=f"worker-{wid}", note=marker)
                if new["properties"]["version"] != read + 1:
                    out["errors"].append(f"{pid}: accepted at version {new['properties']['version']}, read {read}")
                out["accepted"].append((pid, new["properties"]["version"], marker))
            except Conflict as exc:
                out["conflicts"] += 1
                if exc.current["properties"]["version"] <= read:
                    out["errors"].append(f"{pid}: conflict but current version {exc.current['properties']['version']}"
                                         f" <= read {read}")
        try:  # the parent bumped every project to version 2 before the start: version 1 is stale
            store.update_project(IDS[0], {"location_note": "stale"}, expected_version=1, user="stale", note="")
            out["errors"].append("an update with a stale version was accepted")
        except Conflict:
            out["stale_conflict"] = True
        store.close()
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        out["errors"].append(traceback.format_exc())
    results.put(out)


def _migrate_worker(url, start, results):
    try:
        store = open_store(url)
        start.wait(JOIN_TIMEOUT)
        store.migrate()
        results.put(store.ping()["schema_revision"])
        store.close()
    except Exception:  # noqa: BLE001
        results.put(traceback.format_exc())


def _run(target, args_for):
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: no inherited connections
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), start, results)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    time.sleep(0.2)
    start.set()
    outs = [results.get(timeout=JOIN_TIMEOUT) for _ in procs]
    for p in procs:
        p.join(JOIN_TIMEOUT)
        assert p.exitcode == 0
    return outs


def test_concurrent_processes_never_lose_an_update_and_stale_writers_get_conflict(store_url):
    store = open_store(store_url)
    store.migrate()
    for pid in IDS:
        store.create_project(_feature(pid), user="setup", note="")
        store.update_project(pid, {"location_note": "bumped"}, expected_version=1, user="setup", note="")

    outs = _run(_update_worker, lambda i: (store_url, i))

    errors = [e for o in outs for e in o["errors"]]
    assert errors == []  # in particular no "database is locked"
    assert all(o["stale_conflict"] for o in outs)
    assert sum(o["race_created"] for o in outs) == 1
    assert len(store.history("race")) == 1
    accepted = [a for o in outs for a in o["accepted"]]
    conflicts = sum(o["conflicts"] for o in outs)
    assert len(accepted) + conflicts == WORKERS * ATTEMPTS
    assert conflicts > 0, "the workers never raced: the test did not exercise optimistic locking"

    for pid in IDS:
        mine = sorted((v, marker) for p, v, marker in accepted if p == pid)
        entries = list(reversed(store.history(pid, limit=1000)))  # oldest first
        versions = [h.version for h in entries]
        assert versions == list(range(1, len(entries) + 1))  # strictly increasing, no gaps, no duplicates
        assert len(entries) == 2 + len(mine)
        assert [(h.version, h.note) for h in entries[2:]] == mine  # every accepted update is there
        previous = "bumped"
        for h in entries[2:]:
            assert h.changes["location_note"][0] == previous  # no lost update
            previous = h.changes["location_note"][1]
        current = store.get_project(pid)["properties"]
        assert current["version"] == len(entries)
        assert current["location_note"] == previous
    store.close()


def test_concurrent_migrations_of_a_fresh_store_all_succeed(store_url):
    outs = _run(_migrate_worker, lambda i: (store_url,))
    assert len(set(outs)) == 1 and outs[0] is not None and len(outs) == WORKERS  # all at the same head
