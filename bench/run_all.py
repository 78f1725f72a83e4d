"""Every benchmark, end to end, then docs/benchmarks.md. What `make bench` runs.

    .venv/bin/python bench/run_all.py            # BENCH_SIZES=1000,10000,100000 BENCH_DURATION=15

Per size N: generate and load the data (cached under bench/out/), start our server on both
stores and the peers, run wrk on the OGC items (random 1% boxes) and on the whole collection
(ours vs nginx on the same bytes), time single requests for the growth table, time the map
pages in Chromium, read the workers' memory; then the store, write and profile benchmarks.
Results go to bench/out/results.json, and bench/report.py writes docs/benchmarks.md.
A peer that fails to start or answer is recorded with its error and skipped.
"""
from __future__ import annotations

import datetime
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
import types
import traceback
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import environment  # noqa: E402
import http_load  # noqa: E402
import page_time  # noqa: E402
import peer_configs  # noqa: E402
import profile_paths  # noqa: E402
import servers  # noqa: E402
from load_stores import pg_url, sqlite_url  # noqa: E402

PY = os.path.join(ROOT, ".venv", "bin", "python")
OUT = os.path.join(HERE, "out")
DATA = os.path.join(OUT, "data")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",") if s]
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
PAGE_RUNS = int(os.environ.get("BENCH_PAGE_RUNS", "5"))
PEER_PAGE_MAX = 10000  # uMap and the plain folium page: 1k and 10k (the figures)
ITEMS = "/ogc/collections/projects/items?limit=100&bbox={bbox}"
PEER_ITEMS = {"tipg": "/collections/peers.projects/items?limit=100&bbox={bbox}",
              "pygeoapi-postgresql": "/collections/projects_pg/items?f=json&limit=100&bbox={bbox}",
              "pygeoapi-geojson": "/collections/projects_geojson/items?f=json&limit=100&bbox={bbox}"}
GZIP = "Accept-Encoding: gzip"
R: dict = {"errors": {}, "commands": []}


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


def sh(cmd: list[str], **kw) -> str:
    R["commands"].append(" ".join(cmd).replace(ROOT + "/", ""))
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw).stdout


def attempt(key: str, fn, *args, **kw):
    """fn(...), or None with the error recorded under R["errors"][key]."""
    try:
        return fn(*args, **kw)
    except Exception as exc:  # noqa: BLE001 - a peer that fails is reported, not fatal
        R["errors"][key] = f"{type(exc).__name__}: {exc}"
        log(f"{key} FAILED: {exc}")
        traceback.print_exc()
        return None


def cpu_ticks(pids) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def wait_idle(server, limit: float = 180) -> None:
    """Until the server's processes use no CPU for 1 s (requests queued by wrk are done)."""
    pids = [server.proc.pid] + server.worker_pids()
    deadline, last = time.monotonic() + limit, cpu_ticks(pids)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu_ticks(pids)
        if now - last <= 5:
            return
        last = now


def front(nginx, port_name: str):
    """Ours behind the production nginx front (deploy/nginx/): the shared nginx, another port."""
    if nginx is None:
        return None
    return types.SimpleNamespace(url=f"http://127.0.0.1:{servers.PORTS[port_name]}", proc=nginx.proc,
                                 worker_pids=nginx.worker_pids)


def wrk(key: str, server, path: str = "/", *, bbox: str | None = None, headers=(), timeout: int = 60):
    if server is None:
        return None
    log(f"wrk {key}")
    res = attempt(key, http_load.run, server.url + (path if not bbox else ""), duration=DURATION, headers=headers,
                  bbox_template=bbox, bboxes=os.path.join(DATA, "bboxes.txt"), timeout=timeout,
                  settle=lambda: wait_idle(server))
    wait_idle(server)
    return res


def fetch(url: str, headers=None) -> tuple[float, bytes, dict]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=600) as r:
        body = r.read()
        return (time.perf_counter() - t0) * 1000, body, dict(r.headers)


def timed(url: str, runs: int, headers=None) -> dict:
    ms, sizes = [], []
    for _ in range(runs):
        t, body, _h = fetch(url, headers)
        ms.append(t)
        sizes.append(len(body))
    return {"ms": statistics.median(ms), "bytes": statistics.median(sizes), "runs": runs}


def growth(n: int, ours) -> dict:
    with open(os.path.join(DATA, "bboxes.json"), encoding="utf-8") as f:
        boxes = json.load(f)[:20]
    items = [fetch(ours.url + ITEMS.replace("{bbox}", ",".join(map(str, b)))) for b in boxes]
    return {"items": {"ms": statistics.median(t for t, _, _ in items),
                      "bytes": statistics.mean(len(b) for _, b, _ in items), "runs": len(items)},
            "export": timed(ours.url + "/api/projects/export?format=geojson", 3),
            "collection_gzip": timed(ours.url + "/api/projects", 3, {"Accept-Encoding": "gzip"}),
            "collection_identity": timed(ours.url + "/api/projects", 3)}


def publish_collection(n, ours) -> dict:
    """Our /api/projects bytes on disk for nginx, with the gzip -6 twin (gzip_static)."""
    _t, body, _h = fetch(ours.url + "/api/projects", {"Accept-Encoding": "identity"})
    path = os.path.join(peer_configs.WWW, f"projects-{n}.geojson")
    with open(path, "wb") as f:
        f.write(body)
    with open(path + ".gz", "wb") as f:
        f.write(gzip.compress(body, compresslevel=6, mtime=0))
    return {"identity": len(body), "gzip": os.path.getsize(path + ".gz")}


def pages(n: int, ours, umap_paths: dict | None, browser) -> dict:
    out = {"ours": attempt(f"page ours {n}", page_time.measure, browser, ours.url + "/", runs=PAGE_RUNS)}
    path = attempt(f"page profile {n}", page_time.profile, browser, ours.url + "/", f"map-page-chromium-{n}",
                   profile_paths.PROFILES)
    if path:
        R["profiles"].append(os.path.relpath(path, ROOT))
    if n <= PEER_PAGE_MAX:
        out["folium"] = attempt(f"page folium {n}", page_time.measure, browser,
                                f"http://127.0.0.1:{servers.PORTS['nginx']}/folium-{n}.html",
                                runs=PAGE_RUNS)
        if umap_paths and str(n) in umap_paths:
            out["umap"] = attempt(f"page umap {n}", page_time.measure, browser,
                                  f"http://127.0.0.1:{servers.PORTS['umap-nginx']}{umap_paths[str(n)]}",
                                  runs=PAGE_RUNS)
    return out


def memory(server) -> list[dict]:
    return [{"pid": pid, **servers.rss_kib(pid)} for pid in server.worker_pids()] if server else []


def one_size(n: int, umap_paths, browser) -> None:
    log(f"== {n} projects")
    sh([PY, "bench/load_stores.py", str(n)])
    if n <= PEER_PAGE_MAX:
        sh([PY, "bench/folium_page.py", str(n)])
    ours = {b: servers.ours(url, f"ours-{b}").start() for b, url in (("sqlite", sqlite_url(n)),
                                                                         ("postgis", pg_url(n)))}
    tipg = attempt(f"tipg {n}", lambda: servers.tipg(n).start())
    pyg = attempt(f"pygeoapi {n}", lambda: servers.pygeoapi(
        *peer_configs.pygeoapi_config(n, os.path.join(DATA, f"projects-{n}.geojson"))).start())
    R["published"][n] = publish_collection(n, ours["sqlite"])
    items = R["items"][n] = {}
    for b in ("sqlite", "postgis"):
        items[f"ours-{b}"] = wrk(f"items ours-{b} {n}", ours[b], bbox=ITEMS)
    items["tipg"] = wrk(f"items tipg {n}", tipg, bbox=PEER_ITEMS["tipg"])
    for key in ("pygeoapi-postgresql", "pygeoapi-geojson"):
        items[key] = wrk(f"items {key} {n}", pyg, bbox=PEER_ITEMS[key])
    if n == 10000 or n == SIZES[-1] and 10000 not in SIZES:  # a live profile of the items path
        spy = profile_paths.spy(ours["sqlite"].worker_pids()[0], f"live-ogc-items-sqlite-{n}", 10)
        attempt(f"py-spy items {n}", http_load.run, ours["sqlite"].url, duration=10, bbox_template=ITEMS,
                bboxes=os.path.join(DATA, "bboxes.txt"))
        R["profiles"] += [profile_paths.spy_finish(spy), f"bench/profiles/live-ogc-items-sqlite-{n}.svg"]
        wait_idle(ours["sqlite"])
    for s in (tipg, pyg):
        if s:
            s.stop()
    coll = R["collection"][n] = {}
    coll["ours-sqlite"] = wrk(f"collection ours-sqlite {n}", ours["sqlite"], "/api/projects", headers=[GZIP])
    coll["nginx"] = wrk(f"collection nginx {n}", R["_nginx"], f"/projects-{n}.geojson", headers=[GZIP])
    coll["ours-postgis"] = wrk(f"collection ours-postgis {n}", ours["postgis"], "/api/projects", headers=[GZIP])
    coll["ours-front"] = wrk(f"collection ours-front {n}", front(R["_nginx"], "ours-front"), "/api/projects",
                             headers=[GZIP])
    R["growth"][n] = attempt(f"growth {n}", growth, n, ours["sqlite"])
    R["pages"][n] = pages(n, ours["sqlite"], umap_paths, browser)
    R["memory"][n] = {name: memory(s) for name, s in (("ours-sqlite", ours["sqlite"]),
                                                        ("ours-postgis", ours["postgis"]))}
    for s in ours.values():
        s.stop()


def start_peers_once() -> dict | None:
    """nginx (static + uMap front) and uMap, shared by every size."""
    R["_nginx"] = attempt("nginx", lambda: servers.nginx(peer_configs.nginx_config(), servers.PORTS["nginx"]).start())
    page_sizes = [str(n) for n in SIZES if n <= PEER_PAGE_MAX]
    settings = peer_configs.umap_settings()
    out = attempt("umap setup", sh, [os.path.join(servers.PEERS, "umap", "bin", "python"), "bench/umap_setup.py",
                                     *page_sizes], env={**os.environ, "UMAP_SETTINGS": settings})
    if out is None:
        return None
    attempt("umap", lambda: servers.umap(settings).start())
    return json.loads(out.strip().splitlines()[-1])


def seed_runs() -> None:
    """The real seed data: page weight, and /api/projects vs nginx on the same bytes."""
    server = servers.ours(environment.seed_store(), "ours-seed").start()
    try:
        R["seed_page"] = attempt("seed page", environment.page_weight, server.url)
        R["published"]["seed"] = publish_collection("seed", server)
        R["collection"]["seed"] = {
            "ours-sqlite": wrk("collection ours seed", server, "/api/projects", headers=[GZIP]),
            "nginx": wrk("collection nginx seed", R["_nginx"], "/projects-seed.geojson", headers=[GZIP]),
            "ours-front": wrk("collection ours-front seed", front(R["_nginx"], "ours-seed-front"), "/api/projects",
                              headers=[GZIP])}
    finally:
        server.stop()


def main() -> int:
    from playwright.sync_api import sync_playwright

    R.update(started=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
             machine=environment.machine(), sizes=SIZES, duration=DURATION, page_runs=PAGE_RUNS,
             items={}, collection={}, growth={}, pages={}, memory={}, published={}, profiles=[])
    log(f"sizes {SIZES}, wrk {DURATION} s; load average {R['machine']['loadavg']}")
    sh([PY, "bench/gen_data.py", "--sizes", ",".join(map(str, SIZES))])
    http_load.bbox_lines(os.path.join(DATA, "bboxes.json"), os.path.join(DATA, "bboxes.txt"))
    try:
        umap_paths = start_peers_once()
        attempt("seed runs", seed_runs)
        with sync_playwright() as p:
            browser = page_time.launch(p)
            R["chromium"] = browser.version
            for n in SIZES:
                one_size(n, umap_paths, browser)
            browser.close()
    finally:
        servers.stop_all()
    big = SIZES[-1]
    log("store bbox queries")
    R["store"] = attempt("store", lambda: json.loads(sh([PY, "bench/store_bench.py", str(big)])))
    log("writes")
    R["writes"] = attempt("writes", lambda: json.loads(sh([PY, "bench/write_bench.py", str(min(10000, big))])))
    log("profiles")
    paths = attempt("profiles", sh, [PY, "bench/profile_paths.py", "inprocess", str(big),
                                     "--items-size", str(big)])
    R["profiles"] += [line[8:] for line in (paths or "").splitlines() if line.startswith("PROFILE ")]
    R["versions"] = environment.versions()
    R["machine"]["loadavg_end"] = environment.loadavg()
    R.pop("_nginx", None)
    with open(os.path.join(OUT, "results.json"), "w", encoding="utf-8") as f:
        json.dump(R, f, indent=1, default=str)
    sh([PY, "bench/report.py"])
    log("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
