"""Validate GeoJSON files against the data model: ``python -m gis.validate FILE...``.

Project files (features with project properties) are checked with the full project
rules; base layers (files under layers/, or FeatureCollections whose features lack a
``sector``) are checked for valid geometry inside the region and unique ids.
Prints one line per problem and exits 1 when there is any.
"""
from __future__ import annotations

import json
import sys

from gis.schema import Problem, geometry_problems, validate_collection


def _is_layer(collection: dict) -> bool:
    features = collection.get("features") or []
    return bool(features) and all(isinstance(f, dict) and "sector" not in (f.get("properties") or {})
                                  for f in features)


def layer_problems(collection: dict) -> list[Problem]:
    if collection.get("type") != "FeatureCollection" or not isinstance(collection.get("features"), list):
        return [Problem("file", "", "not a GeoJSON FeatureCollection")]
    problems, seen = [], set()
    for i, feature in enumerate(collection["features"]):
        fid = str(feature.get("id") if isinstance(feature, dict) and feature.get("id") is not None else f"#{i}")
        if fid in seen:
            problems.append(Problem(fid, "id", "duplicate id"))
        seen.add(fid)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(fid, "", "not a GeoJSON Feature object"))
            continue
        problems += geometry_problems(feature.get("geometry"), None, fid)
    return problems


def check_file(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except UnicodeDecodeError as exc:
        return [f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
    except json.JSONDecodeError as exc:
        return [f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"]
    if not isinstance(data, dict):
        return [f"{path}: not a GeoJSON FeatureCollection"]
    problems = layer_problems(data) if _is_layer(data) else validate_collection(data)
    return [f"{path}: {p}" for p in problems]


def main(paths: list[str]) -> int:
    lines = []
    for path in paths:
        lines += check_file(path)
    for line in lines:
        print(line)
    if not lines:
        print(f"{len(paths)} file(s) valid")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) if len(sys.argv) > 1 else (print("usage: python -m gis.validate FILE...") or 2))
