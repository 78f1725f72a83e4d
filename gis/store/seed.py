"""Seeding the store from GeoJSON files, and exporting it back.

``load_seed`` reads ``projects.geojson`` and the base layers listed in
``layers/manifest.json`` and writes them in ONE transaction (all or nothing):

* the store has edits made after seeding -> AlreadySeeded, unless ``force``;
* the store holds exactly these seed data -> nothing changes (idempotent);
* otherwise (empty, other seed data, or ``force``) projects and history are
  replaced; base layers are replaced when their content differs.

``export_geojson`` returns a FeatureCollection whose features, loaded again, give
the same store content (ids, properties, updated_at, geometry exactly as stored).
"""
from __future__ import annotations

import json
import os
from typing import Optional

from gis.errors import Invalid
from gis.store.base import ProjectQuery, Store


def _read_json(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise Invalid(f"{path} is not valid JSON: {exc}", {os.path.basename(path): [str(exc)]}) from None


def _features_of(collection, path: str) -> list:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        raise Invalid(f"{path} is not a GeoJSON FeatureCollection",
                      {os.path.basename(path): ["not a GeoJSON FeatureCollection"]})
    return collection["features"]


def read_layers(layers_dir: Optional[str]) -> dict:
    """{layer name: [features]} from ``layers_dir/manifest.json`` (a list of objects
    with at least "name" and "file"), or every ``*.geojson`` by file stem when the
    manifest is missing. A missing directory means no layers."""
    if not layers_dir or not os.path.isdir(layers_dir):
        return {}
    manifest_path = os.path.join(layers_dir, "manifest.json")
    if os.path.exists(manifest_path):
        manifest = _read_json(manifest_path)
        if isinstance(manifest, dict) and isinstance(manifest.get("layers"), list):
            manifest = manifest["layers"]
        if not isinstance(manifest, list):
            raise Invalid(f"{manifest_path} must be a list of {{\"name\", \"file\"}} objects")
        entries = []
        for i, entry in enumerate(manifest):
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("file"):
                raise Invalid(f"{manifest_path}: entry #{i + 1} needs \"name\" and \"file\"")
            entries.append((entry["name"], os.path.join(layers_dir, entry["file"])))
    else:
        entries = [(fn[: -len(".geojson")], os.path.join(layers_dir, fn))
                   for fn in sorted(os.listdir(layers_dir)) if fn.endswith(".geojson")]
    layers = {}
    for name, path in entries:
        if name in layers:
            raise Invalid(f"layer {name!r} is listed twice")
        layers[name] = _features_of(_read_json(path), path)
    return layers


def load_seed(store: Store, projects_path: str, layers_dir: Optional[str], *, force: bool = False,
              validate=None) -> dict:
    """Load the seed data; returns a summary::

        {"status": "seeded" | "unchanged" | "replaced", "projects": n,
         "layers": {name: n}, "layers_replaced": [names], "source": projects_path}

    ``validate`` (FeatureCollection -> problem strings) defaults to the data model's
    validator; ``False`` skips it (tests of the store alone).
    Raises Invalid (nothing written) when ``validate`` reports problems or a feature
    cannot be stored, AlreadySeeded when the store has edits and not ``force``.
    """
    collection = _read_json(projects_path)
    features = _features_of(collection, projects_path)
    if validate is None:  # the data model's validator guards the seed like every other write
        from gis.schema import validate_collection

        validate = lambda fc: [str(p) for p in validate_collection(fc)]  # noqa: E731
    if validate is not False:
        problems = list(validate(collection) or [])
        if problems:
            name = os.path.basename(projects_path)
            raise Invalid(f"{name} has {len(problems)} problem(s); nothing was loaded", {name: problems})
    layers = read_layers(layers_dir)
    seed = getattr(store, "seed", None)
    if seed is None:
        raise TypeError(f"{type(store).__name__} does not support bulk seeding")
    summary = seed(features, layers, user="seed",
                   note=f"Seeded from {os.path.basename(projects_path)}", force=force)
    summary["source"] = projects_path
    return summary


def export_geojson(store: Store, query: ProjectQuery = ProjectQuery()) -> dict:
    """The projects matching ``query`` as a FeatureCollection, without ``version``."""
    features = store.list_projects(query)
    for feature in features:
        feature["properties"].pop("version", None)
    return {"type": "FeatureCollection", "features": features}
