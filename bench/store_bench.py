"""Store bbox queries on both backends, timed in-process, and the PostGIS query plan.

    .venv/bin/python bench/store_bench.py 100000 [--boxes 200]

For each of the first ``--boxes`` boxes of bboxes.json (1% of the region's area), after one
untimed pass over them all (warm caches, as a serving process has), times with
``time.perf_counter``:

* ``count_projects(ProjectQuery(bbox=b))``: the spatial filter alone (exact intersects);
* ``feature_page_json(ProjectQuery(bbox=b, limit=100))``: what /ogc/.../items?limit=100 asks
  of the store (count + one page of 100 as JSON text);
* ``list_projects(ProjectQuery(bbox=b))``: every matching feature as parsed dicts.

Prints JSON: p50/p95/p99/max in ms and the mean number of matches per box, per backend and
call; ``plan`` holds ``EXPLAIN (ANALYZE, BUFFERS)`` of the statement the PostGIS store runs
for list_projects (compiled from the store's own query builder) and SQLite's
``EXPLAIN QUERY PLAN`` of the same call.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from gis.store import ProjectQuery, open_store  # noqa: E402
from gis.store.sql import _FEATURE_COLS  # noqa: E402
from load_stores import PG, pg_url, sqlite_url  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def summary(ms: list[float]) -> dict:
    return {"p50": statistics.median(ms), "p95": pct(ms, 95), "p99": pct(ms, 99), "max": max(ms), "n": len(ms)}


def time_calls(store, boxes) -> dict:
    calls = {
        "count_projects": lambda b: store.count_projects(ProjectQuery(bbox=tuple(b))),
        "feature_page_json_limit100": lambda b: store.feature_page_json(ProjectQuery(bbox=tuple(b), limit=100))[0],
        "list_projects": lambda b: len(store.list_projects(ProjectQuery(bbox=tuple(b)))),
    }
    out = {}
    for name, call in calls.items():
        for b in boxes:  # warm-up pass
            call(b)
        ms, matched = [], []
        for b in boxes:
            t0 = time.perf_counter()
            n = call(b)
            ms.append((time.perf_counter() - t0) * 1000)
            matched.append(n)
        out[name] = {**summary(ms), "mean_matched": statistics.mean(matched)}
    return out


def postgis_plan(store, n: int, box) -> str:
    stmt, _ = store._select_projects(ProjectQuery(bbox=tuple(box)), _FEATURE_COLS)
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    proc = subprocess.run(["psql", f"{PG}/bench_cantho_{n}", "-qAtc", f"EXPLAIN (ANALYZE, BUFFERS) {sql}"],
                          check=True, capture_output=True, text=True)
    return f"-- {sql}\n" + proc.stdout


def sqlite_plan(store, box) -> str:
    stmt, _ = store._select_projects(ProjectQuery(bbox=tuple(box)), _FEATURE_COLS)
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
    return f"-- {sql}\n" + "\n".join(f"{r[0]}|{r[1]}|{r[3]}" for r in rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int)
    ap.add_argument("--boxes", type=int, default=200)
    args = ap.parse_args(argv)
    with open(os.path.join(HERE, "out", "data", "bboxes.json"), encoding="utf-8") as f:
        boxes = json.load(f)[: args.boxes]
    result = {"size": args.size, "boxes": len(boxes), "plan": {}}
    for backend, url in (("sqlite", sqlite_url(args.size)), ("postgis", pg_url(args.size))):
        store = open_store(url)
        try:
            result[backend] = time_calls(store, boxes)
            result["plan"][backend] = postgis_plan(store, args.size, boxes[0]) if backend == "postgis" \
                else sqlite_plan(store, boxes[0])
        finally:
            store.close()
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
