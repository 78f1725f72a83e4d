"""Shared fixtures. The store fixtures run every store-facing test on both backends.

PostGIS: each test gets its own database, cloned from a template that has the
extension (fast, and real isolation). Locally a missing PostgreSQL/PostGIS skips with
the reason; in CI (CI=true) it fails instead.
"""
import os
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_TEMPLATE = "cantho_gis_template"


def missing(reason):
    """Skip locally, fail in CI: CI must run every tier."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _pg_admin_connect():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"),
                           autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def postgis_template():
    """Create (once per session) a template database with PostGIS enabled."""
    try:
        conn = _pg_admin_connect()
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not reachable"
        missing(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    with conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEMPLATE,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_TEMPLATE}"')
    import psycopg

    try:
        with psycopg.connect(_db_url(PG_TEMPLATE), autocommit=True) as tconn:
            tconn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except Exception as exc:  # noqa: BLE001
        missing(f"PostGIS extension not available: {exc}")
    return PG_TEMPLATE


def _db_url(dbname):
    base = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    return base.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture
def postgis_url(postgis_template):
    """A fresh, empty PostGIS database for one test; dropped afterwards."""
    name = "cantho_t_" + uuid.uuid4().hex[:12]
    with _pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgis_template}"')
    yield _db_url(name)
    with _pg_admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request):
    """The URL of an empty store, once per backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def store(store_url):
    """An empty, migrated store, once per backend."""
    from gis.store import open_store

    st = open_store(store_url)
    st.migrate()
    yield st
    st.close()
