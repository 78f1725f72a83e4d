"""Profiles of the slow paths, saved under bench/profiles/.

    .venv/bin/python bench/profile_paths.py inprocess 100000 [--items-size 10000]

* ``inprocess``: pyinstrument (text) of requests through the app's Flask test client with
  production settings on the SQLite store: ``GET /`` (the map page) and ``GET /api/projects``
  (gzip; a cold cache) on the N-project store, and 200 OGC items requests (limit=100, random
  1% boxes) on the ``--items-size`` store, 200 cache hits of ``/api/projects`` on the
  10k store, and 50 ``store.list_projects`` calls with a random 1% box on the N-project store
  (every matching project as a full feature) -> ``bench/profiles/<name>.txt``;
* ``spy()`` (used by bench/run_all.py during a wrk run): py-spy samples one live gunicorn
  worker -> ``<name>.svg`` (flame graph) and ``<name>.txt`` (the 25 heaviest frames of the
  collapsed stacks, inclusive and self).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROFILES = os.path.join(HERE, "profiles")
PY_SPY = os.path.join(ROOT, ".venv", "bin", "py-spy")


def spy(pid: int, name: str, seconds: int) -> subprocess.Popen:
    """Start py-spy on ``pid`` for ``seconds``; call ``spy_finish`` on the result afterwards."""
    os.makedirs(PROFILES, exist_ok=True)
    raw = os.path.join(PROFILES, f"{name}.collapsed")
    proc = subprocess.Popen(f"{PY_SPY} record -r 100 -d {seconds} --pid {pid} -o {PROFILES}/{name}.svg -f flamegraph "
                            f"&& {PY_SPY} record -r 100 -d {max(2, seconds // 2)} --pid {pid} -o {raw} -f raw",
                            shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc.bench_name = name
    return proc


def spy_finish(proc: subprocess.Popen) -> str:
    proc.wait(120)
    raw = os.path.join(PROFILES, f"{proc.bench_name}.collapsed")
    text = summarise_collapsed(raw) if os.path.exists(raw) else "py-spy wrote no samples\n"
    path = os.path.join(PROFILES, f"{proc.bench_name}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    if os.path.exists(raw):
        os.remove(raw)
    return os.path.relpath(path, ROOT)


def summarise_collapsed(path: str, top: int = 25) -> str:
    inclusive, self_, total = collections.Counter(), collections.Counter(), 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            for frame in set(frames):
                inclusive[frame] += n
            self_[frames[-1]] += n
    app = [(frame, n) for frame, n in inclusive.most_common() if "(gis/" in frame][:top]
    out = [f"py-spy samples: {total} (100 Hz). The app's own frames (gis/...), inclusive (share of samples):"]
    out += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in app]
    out += ["", "Self time (the frame itself was running):"]
    out += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in self_.most_common(top)]
    return "\n".join(out) + "\n"


def inprocess(size: int, items_size: int, hit_size: int = 10000) -> list[str]:
    sys.path.insert(0, ROOT)
    import secrets

    from pyinstrument import Profiler

    from app import create_app

    with open(os.path.join(HERE, "out", "data", "bboxes.json"), encoding="utf-8") as f:
        boxes = json.load(f)
    os.makedirs(PROFILES, exist_ok=True)
    written = []

    def client(n):
        url = "sqlite:///" + os.path.join(HERE, "out", "stores", f"sqlite-{n}.db")
        return create_app({"GIS_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                           "DATABASE_URL": url}).test_client()

    def profile(name, fn):
        profiler = Profiler(interval=0.001)
        profiler.start()
        fn()
        profiler.stop()
        path = os.path.join(PROFILES, f"{name}.txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(profiler.output_text(unicode=True, color=False, show_all=False))
        written.append(path)

    big = client(size)
    big.get("/healthz")
    profile(f"map-page-{size}", lambda: big.get("/"))
    profile(f"api-projects-{size}", lambda: big.get("/api/projects", headers={"Accept-Encoding": "gzip"}))
    small = client(items_size)
    rng = random.Random(1)
    small.get("/ogc/collections/projects/items?limit=100")

    def items():
        for _ in range(200):
            b = ",".join(map(str, rng.choice(boxes)))
            assert small.get(f"/ogc/collections/projects/items?limit=100&bbox={b}").status_code == 200

    profile(f"ogc-items-{items_size}-x200", items)
    if os.path.exists(os.path.join(HERE, "out", "stores", f"sqlite-{hit_size}.db")):
        hits = client(hit_size)
        hits.get("/api/projects", headers={"Accept-Encoding": "gzip"})  # fills the cache

        def cache_hits():
            for _ in range(200):
                assert hits.get("/api/projects", headers={"Accept-Encoding": "gzip"}).status_code == 200

        profile(f"api-projects-cache-hit-{hit_size}-x200", cache_hits)

    from gis.store import ProjectQuery, open_store

    store = open_store("sqlite:///" + os.path.join(HERE, "out", "stores", f"sqlite-{size}.db"))
    store.list_projects(ProjectQuery(bbox=tuple(boxes[0])))

    def store_list():
        for _ in range(50):
            store.list_projects(ProjectQuery(bbox=tuple(rng.choice(boxes))))

    profile(f"store-list-projects-{size}-x50", store_list)
    store.close()
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["inprocess"])
    ap.add_argument("size", type=int)
    ap.add_argument("--items-size", type=int, default=10000)
    args = ap.parse_args(argv)
    for path in inprocess(args.size, args.items_size):
        print("PROFILE " + os.path.relpath(path, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
