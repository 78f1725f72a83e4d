"""The verdicts on issue #6's targets, from the results dict (see bench/report.py)."""
from __future__ import annotations

from report_sections import key_size, mb, ms, num, page_of, ratio, rps, verdict


def _items_target(r):
    n = key_size(r)
    it = r["items"].get(n, {})
    rows, oks = [], []
    tipg, pg = rps(it.get("tipg")), rps(it.get("pygeoapi-postgresql"))
    for b in ("ours-sqlite", "ours-postgis"):
        res = it.get(b)
        if not res:
            continue
        ok = (tipg is None or res["rps"] >= tipg) and (pg is None or res["rps"] >= 5 * pg) and res["p99"] < 100
        oks.append(ok)
        rows.append(f"{b}: {num(res['rps'])} req/s ({ratio(res['rps'], tipg)} tipg, {ratio(res['rps'], pg)} "
                    f"pygeoapi-PostgreSQL), p99 {ms(res['p99'])}")
    return "; ".join(rows) or "not measured", (all(oks) if oks else None)


def _collection_target(r):
    """Judged on ours as deployed (behind deploy/nginx/); the app alone is shown beside it."""
    alone, front, oks = [], [], []
    for n in ["seed"] + r["sizes"]:
        c = r["collection"].get(n) or {}
        ours, behind, ng = rps(c.get("ours-sqlite")), rps(c.get("ours-front")), rps(c.get("nginx"))
        label = n if n == "seed" else f"{n:,}"
        if ours is not None and ng:
            alone.append(f"{label}: {ratio(ours, ng)}")
        if behind is not None and ng:
            oks.append(behind >= ng / 2)
            front.append(f"{label}: {ratio(behind, ng)}")
    if not (alone or front):
        return "not measured", None
    text = "behind its nginx front / nginx " + (", ".join(front) or "not measured")
    text += "; gunicorn alone / nginx " + (", ".join(alone) or "not measured")
    return text, (all(oks) if oks else None)


def _store_target(r):
    s = r.get("store")
    if not s:
        return "not measured", None
    parts, oks = [], []
    for b in ("sqlite", "postgis"):
        d = s.get(b) or {}
        if d:
            oks.append(d["list_projects"]["p95"] < 20)
            parts.append(f"{b}: list {ms(d['list_projects']['p95'])}, count {ms(d['count_projects']['p95'])}, "
                         f"page of 100 {ms(d['feature_page_json_limit100']['p95'])}")
    return f"p95 at {s['size']:,}: " + "; ".join(parts), (all(oks) if oks else None)


def _page_target(r):
    parts, oks = [], []
    for n, limit_ms, limit_bytes in ((1000, 350, None), (10000, 1000, 1e6), (100000, None, 3e6)):
        p = page_of(r, n)
        if not p:
            continue
        ok = (limit_ms is None or p["ready"]["median"] <= limit_ms) and \
             (limit_bytes is None or p["transferred"] <= limit_bytes)
        if n == 100000:
            ok = ok and p.get("pan_ms") is not None and p["pan_ms"] <= 200
        oks.append(ok)
        parts.append(f"{n:,}: ready {ms(p['ready']['median'])}, {mb(p['transferred'])}"
                     + (f", pan {ms(p.get('pan_ms'))}" if n == 100000 else ""))
    return "; ".join(parts) or "not measured", (all(oks) if oks else None)


def _writes_target(r):
    w = r.get("writes")
    if not w:
        return "not measured", None
    return (f"{num(w['updates_per_s'])} updates/s, p99 {ms(w['update_p99'])} ({w['readers']} reader process)",
            w["updates_per_s"] >= 200 and w["update_p99"] < 50)


def _memory_target(r):
    n = max(r["memory"]) if r["memory"] else None
    if n is None:
        return "not measured", None
    workers = r["memory"][n].get("ours-sqlite") or []
    if not workers:
        return "not measured", None
    rss = max(w["VmRSS"] for w in workers) * 1024
    hwm = max(w["VmHWM"] for w in workers) * 1024
    return f"{n:,} projects: largest worker VmRSS after the runs {mb(rss)}, peak (VmHWM) {mb(hwm)}", hwm < 500e6


def _growth_target(r):
    g = {n: v for n, v in r["growth"].items() if isinstance(n, int) and v}
    if len(g) < 2:
        return "not measured", None
    lo, hi = min(g), max(g)
    items_growth = g[hi]["items"]["ms"] / g[lo]["items"]["ms"]
    page_lo, page_hi = page_of(r, lo), page_of(r, hi)
    page_growth = page_hi["transferred"] / page_lo["transferred"] if page_lo and page_hi else None
    text = (f"from {lo:,} to {hi:,} stored: items (≤ 100 returned) {ratio(g[hi]['items']['ms'], g[lo]['items']['ms'])}"
            f" the time; map page bytes {ratio(page_hi and page_hi['transferred'], page_lo and page_lo['transferred'])}"
            f"; export (returns all) {ratio(g[hi]['export']['ms'], g[lo]['export']['ms'])} the time for "
            f"{ratio(g[hi]['export']['bytes'], g[lo]['export']['bytes'])} the bytes")
    return text, items_growth < 2 and (page_growth is None or page_growth < 2)


def targets(r) -> str:
    rows = [("1. OGC items, 1% boxes, 10k: ≥ tipg, ≥ 5× pygeoapi, p99 < 100 ms", _items_target(r)),
            ("2. `/api/projects` ≥ ½ nginx on the same bytes", _collection_target(r)),
            ("3. Store bbox query on 100k < 20 ms p95, both backends", _store_target(r)),
            ("4. Map page: 1k ≤ 0.35 s; 10k ≤ 1.0 s and ≤ 1 MB; 100k < 3 MB, pan ≤ 200 ms", _page_target(r)),
            ("5. ≥ 200 durable updates/s, p99 < 50 ms, with readers", _writes_target(r)),
            ("6. One worker serving 100k < 500 MB RSS", _memory_target(r)),
            ("7. Cost grows with what is returned, not what is stored", _growth_target(r))]
    out = ["## Targets of issue #6 in this run", "", "| Target | Measured | Verdict |", "|---|---|---|"]
    out += [f"| {name} | {text} | {verdict(ok)} |" for name, (text, ok) in rows]
    return "\n".join(out) + "\n"
