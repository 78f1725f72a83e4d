"""Base layers from layers/: the manifest (title, source, accuracy, licence) and files."""
from __future__ import annotations

import json
import os
from functools import lru_cache


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple:
    with open(path, encoding="utf-8") as f:
        return tuple(json.load(f))


def load_manifest(layers_dir: str) -> list[dict]:
    """Entries in drawing order; [] when there is no manifest."""
    path = os.path.join(layers_dir, "manifest.json")
    if not os.path.exists(path):
        return []
    return list(_load(path, os.path.getmtime(path)))
