#!/usr/bin/env python3
"""Build the base layers in layers/ from the reference files in /work/shared/reference.

    /work/main/.venv/bin/python tools/build_layers.py [--reference DIR] [--out DIR]

Writes (EPSG:4326 GeoJSON, (lon, lat) order, RFC 7946):
  layers/city.geojson      one feature: the 2017 city outline (union of the districts)
  layers/districts.geojson the 9 districts of 2017 (indicative polygons)
  layers/communes.geojson  the 85 wards / towns / communes of 2017 (indicative polygons)
  layers/rivers.geojson    the rivers and canals the plan names (schematic lines)
  layers/manifest.json     the layer list in drawing order

No official boundaries are available offline, so the polygons are INDICATIVE:

1. the 85 unit centroids (GADM-derived, can_tho_2017_units_centroids.json) are
   projected to UTM 48N (EPSG:32648);
2. an outline is derived from the data only: the union of the nine district
   bounding boxes intersected with a buffered concave hull (ratio 0.3) of the
   centroids; the buffer distance is chosen by bisection so that the outline area
   equals the sum of the reference district areas (1,448.3 km2);
3. each unit gets an area-weighted Voronoi cell (a power diagram: the boundary
   between units i and j is where |x-p_i|^2 - w_i = |x-p_j|^2 - w_j), with weights
   w_i = 0.75 * A_i / pi from the reference areas A_i. 0.75 is the largest of the
   tried factors (0.25, 0.5, 0.75, 1.0) for which every cell still contains its own
   centroid; it halves the spread of drawn/reference area ratios of plain Voronoi;
4. cells are clipped to the outline, dissolved by district for districts.geojson
   and by everything for city.geojson; areas are measured in EPSG:32648.

The river lines are schematic polylines through the points listed in RIVERS below
(each vertex says where it comes from). tools/build_projects.py reuses them for
the waterway projects.

The output is deterministic: same inputs -> byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import os
import unicodedata

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box, mapping

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_REFERENCE = "/work/shared/reference"

UTM = "EPSG:32648"
HULL_RATIO = 0.3
WEIGHT_FACTOR = 0.75
GRID_M = 0.5  # precision grid (metres) used while building, so shared edges coincide
DECIMALS = 6  # output decimals for polygons (about 0.1 m)

TO_UTM = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
TO_WGS = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)

# -- names --------------------------------------------------------------------------

# District keys of the centroid file -> (schema code, name_vi, name_en, kind)
DISTRICTS = {
    "NinhKiều": ("ninh-kieu", "Quận Ninh Kiều", "Ninh Kieu urban district", "quan"),
    "ÔMôn": ("o-mon", "Quận Ô Môn", "O Mon urban district", "quan"),
    "BìnhThuỷ": ("binh-thuy", "Quận Bình Thủy", "Binh Thuy urban district", "quan"),
    "CáiRăng": ("cai-rang", "Quận Cái Răng", "Cai Rang urban district", "quan"),
    "ThốtNốt": ("thot-not", "Quận Thốt Nốt", "Thot Not urban district", "quan"),
    "VĩnhThạnh": ("vinh-thanh", "Huyện Vĩnh Thạnh", "Vinh Thanh rural district", "huyen"),
    "CờĐỏ": ("co-do", "Huyện Cờ Đỏ", "Co Do rural district", "huyen"),
    "PhongĐiền": ("phong-dien", "Huyện Phong Điền", "Phong Dien rural district", "huyen"),
    "ThớiLai": ("thoi-lai", "Huyện Thới Lai", "Thoi Lai rural district", "huyen"),
}
DISTRICT_ORDER = [v[0] for v in DISTRICTS.values()]

# Spellings in the GADM-derived names that differ from the usual modern spelling.
NAME_FIXES = {
    "Thanh An": "Thạnh An",        # Vĩnh Thạnh district town (GADM drops the dot below)
    "Thạnh Qưới": "Thạnh Quới",    # GADM typo; communes_table.md has "Thạnh Quới"
    "Thạnh Hoà": "Thạnh Hòa",      # old-style accent placement
    "Bình Thuỷ": "Bình Thủy",
}
TYPES = {  # centroid-file type -> (type as written, English word, id infix)
    "Phường": ("Phường", "ward", ""),
    "Thịtrấn": ("Thị trấn", "town", "thi-tran-"),
    "Xã": ("Xã", "commune", ""),
}


def restore_spaces(name: str) -> str:
    """'BùiHữuNghĩa' -> 'Bùi Hữu Nghĩa', 'TrườngXuânA' -> 'Trường Xuân A', 'ÔMôn' -> 'Ô Môn'."""
    out = []
    for i, ch in enumerate(name):
        if i > 0 and ch.isupper():
            out.append(" ")
        out.append(ch)
    text = "".join(out)
    return NAME_FIXES.get(text, text)


def ascii_fold(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def slug(text: str) -> str:
    out, prev_dash = [], False
    for ch in ascii_fold(text).lower():
        if ch.isalnum():
            out.append(ch)
            prev_dash = False
        elif not prev_dash:
            out.append("-")
            prev_dash = True
    return "".join(out).strip("-")


# -- rivers (schematic) ---------------------------------------------------------------
# Each vertex: (lat, lon, where it comes from). Order: upstream -> downstream for the
# Hậu; mouth -> upstream for the tributaries and canals. Shared with build_projects.py.

RIVERS = {
    "song-hau": {
        "name_vi": "Sông Hậu",
        "name_en": "Hau River (Bassac)",
        "kind": "river",
        "national_waterway": True,
        "points": [
            (10.33, 105.49, "Cái Sắn canal mouth on the Hậu, Thốt Nốt / An Giang border (facts.json #8, LOW estimate)"),
            (10.316806, 105.503806, "Vàm Cống bridge (facts.json #0, published coordinate, HIGH)"),
            (10.2482, 105.5737, "Tân Lộc island = Tân Lộc ward centroid, the island in the Hậu (facts.json #14)"),
            (10.12, 105.63, "Ô Môn river mouth (facts.json #8, LOW estimate)"),
            (10.077, 105.757, "Cồn Sơn islet in the Hậu (facts.json #13, MEDIUM estimate)"),
            (10.034, 105.788, "Cần Thơ river mouth at Ninh Kiều wharf (facts.json #8, MEDIUM estimate)"),
            (10.025, 105.822, "Cần Thơ bridge (facts.json #1, LOW-MEDIUM estimate)"),
            (9.995, 105.835, "Cái Cui port, Tân Phú ward bank (facts.json #9, LOW-MEDIUM estimate)"),
            (9.56, 106.42, "Định An estuary / Quan Chánh Bố sea channel (facts.json #8, LOW estimate); "
                           "straight schematic segment from Cái Cui, no intermediate point known"),
        ],
        "note_en": "Schematic line through estimated points along the river (Vàm Cống bridge, Tân Lộc island, "
                   "Cồn Sơn, Cần Thơ river mouth, Cần Thơ bridge, Cái Cui); the last segment to the estuary is "
                   "a straight line. Not the river banks or the navigation channel.",
        "note_vi": "Đường minh họa nối các điểm ước lượng dọc sông (cầu Vàm Cống, cồn Tân Lộc, Cồn Sơn, vàm "
                   "sông Cần Thơ, cầu Cần Thơ, Cái Cui); đoạn cuối ra cửa sông là đường thẳng. Không phải bờ sông "
                   "hay luồng tàu.",
    },
    "song-can-tho": {
        "name_vi": "Sông Cần Thơ",
        "name_en": "Can Tho River",
        "kind": "river",
        "national_waterway": True,
        "points": [
            (10.034, 105.788, "mouth at Ninh Kiều wharf (facts.json #8, MEDIUM estimate)"),
            (9.9994, 105.7509, "Lê Bình ward centroid (Cái Răng), the ward on the river at Cái Răng "
                               "(GADM-derived centroid; schematic vertex)"),
            (10.0059, 105.6711, "Phong Điền town centroid, the town on the river (GADM-derived centroid; "
                                "schematic vertex)"),
        ],
        "note_en": "Schematic: only the mouth is an estimated point in the reference facts; the two upstream "
                   "vertices are centroids of the ward and town the river runs through (Lê Bình, Phong Điền), "
                   "so the line gives the general course only. The upstream end of the national route is not "
                   "given in the references.",
        "note_vi": "Minh họa: chỉ có vàm sông là điểm ước lượng trong dữ liệu tham chiếu; hai điểm phía thượng "
                   "nguồn là tâm phường Lê Bình và thị trấn Phong Điền mà sông chảy qua, nên đường chỉ thể hiện "
                   "hướng chung.",
    },
    "kenh-cai-san": {
        "name_vi": "Kênh Cái Sắn",
        "name_en": "Cai San Canal",
        "kind": "canal",
        "national_waterway": True,
        "points": [
            (10.33, 105.49, "mouth on the Hậu at the Thốt Nốt / An Giang border (facts.json #8, LOW estimate)"),
            (10.2222, 105.40, "Vĩnh Thạnh town centroid (GADM-derived; schematic vertex near the Lộ Tẻ - Rạch "
                              "Sỏi road line, which follows the canal corridor)"),
            (10.1427, 105.3331, "Thạnh An town centroid (GADM-derived; schematic vertex, same corridor)"),
        ],
        "note_en": "Schematic: only the mouth is an estimated point in the reference facts; the line is drawn "
                   "south-west across Vĩnh Thạnh district through the centroids of its two towns, which lie on "
                   "the Lộ Tẻ - Rạch Sỏi corridor. The continuation into An Giang / Kiên Giang is not drawn.",
        "note_vi": "Minh họa: chỉ có vàm kênh là điểm ước lượng trong dữ liệu tham chiếu; đường vẽ theo hướng "
                   "tây nam qua huyện Vĩnh Thạnh, qua tâm hai thị trấn Vĩnh Thạnh và Thạnh An. Không vẽ đoạn "
                   "ngoài thành phố.",
    },
    "song-o-mon-kenh-thi-doi": {
        "name_vi": "Sông Ô Môn - kênh Thị Đội",
        "name_en": "O Mon River - Thi Doi Canal",
        "kind": "river",
        "national_waterway": True,
        "points": [
            (10.12, 105.63, "Ô Môn river mouth / Ô Môn town (facts.json #8, LOW estimate)"),
            (10.064, 105.5597, "Thới Lai town centroid (GADM-derived; schematic vertex: the town on the Ô Môn "
                               "river)"),
        ],
        "note_en": "Schematic: only the Ô Môn river mouth is an estimated point in the reference facts; the line "
                   "runs to the centroid of Thới Lai town on the Ô Môn river. The Thị Đội canal beyond it is not "
                   "drawn (no point known).",
        "note_vi": "Minh họa: chỉ có vàm sông Ô Môn là điểm ước lượng trong dữ liệu tham chiếu; đường nối tới tâm "
                   "thị trấn Thới Lai. Không vẽ kênh Thị Đội phía sau (không có điểm tham chiếu).",
    },
}


def river_line(key: str) -> LineString:
    """The schematic line of a river, (lon, lat)."""
    return LineString([(lon, lat) for lat, lon, _ in RIVERS[key]["points"]])


# -- geometry helpers -------------------------------------------------------------------

def to_utm(geom):
    return shapely.transform(geom, lambda a: np.column_stack(TO_UTM.transform(a[:, 0], a[:, 1])))


def to_wgs(geom):
    return shapely.transform(geom, lambda a: np.column_stack(TO_WGS.transform(a[:, 0], a[:, 1])))


def round_geom(geom, decimals=DECIMALS):
    return shapely.transform(geom, lambda a: np.round(a, decimals))


def km2(geom_utm) -> float:
    return round(geom_utm.area / 1e6, 1)


def polygon_json(geom_utm) -> dict:
    """UTM polygon -> rounded WGS84 GeoJSON geometry, checked valid."""
    g = round_geom(to_wgs(geom_utm))
    if not g.is_valid:
        g = shapely.make_valid(g)
    g = shapely.orient_polygons(g, exterior_cw=False)  # RFC 7946: exterior rings counterclockwise
    assert g.is_valid and not g.is_empty, "invalid polygon after rounding"
    assert g.geom_type in ("Polygon", "MultiPolygon"), g.geom_type
    return mapping(g)


def _halfplane(p_i, p_j, w_i, w_j, centre, big=1e6) -> Polygon:
    """Points x with |x-p_i|^2 - w_i <= |x-p_j|^2 - w_j (a half-plane), as a big polygon."""
    a = 2 * (p_j - p_i)
    b = (p_j @ p_j - p_i @ p_i) - w_j + w_i
    norm = np.linalg.norm(a)
    n = a / norm
    x0 = centre - n * (n @ centre - b / norm)  # foot of the perpendicular from the centre
    t = np.array([-n[1], n[0]])
    p1, p2 = x0 + t * big, x0 - t * big
    return Polygon([p1, p2, p2 - n * big, p1 - n * big])


def power_cells(points: np.ndarray, weights: np.ndarray, clip) -> list:
    """Power-diagram cell of every point, clipped to ``clip``."""
    centre = points.mean(axis=0)
    minx, miny, maxx, maxy = clip.bounds
    frame = box(minx - 1e4, miny - 1e4, maxx + 1e4, maxy + 1e4)
    cells = []
    for i in range(len(points)):
        cell = frame
        for j in range(len(points)):
            if j != i:
                cell = cell.intersection(_halfplane(points[i], points[j], weights[i], weights[j], centre))
        cells.append(shapely.set_precision(cell.intersection(clip), GRID_M))
    return cells


def derive_outline(points_utm: list, district_boxes_utm: list, target_m2: float):
    """Union of the district bboxes intersected with a buffered concave hull of the centroids;
    the buffer is bisected so that the outline area equals ``target_m2``."""
    boxes = shapely.union_all(district_boxes_utm)
    hull = shapely.concave_hull(MultiPoint(points_utm), ratio=HULL_RATIO)
    lo, hi = 0.0, 10000.0
    for _ in range(50):
        mid = (lo + hi) / 2
        if boxes.intersection(hull.buffer(mid)).area < target_m2:
            lo = mid
        else:
            hi = mid
    buffer_m = round((lo + hi) / 2, 1)
    outline = shapely.set_precision(boxes.intersection(hull.buffer(buffer_m)), GRID_M)
    return outline, buffer_m


# -- build ------------------------------------------------------------------------------

def load_units(reference: str) -> dict:
    with open(os.path.join(reference, "can_tho_2017_units_centroids.json"), encoding="utf-8") as f:
        return json.load(f)


def unit_records(data: dict) -> list[dict]:
    """The 85 units with restored names, codes and ids (centroid-file order)."""
    out = []
    for c in data["communes"]:
        code, dname_vi, _dname_en, _kind = DISTRICTS[c["district"]]
        name = restore_spaces(c["name"])
        type_vi, type_en, infix = TYPES[c["type"]]
        out.append({
            "id": f"{code}-{infix}{slug(name)}",
            "name": name,
            "type": type_vi,
            "type_en": type_en,
            "district": code,
            "district_name_vi": dname_vi,
            "lat": c["lat"],
            "lon": c["lon"],
            "area_km2": c["area_km2"],
            "gid": c.get("gid"),
        })
    ids = [u["id"] for u in out]
    assert len(ids) == len(set(ids)), "duplicate unit ids"
    return out


def read_ntm_table(reference: str) -> list[tuple[str, str]]:
    """(district name, commune name) rows of communes_table.md."""
    rows = []
    with open(os.path.join(reference, "communes_table.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 2 and cells[0] and not cells[0].startswith(("District", "---")):
                rows.append((cells[0], cells[1]))
    return rows


def build(reference: str, out_dir: str) -> dict:
    data = load_units(reference)
    units = unit_records(data)

    # check the 36 communes against communes_table.md
    xa = sorted((u["district_name_vi"].split(" ", 1)[1], u["name"]) for u in units if u["type"] == "Xã")
    table = sorted(read_ntm_table(reference))
    assert len(xa) == 36, len(xa)
    assert xa == table, f"commune list differs from communes_table.md: {set(xa) ^ set(table)}"

    points = np.array([TO_UTM.transform(u["lon"], u["lat"]) for u in units])
    target = np.array([u["area_km2"] for u in units]) * 1e6
    dboxes = []
    for key in DISTRICTS:
        bb = data["districts"][key]["bbox"]  # [minlat, minlon, maxlat, maxlon]
        dboxes.append(to_utm(box(bb[1], bb[0], bb[3], bb[2])))
    ref_total = sum(v["area_km2"] for v in data["districts"].values()) * 1e6
    outline, buffer_m = derive_outline([Point(p) for p in points], dboxes, ref_total)

    cells = power_cells(points, WEIGHT_FACTOR * target / np.pi, outline)
    for u, cell, p in zip(units, cells, points):
        assert cell.geom_type == "Polygon" and cell.contains(Point(p)), u["id"]

    # communes
    commune_features = []
    for u, cell in sorted(zip(units, cells), key=lambda uc: (DISTRICT_ORDER.index(uc[0]["district"]), uc[0]["id"])):
        name_en = f"{ascii_fold(u['name'])} {u['type_en']}"
        commune_features.append({
            "type": "Feature",
            "id": u["id"],
            "geometry": polygon_json(cell),
            "properties": {
                "id": u["id"],
                "name_vi": f"{u['type']} {u['name']}",
                "name_en": name_en,
                "type": u["type"],
                "district": u["district"],
                "district_name_vi": u["district_name_vi"],
                "ntm_commune": u["type"] == "Xã",
                "area_km2_reference": u["area_km2"],
                "area_km2_drawn": km2(cell),
                "centroid_lat": u["lat"],
                "centroid_lon": u["lon"],
                "gadm_gid": u["gid"],
                "accuracy": "indicative",
            },
        })

    # districts
    district_features, district_geoms, area_rows = [], [], []
    for key, (code, name_vi, name_en, kind) in DISTRICTS.items():
        ref = data["districts"][key]
        mine = [cell for u, cell in zip(units, cells) if u["district"] == code]
        geom = shapely.set_precision(shapely.union_all(mine), GRID_M)
        district_geoms.append(geom)
        drawn = km2(geom)
        counts = {t: sum(1 for u in units if u["district"] == code and u["type"] == t)
                  for t in ("Phường", "Thị trấn", "Xã")}
        area_rows.append({"id": code, "name_vi": name_vi, "reference": ref["area_km2"], "drawn": drawn,
                          "ratio": round(drawn / ref["area_km2"], 2), "parts": geom.geom_type,
                          "units": len(mine)})
        district_features.append({
            "type": "Feature",
            "id": code,
            "geometry": polygon_json(geom),
            "properties": {
                "id": code,
                "name_vi": name_vi,
                "name_en": name_en,
                "kind": kind,
                "area_km2_reference": ref["area_km2"],
                "area_km2_drawn": drawn,
                "area_ratio": round(drawn / ref["area_km2"], 2),
                "wards": counts["Phường"],
                "towns": counts["Thị trấn"],
                "communes": counts["Xã"],
                "centroid_lat": ref["lat"],
                "centroid_lon": ref["lon"],
                "accuracy": "indicative",
            },
        })

    city = shapely.set_precision(shapely.union_all(district_geoms), GRID_M)
    city_feature = {
        "type": "Feature",
        "id": "can-tho-2017",
        "geometry": polygon_json(city),
        "properties": {
            "id": "can-tho-2017",
            "name_vi": "Thành phố Cần Thơ (địa giới 2017)",
            "name_en": "Can Tho City (2017 extent)",
            "area_km2_reference": round(ref_total / 1e6, 1),
            "area_km2_drawn": km2(city),
            "districts": 9,
            "wards": sum(1 for u in units if u["type"] == "Phường"),
            "towns": sum(1 for u in units if u["type"] == "Thị trấn"),
            "communes": sum(1 for u in units if u["type"] == "Xã"),
            "valid_until": "2025-06-30",
            "accuracy": "indicative",
        },
    }

    river_features = []
    for key, r in RIVERS.items():
        line = river_line(key)
        assert line.is_valid and line.is_simple, key
        river_features.append({
            "type": "Feature",
            "id": key,
            "geometry": mapping(round_geom(line, 7)),
            "properties": {
                "id": key,
                "name_vi": r["name_vi"],
                "name_en": r["name_en"],
                "kind": r["kind"],
                "national_waterway": r["national_waterway"],
                "vertices": [p[2] for p in r["points"]],
                "accuracy": "indicative",
                "note_vi": r["note_vi"],
                "note_en": r["note_en"],
            },
        })

    manifest = build_manifest(buffer_m)
    os.makedirs(out_dir, exist_ok=True)
    write_fc(os.path.join(out_dir, "city.geojson"), [city_feature], "city")
    write_fc(os.path.join(out_dir, "districts.geojson"), district_features, "districts")
    write_fc(os.path.join(out_dir, "communes.geojson"), commune_features, "communes")
    write_fc(os.path.join(out_dir, "rivers.geojson"), river_features, "rivers")
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
        f.write("\n")

    # gaps/overlaps check of the tessellation
    overlap = sum(a.intersection(b).area for i, a in enumerate(cells) for b in cells[i + 1:]
                  if a.intersects(b)) / 1e6
    gap = (outline.area - shapely.union_all(cells).area) / 1e6
    return {"buffer_m": buffer_m, "outline_km2": round(outline.area / 1e6, 1), "areas": area_rows,
            "city_km2": km2(city), "overlap_km2": round(overlap, 4), "gap_km2": round(gap, 4),
            "commune_ratios": sorted(
                (round(c.area / 1e6 / u["area_km2"], 2), u["id"]) for u, c in zip(units, cells))}


GADM_NOTE_EN = ("Indicative shapes built by us from GADM-derived unit centroids (area-weighted Voronoi cells clipped "
                "to an outline derived from the same data). They are not official boundaries and not GADM "
                "polygons; GADM data are free for non-commercial use only and may not be redistributed, so only "
                "these derived shapes are shipped. The layer shows the city as the 2017 plan knew it: since "
                "1 July 2025 Cần Thơ also includes former Hậu Giang and Sóc Trăng provinces and district-level "
                "units no longer exist.")
GADM_NOTE_VI = ("Hình minh họa do nhóm dự án dựng từ tâm các đơn vị hành chính (suy ra từ GADM) bằng ô Voronoi có "
                "trọng số diện tích, cắt theo đường bao suy ra từ cùng dữ liệu. Không phải địa giới chính thức, "
                "không phải polygon GADM (GADM chỉ cho dùng phi thương mại, không được phân phối lại). Lớp thể hiện "
                "thành phố như Kế hoạch năm 2017: từ 01/7/2025 TP Cần Thơ gồm cả tỉnh Hậu Giang và Sóc Trăng cũ, "
                "không còn cấp quận, huyện.")
CENTROID_SOURCE = ("Unit centroids and areas: /work/shared/reference/can_tho_2017_units_centroids.json, computed from "
                   "GADM 4.x-derived commune polygons in https://github.com/rexin4n15/vietnam-map-34-provinces "
                   "(src/core/assets/provinces/can-tho.json); GADM licence https://gadm.org/license.html")
DERIVED_LICENCE = ("Derived indicative geometry made for this project; inputs are GADM-derived centroids "
                   "(GADM: non-commercial use, no redistribution of GADM data), so treat the layer as "
                   "non-commercial.")


def build_manifest(buffer_m: float) -> list[dict]:
    method = (f"area-weighted Voronoi (power diagram, w = {WEIGHT_FACTOR}·A/π) of the 85 unit centroids in "
              f"EPSG:32648, clipped to the union of the district bounding boxes ∩ concave hull (ratio "
              f"{HULL_RATIO}) buffered {buffer_m:.0f} m")
    return [
        {"name": "city", "file": "city.geojson", "title_vi": "Thành phố Cần Thơ (2017)",
         "title_en": "Can Tho City (2017)", "geometry": "Polygon",
         "source": f"Union of the district polygons; {method}. {CENTROID_SOURCE}",
         "accuracy": "indicative", "licence": DERIVED_LICENCE, "note_vi": GADM_NOTE_VI, "note_en": GADM_NOTE_EN},
        {"name": "districts", "file": "districts.geojson", "title_vi": "Quận, huyện (2017)",
         "title_en": "Districts (2017)", "geometry": "Polygon",
         "source": f"Cells dissolved by district; {method}. Reference areas: districts_table.md. {CENTROID_SOURCE}",
         "accuracy": "indicative", "licence": DERIVED_LICENCE, "note_vi": GADM_NOTE_VI, "note_en": GADM_NOTE_EN},
        {"name": "communes", "file": "communes.geojson", "title_vi": "Phường, thị trấn, xã (2017)",
         "title_en": "Wards, towns and communes (2017)", "geometry": "Polygon",
         "source": f"{method}. {CENTROID_SOURCE}",
         "accuracy": "indicative", "licence": DERIVED_LICENCE, "note_vi": GADM_NOTE_VI, "note_en": GADM_NOTE_EN},
        {"name": "rivers", "file": "rivers.geojson", "title_vi": "Sông, kênh chính (theo Kế hoạch)",
         "title_en": "Main rivers and canals (named in the plan)", "geometry": "LineString",
         "source": ("Schematic polylines through estimated points of /work/shared/reference/facts.json (Vàm Cống "
                    "bridge https://en.wikipedia.org/wiki/V%C3%A0m_C%E1%BB%91ng_Bridge ; waterway points of the "
                    "dredging entry; Cồn Sơn, Tân Lộc, Cần Thơ bridge, Cái Cui) and GADM-derived unit centroids; "
                    "each feature lists the origin of every vertex in its 'vertices' property."),
         "accuracy": "indicative",
         "licence": "Own schematic lines made for this project (no third-party line geometry).",
         "note_vi": ("Đường minh họa, không phải bờ sông hay luồng tàu. Các tuyến được Kế hoạch nêu: sông Hậu, "
                     "sông Cần Thơ, kênh Cái Sắn, kênh Ô Môn - Thị Đội."),
         "note_en": ("Schematic lines, not banks or navigation channels. The waterways the plan names: Hậu river, "
                     "Cần Thơ river, Cái Sắn canal, Ô Môn - Thị Đội canal.")},
    ]


def write_fc(path: str, features: list[dict], name: str) -> None:
    fc = {"type": "FeatureCollection", "name": name, "features": features}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", default=DEFAULT_REFERENCE)
    ap.add_argument("--out", default=os.path.join(ROOT, "layers"))
    args = ap.parse_args(argv)
    info = build(args.reference, args.out)
    print(f"outline buffer {info['buffer_m']} m, outline {info['outline_km2']} km2, city {info['city_km2']} km2, "
          f"cell overlaps {info['overlap_km2']} km2, gaps {info['gap_km2']} km2")
    print("district            reference  drawn  ratio  units")
    for row in info["areas"]:
        print(f"{row['id']:<18} {row['reference']:>9} {row['drawn']:>6} {row['ratio']:>6} {row['units']:>6} {row['parts']}")
    r = info["commune_ratios"]
    print("commune drawn/reference: min", r[0], "median", r[len(r) // 2], "max", r[-1])


if __name__ == "__main__":
    main()
