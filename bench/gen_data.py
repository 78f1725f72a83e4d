"""Synthetic key projects for the benchmarks: seeded, valid against gis/project.schema.json.

    .venv/bin/python bench/gen_data.py --sizes 1000,10000,100000 [--seed 20261127] [--out bench/out/data]

Writes ``projects-<N>.geojson`` per size (each a prefix-free, independent draw with the same
seed, so a rerun gives the same bytes) and ``bboxes.json``: 500 random boxes, each 1% of the
region's area (a tenth of its width by a tenth of its height), the same list for every server.

Features: about 60% Point, 20% LineString, 20% Polygon, half of them clustered around the
region's towns and half spread uniformly over the region box (104.9, 9.4, 106.9, 11.0); the
sector is drawn among those whose schema allows the geometry type. Every feature is checked
with ``gis.schema.validate_feature`` (the app's own validator); any problem aborts.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from gis import schema  # noqa: E402
from gis.geo import REGION_BBOX  # noqa: E402

DEFAULT_SEED = 20261127
MARGIN = 0.01  # keep every vertex this far inside the region box
TOWNS = [  # (lon, lat, weight): the delta's towns where projects cluster
    (105.7833, 10.0333, 5), (105.6393, 10.1190, 2), (105.5620, 10.2750, 1), (105.4350, 10.3550, 1),
    (105.1000, 10.0100, 2), (105.9720, 9.6030, 2), (105.4690, 9.7840, 1), (106.3450, 10.3590, 2),
    (105.9700, 10.2530, 2), (105.6300, 10.4600, 1), (106.6600, 10.7600, 1), (105.3600, 10.7000, 1),
]
GEOMETRY_WEIGHTS = (("Point", 0.6), ("LineString", 0.2), ("Polygon", 0.2))
NOUNS = [("Cầu", "Bridge"), ("Đường", "Road"), ("Cảng", "Port"), ("Khu công nghiệp", "Industrial park"),
         ("Chợ đầu mối", "Wholesale market"), ("Khu du lịch", "Tourist area"), ("Kè", "Embankment"),
         ("Trạm bơm", "Pumping station"), ("Trung tâm logistics", "Logistics centre"), ("Xã", "Commune")]
PLACES = ["Cái Răng", "Ninh Kiều", "Bình Thủy", "Ô Môn", "Thốt Nốt", "Phong Điền", "Cờ Đỏ", "Thới Lai",
          "Vĩnh Thạnh", "Long Mỹ", "Vị Thanh", "Sóc Trăng", "Trà Ôn", "Châu Thành", "Mỹ Tú", "Kế Sách"]
SOURCES = ["https://cantho.gov.vn/", "https://skhdt.cantho.gov.vn/", "https://sogtvt.cantho.gov.vn/",
           "Kế hoạch thực hiện Chương trình hành động số 14-CTr/TU (UBND TP Cần Thơ, 2017)"]


def _allowed_sectors() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code in schema.codelist("sector"):
        for gtype in code.extra.get("geometry", []):
            out.setdefault(gtype, []).append(code.code)
    return out


def _clamp(lon: float, lat: float) -> list[float]:
    lon = min(max(lon, REGION_BBOX[0] + MARGIN), REGION_BBOX[2] - MARGIN)
    lat = min(max(lat, REGION_BBOX[1] + MARGIN), REGION_BBOX[3] - MARGIN)
    return [round(lon, 6), round(lat, 6)]


def _anchor(rng: random.Random) -> tuple[float, float]:
    if rng.random() < 0.5:
        lon, lat, _ = rng.choices(TOWNS, weights=[t[2] for t in TOWNS])[0]
        return lon + rng.gauss(0, 0.08), lat + rng.gauss(0, 0.06)
    return rng.uniform(REGION_BBOX[0], REGION_BBOX[2]), rng.uniform(REGION_BBOX[1], REGION_BBOX[3])


def _geometry(rng: random.Random, gtype: str) -> dict:
    lon, lat = _anchor(rng)
    if gtype == "Point":
        return {"type": "Point", "coordinates": _clamp(lon, lat)}
    if gtype == "LineString":  # a road or channel: a gently turning walk of 3-12 vertices
        heading, coords = rng.uniform(0, 2 * math.pi), [_clamp(lon, lat)]
        for _ in range(rng.randint(2, 11)):
            heading += rng.gauss(0, 0.4)
            step = rng.uniform(0.002, 0.02)
            lon, lat = lon + step * math.cos(heading), lat + step * math.sin(heading)
            coords.append(_clamp(lon, lat))
        if len({tuple(c) for c in coords}) < 2:  # clamped onto one spot: nudge inwards
            coords[-1] = _clamp(coords[0][0] + (0.01 if coords[0][0] < 106 else -0.01), coords[0][1])
        return {"type": "LineString", "coordinates": coords}
    # Polygon: a star-shaped ring around its centre (evenly spaced, jittered angles: it never
    # crosses itself), 5-9 vertices
    lon, lat = _clamp(lon, lat)
    lon = min(max(lon, REGION_BBOX[0] + 0.05), REGION_BBOX[2] - 0.05)
    lat = min(max(lat, REGION_BBOX[1] + 0.05), REGION_BBOX[3] - 0.05)
    radius = rng.uniform(0.003, 0.03)
    n = rng.randint(5, 9)
    angles = [(k + rng.uniform(-0.3, 0.3)) * 2 * math.pi / n for k in range(n)]
    ring = []
    for a in angles:
        r = radius * rng.uniform(0.5, 1.0)
        ring.append([round(lon + r * math.cos(a), 6), round(lat + r * math.sin(a), 6)])
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def _dates(rng: random.Random, status: str) -> dict:
    start = rng.randint(2012, 2026)
    out = {"planned_start": f"{start}-{rng.randint(1, 12):02d}", "planned_end": str(start + rng.randint(1, 6)),
           "actual_start": None, "actual_end": None}
    if status in ("implementation", "completion", "maintenance"):
        out["actual_start"] = f"{start}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if status in ("completion", "maintenance"):
        out["actual_end"] = f"{start + rng.randint(1, 5)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return out


def make_feature(rng: random.Random, i: int, sectors_for: dict, agencies: list, districts: list) -> dict:
    gtype = rng.choices([g for g, _ in GEOMETRY_WEIGHTS], weights=[w for _, w in GEOMETRY_WEIGHTS])[0]
    sector = rng.choice(sectors_for[gtype])
    status = rng.choices(["identification", "preparation", "implementation", "completion", "maintenance",
                          "cancelled"], weights=[2, 3, 4, 2, 2, 1])[0]
    noun_vi, noun_en = rng.choice(NOUNS)
    place = rng.choice(PLACES)
    pid = f"syn-{i:06d}"
    investment = rng.randint(5, 20000) * 1_000_000_000
    progress = {"identification": 0, "preparation": rng.randint(0, 10), "implementation": rng.randint(5, 95),
                "completion": 100, "maintenance": 100, "cancelled": None}[status]
    props = {
        "id": pid, "name_vi": f"{noun_vi} {place} số {i}", "name_en": f"{noun_en} {place} no. {i}",
        "sector": sector, "status": status, "progress": progress, "lead_agency": rng.choice(agencies),
        "plan_agency": None, "plan_section": f"III.{rng.randint(1, 9)}.{rng.choice('abcdefg')}",
        "plan_target": None, **_dates(rng, status),
        "investment_vnd": investment, "disbursed_vnd": investment * rng.randint(0, 100) // 100 if progress else None,
        "districts": rng.sample(districts, rng.randint(0, 2)),
        "description_vi": f"{noun_vi} tại {place}: dự án tổng hợp (dữ liệu tổng hợp cho kiểm thử hiệu năng).",
        "description_en": f"{noun_en} in {place}: synthetic project for the benchmarks.",
        "location_accuracy": rng.choice(["surveyed", "approximate", "indicative"]),
        "location_note": None, "sources": rng.sample(SOURCES, rng.randint(1, 2)), "data_notes": {},
    }
    return {"type": "Feature", "id": pid, "geometry": _geometry(rng, gtype), "properties": props}


def generate(n: int, seed: int) -> dict:
    rng = random.Random(f"{seed}:{n}")
    sectors_for = _allowed_sectors()
    agencies, districts = schema.codes("lead_agency"), schema.codes("districts")
    features = [make_feature(rng, i, sectors_for, agencies, districts) for i in range(1, n + 1)]
    for f in features:
        problems = schema.validate_feature(f)
        if problems:
            raise SystemExit(f"generated feature {f['id']} is invalid: {'; '.join(map(str, problems))}")
    return {"type": "FeatureCollection", "features": features}


def bboxes(seed: int, count: int = 500, fraction: float = 0.1) -> list[list[float]]:
    """Boxes of ``fraction`` x ``fraction`` of the region's extent (1% of its area)."""
    rng = random.Random(f"{seed}:bboxes")
    w, h = (REGION_BBOX[2] - REGION_BBOX[0]) * fraction, (REGION_BBOX[3] - REGION_BBOX[1]) * fraction
    out = []
    for _ in range(count):
        x, y = rng.uniform(REGION_BBOX[0], REGION_BBOX[2] - w), rng.uniform(REGION_BBOX[1], REGION_BBOX[3] - h)
        out.append([round(x, 5), round(y, 5), round(x + w, 5), round(y + h, 5)])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "data"))
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for n in (int(s) for s in args.sizes.split(",") if s):
        path = os.path.join(args.out, f"projects-{n}.geojson")
        if os.path.exists(path):
            print(f"{path} exists (delete it to regenerate)")
            continue
        fc = generate(n, args.seed)
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(fc, fh, ensure_ascii=False, separators=(",", ":"))
        os.replace(path + ".tmp", path)
        print(f"{path}: {n} features, {os.path.getsize(path):,} bytes")
    with open(os.path.join(args.out, "bboxes.json"), "w", encoding="utf-8") as fh:
        json.dump(bboxes(args.seed), fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
