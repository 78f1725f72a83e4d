"""The embedded backend: one SQLite file, nothing to install beyond pip.

* WAL journal, ``synchronous=FULL``, ``busy_timeout=10000``, ``foreign_keys=ON`` on
  every connection.
* pysqlite's own transaction handling is switched off and SQLAlchemy emits ``BEGIN``
  itself (the recipe from the SQLAlchemy SQLite dialect docs): reads use a deferred
  ``BEGIN`` (a consistent snapshot), writes ``BEGIN IMMEDIATE`` so concurrent writers
  (several gunicorn workers, a CLI) wait for the write lock instead of failing with
  "database is locked" half-way through a transaction.
* bbox: the R*Tree ``projects_rtree`` / ``layer_rtree`` selects candidates whose
  envelopes overlap the box; an exact shapely ``intersects`` (only for envelopes that
  straddle the box edge) completes the test, giving the same answer as PostGIS
  ``ST_Intersects``.
"""
from __future__ import annotations

import os
import sqlite3

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from gis.store.sql import SqlStore

_WRITE_OPTION = "gis_sqlite_write"
_RTREE = {"projects": "projects_rtree", "layer_features": "layer_rtree"}


def _on_connect(dbapi_conn, _record, *, memory: bool):
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    cur = dbapi_conn.cursor()
    try:
        cur.execute("PRAGMA busy_timeout=10000")
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
    finally:
        cur.close()


def _on_begin(conn):
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class SqliteStore(SqlStore):
    backend = "sqlite"
    bbox_exact_in_python = True

    def __init__(self, url: str):
        u = sa.engine.make_url(url)
        if u.get_backend_name() != "sqlite":
            raise ValueError(f"not a SQLite URL: {url}")
        database = u.database or ""
        memory = database in ("", ":memory:") or database.startswith("file::memory:")
        kwargs = {"connect_args": {"timeout": 10}}
        if memory:
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            parent = os.path.dirname(os.path.abspath(database))
            os.makedirs(parent, exist_ok=True)
        self.path = None if memory else os.path.abspath(database)
        engine = sa.create_engine(u, **kwargs)
        event.listen(engine, "connect", lambda c, r: _on_connect(c, r, memory=memory))
        event.listen(engine, "begin", _on_begin)
        super().__init__(url, engine, engine.execution_options(**{_WRITE_OPTION: True}))

    def _bbox_filter(self, table, box):
        rtree = _RTREE[table.name]
        minx, miny, maxx, maxy = box
        candidates = sa.text(
            f"SELECT fid FROM {rtree} WHERE maxx >= :_bb_minx AND minx <= :_bb_maxx "
            "AND maxy >= :_bb_miny AND miny <= :_bb_maxy"
        ).bindparams(_bb_minx=minx, _bb_maxx=maxx, _bb_miny=miny, _bb_maxy=maxy)
        return table.c.fid.in_(candidates.columns(sa.column("fid", sa.Integer)).scalar_subquery())

    def _ping_facts(self, conn) -> dict:
        return {"path": self.path, "sqlite_version": sqlite3.sqlite_version,
                "journal_mode": conn.exec_driver_sql("PRAGMA journal_mode").scalar()}
