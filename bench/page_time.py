"""Map pages in headless Chromium: time to ready, bytes transferred, time to answer a pan.

    .venv/bin/python bench/page_time.py URL [URL...] [--runs 5] [--warmup 2]

The same measurement for every page (ours, uMap, plain folium), reusing bench/page_weight.py's
browser set-up (Debian Chromium, 1280x800, tiles and every other external request aborted):

* ``ready``: ``window.mapReady`` where the page sets it (ours), else the "drawn" time below;
* ``drawn``: the last time the number of drawn features changed (markers in Leaflet's marker
  pane, SVG paths or canvases in its overlay pane), polled every animation frame; the page
  counts as drawn when that number is non-zero and stable for 1.5 s. Comparable across pages;
* ``transferred``: one cold load's bytes on the wire (headers + encoded bodies, as Chromium
  reports them) for every request to the server; ``raw``/``gzip6``: the bodies as served and
  as gzip -6 would send them (for a server that does not compress);
* ``pan``: a 300x200 px pan (``map.panBy``, no animation) until the later of ``moveend`` (+ two
  painted frames), the end of the last request it caused (a map loading by viewport) and the
  last change in drawn features; median of 5, after the page is drawn.

Median, min and max over ``--runs`` cold loads (fresh context each), after ``--warmup`` loads.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import time
import urllib.parse

from page_weight import CHROMIUM, CHROMIUM_ARGS, READY_PROBE, VIEWPORT, Blocker, gzip_size

DRAWN_PROBE = """
(() => {
  window.__drawn = {n: 0, at: null};
  const sel = ".leaflet-marker-pane > *, .leaflet-overlay-pane path, .leaflet-overlay-pane canvas";
  function tick() {
    const n = document.querySelectorAll(sel).length;
    if (n !== window.__drawn.n) window.__drawn = {n: n, at: performance.now()};
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();
"""

# Counts requests in flight (fetch and XMLHttpRequest) and when the last one ended, so that a
# map that loads by viewport is timed until its new data is drawn.
NETWORK_PROBE = """
(() => {
  window.__net = {inflight: 0, lastEnd: 0};
  const done = () => { window.__net.inflight--; window.__net.lastEnd = performance.now(); };
  const origFetch = window.fetch;
  window.fetch = function () {
    window.__net.inflight++;
    return origFetch.apply(this, arguments).then(r => { done(); return r; }, e => { done(); throw e; });
  };
  const origSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    window.__net.inflight++;
    this.addEventListener("loadend", done, {once: true});
    return origSend.apply(this, arguments);
  };
})();
"""

# Median of 5 pans: from panBy to the later of moveend, the last request it caused and the last
# change in drawn features, once nothing has happened for 1 s.
PAN = """async () => {
  let map = null;
  for (const k of Object.keys(window)) {
    try { if (window[k] instanceof L.Map) { map = window[k]; break; } } catch (e) {}
  }
  if (!map) return null;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let moved = 0;
    await new Promise(r => { map.once("moveend", () => { moved = performance.now(); r(); });
                             map.panBy([i % 2 ? -300 : 300, i % 2 ? -200 : 200], {animate: false}); });
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    let last = performance.now();
    for (;;) {
      await sleep(50);
      const d = window.__drawn.at || 0, n = window.__net.lastEnd || 0;
      last = Math.max(moved, d > t0 ? d : 0, n > t0 ? n : 0, window.__net.inflight > 0 ? performance.now() : 0);
      if (performance.now() - last >= 1000 || performance.now() - t0 > 20000) break;
    }
    times.push(last - t0);
  }
  times.sort((a, b) => a - b);
  return times[2];
}"""

STABLE_MS = 1500


def _context(browser, blocker):
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN")
    ctx.route("**/*", blocker)
    ctx.add_init_script(READY_PROBE)
    ctx.add_init_script(DRAWN_PROBE)
    ctx.add_init_script(NETWORK_PROBE)
    return ctx


def _wait_drawn(page, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = page.evaluate("() => ({d: window.__drawn, now: performance.now(), ready: window.__mapReadyAt})")
        d = state["d"]
        if d["n"] > 0 and state["now"] - d["at"] >= STABLE_MS:
            return {"drawn": d["at"], "elements": d["n"], "ready": state["ready"]}
        time.sleep(0.25)
    raise TimeoutError(f"nothing stable was drawn in {timeout_s:.0f} s")


def one_load(browser, url, blocker, *, weigh=False, pan=False, timeout_s=240) -> dict:
    ctx = _context(browser, blocker)
    page = ctx.new_page()
    page.set_default_timeout(timeout_s * 1000)
    finished = []
    if weigh:
        page.on("requestfinished", lambda req: finished.append(req))
    page.goto(url, wait_until="load")
    res = _wait_drawn(page, timeout_s)
    res["ready"] = res["ready"] if res["ready"] is not None else res["drawn"]
    if weigh:
        res.update(transferred=0, raw=0, gzip6=0, requests=0)
        for req in finished:
            if urllib.parse.urlsplit(req.url).hostname != blocker.host:
                continue
            sizes = req.sizes()
            res["transferred"] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            res["requests"] += 1
            resp = req.response()
            try:
                body = resp.body() if resp else b""
            except Exception:  # noqa: BLE001 - redirects have no body
                body = b""
            res["raw"] += len(body)
            res["gzip6"] += gzip_size(body)
    if pan:
        res["pan"] = page.evaluate(PAN)
    ctx.close()
    return res


def measure(browser, url: str, *, runs: int = 5, warmup: int = 2, timeout_s: float = 240) -> dict:
    blocker = Blocker(urllib.parse.urlsplit(url).hostname)
    for _ in range(warmup):
        one_load(browser, url, blocker, timeout_s=timeout_s)
    weight = one_load(browser, url, blocker, weigh=True, pan=True, timeout_s=timeout_s)
    loads = [one_load(browser, url, blocker, timeout_s=timeout_s) for _ in range(runs)]
    out = {"url": url, "runs": runs, "elements": weight["elements"], "pan_ms": weight["pan"],
           **{k: weight[k] for k in ("transferred", "raw", "gzip6", "requests")},
           "external_aborted": len(blocker.external), "tiles_aborted": blocker.tiles}
    for key in ("ready", "drawn"):
        values = [x[key] for x in loads]
        out[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return out


def profile(browser, url: str, name: str, folder: str) -> str:
    """A Chromium CPU profile (V8 sampling, 100 us) of one cold load until drawn -> ``folder/<name>.txt``:
    the navigation's milestones, then the functions with the most time, inclusive and self. "(program)"
    is the browser's native work (style, layout, paint, HTML parsing), "(idle)" waiting (network)."""
    blocker = Blocker(urllib.parse.urlsplit(url).hostname)
    one_load(browser, url, blocker)  # warm the server's caches, as the timed loads are
    ctx = _context(browser, blocker)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})
    cdp.send("Profiler.start")
    page.goto(url, wait_until="load")
    state = _wait_drawn(page, 240)
    prof = cdp.send("Profiler.stop")["profile"]
    nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
      return {response_end: n.responseEnd, dom_content_loaded: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }""")
    ctx.close()
    nodes = {n["id"]: n for n in prof["nodes"]}
    parent = {c: n["id"] for n in prof["nodes"] for c in n.get("children", [])}

    def label(node_id):
        f = nodes[node_id]["callFrame"]
        where = f["url"].rsplit("/", 1)[-1] or "(page)"
        return f"{f['functionName'] or '(anonymous)'} {where}:{f['lineNumber'] + 1}" if f["url"] else f["functionName"]

    inclusive, own = collections.Counter(), collections.Counter()
    for sample, delta in zip(prof["samples"], prof["timeDeltas"]):
        own[label(sample)] += delta
        seen, node = set(), sample
        while node is not None:
            key = label(node)
            if key not in seen:
                inclusive[key] += delta
                seen.add(key)
            node = parent.get(node)
    total = sum(prof["timeDeltas"])
    lines = [f"Chromium CPU profile of one cold load of {url}", "",
             "ms since navigation start: " + ", ".join(f"{k} {v:.0f}" for k, v in nav.items())
             + f", mapReady {state['ready'] or 0:.0f}, drawn {state['drawn']:.0f}",
             f"profiled {total / 1000:.0f} ms", "", "inclusive ms  function"]
    lines += [f"{v / 1000:10.1f}  {k}" for k, v in inclusive.most_common(40) if k != "(root)"]
    lines += ["", "self ms  function"] + [f"{v / 1000:10.1f}  {k}" for k, v in own.most_common(25)]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{name}.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("urls", nargs="+")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        for url in args.urls:
            print(json.dumps(measure(browser, url, runs=args.runs, warmup=args.warmup), indent=1))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
