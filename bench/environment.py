"""What the benchmark ran on (the machine, the versions of everything compared) and the
seed-data store (the real projects.geojson) for bench/page_weight.py."""
from __future__ import annotations

import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

import servers  # noqa: E402

PY = os.path.join(ROOT, ".venv", "bin", "python")


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _first(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith(prefix)), "?")
    except OSError:
        return "?"


def machine() -> dict:
    kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    debian = open("/etc/debian_version", encoding="ascii").read().strip() if os.path.exists("/etc/debian_version") \
        else "?"
    return {"nproc": os.cpu_count(), "cpu": _first("/proc/cpuinfo", "model name"), "mem_gib": round(kb / 1048576, 1),
            "kernel": f"{platform.system()} {platform.release()}", "debian": debian, "loadavg": loadavg()}


def _run(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"? ({exc})"


def _pkgs(python: str, names: list[str]) -> str:
    code = ("import importlib.metadata as m\nfor n in %r:\n"
            "    try: print(n + ' ' + m.version(n))\n    except Exception: print(n + ' (not installed)')" % names)
    return ", ".join(_run([python, "-c", code]).splitlines())


def versions() -> dict:
    peers = servers.PEERS
    import sqlite3

    return {
        "ours": _pkgs(PY, ["flask", "gunicorn", "sqlalchemy", "psycopg", "folium", "shapely"])
        + f", SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}",
        "postgresql": _run(["psql", f"{servers.PG}/postgres", "-qAtc", "SHOW server_version"]) + ", PostGIS "
        + _run(["psql", f"{servers.PG}/bench_umap", "-qAtc", "SELECT postgis_lib_version()"]),
        "pygeoapi": _pkgs(f"{peers}/pygeoapi/bin/python", ["pygeoapi", "gunicorn", "flask", "psycopg2-binary",
                                                           "sqlalchemy"]),
        "tipg": _pkgs(f"{peers}/tipg/bin/python", ["tipg", "fastapi", "uvicorn", "gunicorn", "asyncpg"]),
        "umap": _pkgs(f"{peers}/umap/bin/python", ["umap-project", "django", "gunicorn", "psycopg"]),
        "nginx": _run(["/usr/sbin/nginx", "-v"]), "wrk": _run(["wrk", "-v"]).splitlines()[0],
        "playwright": _pkgs(PY, ["playwright"]),
    }


def seed_store() -> str:
    """A SQLite store seeded with the real projects.geojson and layers/; its URL."""
    from gis.store import open_store
    from gis.store.seed import load_seed

    url = "sqlite:///" + os.path.join(HERE, "out", "stores", "seed.db")
    store = open_store(url)
    store.migrate()
    load_seed(store, os.path.join(ROOT, "projects.geojson"), os.path.join(ROOT, "layers"), force=True)
    store.close()
    return url


def page_weight(base_url: str) -> str:
    """bench/page_weight.py's Markdown for `/` of a running server."""
    return subprocess.run([PY, os.path.join(HERE, "page_weight.py"), base_url, "--files"], check=True,
                          capture_output=True, text=True, cwd=ROOT).stdout
