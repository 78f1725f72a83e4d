"""Weight of the public map page and its time to ready, in headless Chromium.

    .venv/bin/python bench/page_weight.py http://127.0.0.1:5000 [--path /] [--runs 5] [--warmup 2] [--files]

Against a running server (any: gunicorn, flask run), it prints Markdown:

* weight: one load of the page with every sub-resource it fetches (grouped by kind, then per
  file): bytes as served ("raw"; the app itself does not compress) and as gzip level 6 would
  send them (computed here with Python's gzip, per response body; fonts and images barely shrink);
* time to ready: ``--runs`` cold loads, each in a fresh browser context (empty HTTP cache, no
  cookies), from navigation start to the moment ``window.mapReady`` is set by static/js/map.js
  (a setter installed before the page runs records ``performance.now()``, whose origin is the
  navigation start); median, min and max, with responseStart (time to first byte),
  DOMContentLoaded and load for comparison. ``--warmup`` loads run first and are not counted
  (they warm the server's workers, not the browser).

Tiles (tile.openstreetmap.org) are aborted, as is every request that leaves the server's host;
the count of the latter is printed and should be 0.
"""
from __future__ import annotations

import argparse
import gzip
import os
import platform
import re
import statistics
import sys
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}
TILE_PATH = re.compile(r"/\d+/\d+/\d+(@2x)?\.(png|jpg|jpeg|webp|pbf)$")  # any tile server (uMap: CartoDB)

# Records when static/js/map.js sets window.mapReady (ms since navigation start).
READY_PROBE = """
(() => {
  let ready;
  Object.defineProperty(window, "mapReady", {
    configurable: true,
    get() { return ready; },
    set(v) { if (v && window.__mapReadyAt === undefined) window.__mapReadyAt = performance.now(); ready = v; },
  });
})();
"""

TIMINGS = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {ready: window.__mapReadyAt, ttfb: n.responseStart, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd};
}"""


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def kind_of(url: str, content_type: str, resource_type: str) -> str:
    ct = (content_type or "").split(";")[0].strip().lower()
    path = urllib.parse.urlsplit(url).path.lower()
    if resource_type == "document":
        return "HTML"
    if "javascript" in ct or path.endswith(".js"):
        return "JavaScript"
    if ct == "text/css" or path.endswith(".css"):
        return "CSS"
    if ct.startswith("font/") or "font" in ct or path.endswith((".woff", ".woff2", ".ttf", ".otf", ".eot")):
        return "Fonts"
    if ct.startswith("image/"):
        return "Images"
    return "Other"


def fmt_bytes(n: int) -> str:
    return f"{n:,}".replace(",", " ") + f" ({n / 1024:,.1f} KiB)"


class Blocker:
    """Lets the server's own host through; aborts tiles (any .../z/x/y.png) and anything else (counted)."""

    def __init__(self, host: str):
        self.host = host
        self.tiles = 0
        self.external: list[str] = []

    def __call__(self, route):
        url = route.request.url
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.hostname == self.host:
            route.continue_()
            return
        if (parts.hostname or "").endswith("openstreetmap.org") or TILE_PATH.search(parts.path):
            self.tiles += 1
        else:
            self.external.append(url)
        route.abort()


def open_context(browser, blocker):
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    ctx.route("**/*", blocker)
    ctx.add_init_script(READY_PROBE)
    return ctx


def measure_weight(browser, url, blocker):
    ctx = open_context(browser, blocker)
    page = ctx.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.mapReady === true", timeout=30000)
    page.wait_for_load_state("networkidle")
    rows, seen = [], set()
    for r in responses:
        if r.url in seen or urllib.parse.urlsplit(r.url).hostname != blocker.host:
            continue
        seen.add(r.url)
        try:
            body = r.body()
        except Exception:  # noqa: BLE001 - redirects have no body
            continue
        rows.append({"url": r.url, "status": r.status, "kind": kind_of(r.url, r.headers.get("content-type", ""),
                                                                        r.request.resource_type),
                     "raw": len(body), "gzip": gzip_size(body), "encoding": r.headers.get("content-encoding", "")})
    feature_count = page.evaluate("() => window.cantho && window.cantho.featureCount")
    ctx.close()
    return rows, feature_count, len(responses)


def time_to_ready(browser, url, blocker):
    ctx = open_context(browser, blocker)
    page = ctx.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.mapReady === true", timeout=30000)
    t = page.evaluate(TIMINGS)
    ctx.close()
    return t


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return (f"{os.cpu_count()} CPUs ({model}), {mem} RAM, {platform.system()} {platform.release()}; "
            f"load average before the run {load}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="base URL of a running server, e.g. http://127.0.0.1:5000")
    ap.add_argument("--path", default="/", help="page to measure (default /)")
    ap.add_argument("--runs", type=int, default=5, help="cold loads timed (default 5)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed loads first, one per server worker (default 2)")
    ap.add_argument("--files", action="store_true", help="also list every resource")
    ap.add_argument("--chromium", default=CHROMIUM)
    args = ap.parse_args(argv)

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed in this Python (pip install -r requirements.txt)", file=sys.stderr)
        return 2
    if not os.path.exists(args.chromium):
        print(f"{args.chromium} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    url = args.url.rstrip("/") + args.path
    blocker = Blocker(urllib.parse.urlsplit(url).hostname)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        version = browser.version
        for _ in range(args.warmup):
            time_to_ready(browser, url, blocker)
        rows, feature_count, n_responses = measure_weight(browser, url, blocker)
        timings = [time_to_ready(browser, url, blocker) for _ in range(args.runs)]
        browser.close()

    print(f"Page: `{url}` — {feature_count} projects drawn; Chromium {version} headless, "
          f"{VIEWPORT['width']}x{VIEWPORT['height']}; {machine()}\n")

    kinds = ["HTML", "JavaScript", "CSS", "Fonts", "Images", "Other"]
    print("| Resources | Files | Raw bytes | gzip -6 bytes |")
    print("|---|---:|---:|---:|")
    for kind in kinds:
        sel = [r for r in rows if r["kind"] == kind]
        if sel:
            print(f"| {kind} | {len(sel)} | {fmt_bytes(sum(r['raw'] for r in sel))} | "
                  f"{fmt_bytes(sum(r['gzip'] for r in sel))} |")
    print(f"| **Total** | **{len(rows)}** | **{fmt_bytes(sum(r['raw'] for r in rows))}** | "
          f"**{fmt_bytes(sum(r['gzip'] for r in rows))}** |")
    encoded = sorted({r["encoding"] for r in rows if r["encoding"]})
    print(f"\nServed compressed by the server: {', '.join(encoded) if encoded else 'none'}; "
          f"responses seen: {n_responses} (repeated URLs counted once); tile requests aborted: {blocker.tiles}; "
          f"other external requests aborted: {len(blocker.external)}"
          + (f" ({', '.join(sorted(set(blocker.external))[:5])})" if blocker.external else "") + "\n")

    if args.files:
        print("| File | Kind | Raw bytes | gzip -6 bytes |")
        print("|---|---|---:|---:|")
        for r in sorted(rows, key=lambda r: -r["raw"]):
            path = urllib.parse.urlsplit(r["url"]).path or "/"
            print(f"| `{path}` | {r['kind']} | {r['raw']:,} | {r['gzip']:,} |".replace(",", " "))
        print()

    print(f"| Cold load, ms from navigation start (n={len(timings)}) | Median | Min | Max |")
    print("|---|---:|---:|---:|")
    for key, label in (("ttfb", "First byte of the HTML (responseStart)"), ("dcl", "DOMContentLoaded end"),
                       ("ready", "**`window.mapReady` (time to ready)**"), ("load", "load event end")):
        values = [t[key] for t in timings]
        print(f"| {label} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
