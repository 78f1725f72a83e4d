"""Stores: ``open_store(url)`` picks the backend from the URL scheme.

* ``sqlite:///relative/path.db`` or ``sqlite:////absolute/path.db`` -> SqliteStore
  (embedded default; the parent directory is created when missing)
* ``postgresql://...`` or ``postgresql+psycopg://...`` -> PostgisStore

Backends are imported only when used. Call ``store.migrate()`` before first use.
"""
from __future__ import annotations

import importlib

from gis.store.base import HistoryEntry, ProjectQuery, Store

__all__ = ["open_store", "register_backend", "Store", "ProjectQuery", "HistoryEntry"]

# scheme -> "module:ClassName"
_BACKENDS = {
    "sqlite": "gis.store.sqlite:SqliteStore",
    "sqlite+pysqlite": "gis.store.sqlite:SqliteStore",
    "postgresql": "gis.store.postgis:PostgisStore",
    "postgresql+psycopg": "gis.store.postgis:PostgisStore",
    "postgres": "gis.store.postgis:PostgisStore",
}


def register_backend(scheme: str, target: str) -> None:
    """Map a URL scheme to "module:ClassName" (a Store subclass taking the URL)."""
    _BACKENDS[scheme] = target


def open_store(url: str) -> Store:
    if not isinstance(url, str) or "://" not in url:
        raise ValueError("not a store URL (no scheme://); expected sqlite:///path/to/store.db "
                         "or postgresql://user@host:port/dbname")
    scheme = url.split("://", 1)[0].lower()
    target = _BACKENDS.get(scheme)
    if target is None:
        known = ", ".join(sorted(_BACKENDS))
        raise ValueError(f"unknown store URL scheme {scheme!r}; known schemes: {known} "
                         "(e.g. sqlite:///data/store.db or postgresql://user@host:5432/dbname)")
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(url)
