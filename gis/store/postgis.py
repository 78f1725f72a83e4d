"""The PostGIS backend (PostgreSQL 15 + PostGIS 3.3 tested) through psycopg 3.

bbox: ``ST_Intersects(geom, ST_MakeEnvelope(minx, miny, maxx, maxy, 4326))`` on the
``geom`` column the migration's trigger fills from the stored GeoJSON; the GiST index
answers it. ``id`` is ordered with the "C" collation so that listing order equals
SQLite's (byte order), whatever the database locale.
"""
from __future__ import annotations

import sqlalchemy as sa

from gis.store.sql import SqlStore

# pg_advisory_xact_lock key: concurrent `migrate()` calls (several workers starting) queue.
_MIGRATE_LOCK = 0x6769730001


def normalize_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class PostgisStore(SqlStore):
    backend = "postgis"
    bbox_exact_in_python = False

    def __init__(self, url: str):
        url = normalize_url(url)
        if not url.startswith("postgresql+psycopg://"):
            raise ValueError(f"not a PostgreSQL URL: {url}")
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        super().__init__(url, engine)

    def _bbox_filter(self, table, box):
        minx, miny, maxx, maxy = box
        return sa.func.ST_Intersects(sa.literal_column(f"{table.name}.geom"),
                                     sa.func.ST_MakeEnvelope(minx, miny, maxx, maxy, 4326))

    def _order_id(self, column):
        return column.collate("C")

    def _before_migrate(self, conn) -> None:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK})

    def _ping_facts(self, conn) -> dict:
        facts = {"server_version": conn.exec_driver_sql("SHOW server_version").scalar()}
        try:
            with conn.begin_nested():
                facts["postgis_version"] = conn.exec_driver_sql("SELECT postgis_lib_version()").scalar()
        except sa.exc.DBAPIError:
            facts["postgis_version"] = None
        return facts
