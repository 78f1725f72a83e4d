"""Durable status updates per second on the embedded (SQLite) store while readers read.

    .venv/bin/python bench/write_bench.py 10000 [--seconds 10] [--readers 1]

Works on a copy of ``bench/out/stores/sqlite-<N>.db`` (the loaded stores stay unedited). The
writer calls ``store.update_project(...)`` back to back for ``--seconds``: each call is one
``BEGIN IMMEDIATE`` transaction that checks the version, updates the project and appends its
history row, committed with ``synchronous=FULL`` in WAL mode (durable: fsync at commit). It
flips a random project between "implementation" and "preparation" (so every call is a change
and writes a history row) with a random progress.
Meanwhile ``--readers`` separate processes (like other gunicorn workers) loop over
``feature_page_json(bbox, limit=100)`` (the OGC items query) on random 1% boxes.

Prints JSON: updates/s, update latency p50/p99/max (ms), reads/s and read p99 during the run.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from gis.store import ProjectQuery, open_store  # noqa: E402
from store_bench import pct  # noqa: E402


def reader(url: str, boxes: list, stop: mp.Event, out: mp.Queue, seed: int) -> None:
    store = open_store(url)
    rng, ms = random.Random(seed), []
    while not stop.is_set():
        t0 = time.perf_counter()
        store.feature_page_json(ProjectQuery(bbox=tuple(rng.choice(boxes)), limit=100))
        ms.append((time.perf_counter() - t0) * 1000)
    store.close()
    out.put(ms)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--readers", type=int, default=1)
    args = ap.parse_args(argv)
    src = os.path.join(HERE, "out", "stores", f"sqlite-{args.size}.db")
    dst = os.path.join(HERE, "out", "stores", f"writes-{args.size}.db")
    for suffix in ("-wal", "-shm", ""):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    shutil.copyfile(src, dst)
    url = "sqlite:///" + dst
    with open(os.path.join(HERE, "out", "data", "bboxes.json"), encoding="utf-8") as f:
        boxes = json.load(f)

    store = open_store(url)
    versions = {f["id"]: f["properties"]["version"] for f in store.list_projects(ProjectQuery(include_archived=True))}
    ids = sorted(versions)
    ctx = mp.get_context("spawn")
    stop, out = ctx.Event(), ctx.Queue()
    readers = [ctx.Process(target=reader, args=(url, boxes, stop, out, i)) for i in range(args.readers)]
    for p in readers:
        p.start()
    time.sleep(1.0)  # readers are reading before the first write

    rng, ms = random.Random(7), []
    t_start = time.perf_counter()
    while time.perf_counter() - t_start < args.seconds:
        pid = rng.choice(ids)
        status = "preparation" if versions[pid] % 2 else "implementation"  # always a change: a new version
        t0 = time.perf_counter()
        feature = store.update_project(pid, {"status": status, "progress": rng.randint(1, 99)},
                                       expected_version=versions[pid], user="bench", note="benchmark update")
        ms.append((time.perf_counter() - t0) * 1000)
        versions[pid] = feature["properties"]["version"]
    elapsed = time.perf_counter() - t_start
    stop.set()
    read_ms = [x for _ in readers for x in out.get(timeout=60)]
    for p in readers:
        p.join(30)
    store.close()
    with sqlite3.connect(dst) as conn:  # every update left its history row
        history = conn.execute("SELECT count(*) FROM history WHERE user = 'bench'").fetchone()[0]
    print(json.dumps({
        "size": args.size, "seconds": round(elapsed, 2), "updates": len(ms), "updates_per_s": len(ms) / elapsed,
        "update_p50": statistics.median(ms), "update_p99": pct(ms, 99), "update_max": max(ms),
        "readers": args.readers, "reads": len(read_ms), "reads_per_s": len(read_ms) / (elapsed + 1.0),
        "read_p50": statistics.median(read_ms) if read_ms else None, "read_p99": pct(read_ms, 99) if read_ms else None,
        "bench_history_rows": history,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
