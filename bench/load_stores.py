"""Load a generated projects file into both of our stores, and into a plain PostGIS table for the peers.

    .venv/bin/python bench/load_stores.py 10000 [--force]

* SQLite: ``bench/out/stores/sqlite-<N>.db`` (the embedded store, WAL + R*Tree);
* PostGIS: database ``bench_cantho_<N>`` on ``BENCH_PG`` (default postgresql://postgres@127.0.0.1:5432),
  created when missing, with the PostGIS extension;

both through the app's own code: ``open_store(url)``, ``store.migrate()`` (Alembic) and
``gis.store.seed.load_seed`` (which validates every feature with the app's validator and writes
in one transaction) with the real base layers from ``layers/``. A store that already holds
exactly N unedited projects is left alone (``--force`` reloads it).

For tipg and pygeoapi's PostgreSQL provider the same features are copied, in the same
database, to ``peers.projects``: one column per scalar property, JSONB for the lists and
objects, ``geom geometry(Geometry, 4326)`` with a GiST index (what those servers expect).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from gis.store import ProjectQuery, open_store  # noqa: E402
from gis.store.seed import load_seed  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATA = os.path.join(ROOT, "bench", "out", "data")
STORES = os.path.join(ROOT, "bench", "out", "stores")
LAYERS = os.path.join(ROOT, "layers")

TEXT_PROPS = ("name_vi", "name_en", "sector", "status", "lead_agency", "plan_agency", "plan_section",
              "plan_target", "planned_start", "planned_end", "actual_start", "actual_end", "description_vi",
              "description_en", "location_accuracy", "location_note")
INT_PROPS = ("progress", "investment_vnd", "disbursed_vnd", "ntm_year")
JSON_PROPS = ("districts", "sources", "data_notes")


def sqlite_url(n: int) -> str:
    return "sqlite:///" + os.path.join(STORES, f"sqlite-{n}.db")


def pg_url(n: int) -> str:
    return f"{PG}/bench_cantho_{n}"


def psql(dbname: str, sql: str) -> str:
    return subprocess.run(["psql", f"{PG}/{dbname}", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                          check=True, capture_output=True, text=True).stdout


def ensure_database(n: int) -> None:
    name = f"bench_cantho_{n}"
    if not psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip():
        psql("postgres", f"CREATE DATABASE {name}")
    psql(name, "CREATE EXTENSION IF NOT EXISTS postgis")


def load(url: str, n: int, force: bool) -> str:
    store = open_store(url)
    try:
        store.migrate()
        if not force and store.count_projects(ProjectQuery(include_archived=True)) == n and not store.has_edits():
            return f"{store.backend}: already holds {n} projects"
        t0 = time.perf_counter()
        summary = load_seed(store, os.path.join(DATA, f"projects-{n}.geojson"), LAYERS, force=True)
        return f"{store.backend}: {summary['status']} {summary['projects']} projects in {time.perf_counter() - t0:.1f} s"
    finally:
        store.close()


def peers_table(n: int) -> str:
    """peers.projects from our projects table (same ids, properties and geometry)."""
    cols = ["id::text AS id"]
    cols += [f"(p->>'{k}')::text AS {k}" for k in TEXT_PROPS]
    cols += [f"(p->>'{k}')::bigint AS {k}" for k in INT_PROPS]
    cols += [f"p->'{k}' AS {k}" for k in JSON_PROPS]
    cols += ["updated_at", "geom"]
    psql(f"bench_cantho_{n}", f"""
        DROP SCHEMA IF EXISTS peers CASCADE; CREATE SCHEMA peers;
        CREATE TABLE peers.projects AS
          SELECT {', '.join(cols)} FROM (SELECT id, properties::jsonb AS p, updated_at, geom FROM public.projects) s;
        ALTER TABLE peers.projects ADD PRIMARY KEY (id);
        ALTER TABLE peers.projects ALTER COLUMN geom TYPE geometry(Geometry, 4326);
        CREATE INDEX ix_peers_projects_geom ON peers.projects USING gist (geom);
        ANALYZE peers.projects; ANALYZE public.projects;""")
    return psql(f"bench_cantho_{n}", "SELECT count(*) FROM peers.projects").strip()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int)
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    os.makedirs(STORES, exist_ok=True)
    print(load(sqlite_url(args.size), args.size, args.force))
    ensure_database(args.size)
    print(load(pg_url(args.size), args.size, args.force))
    print(f"peers.projects: {peers_table(args.size)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
