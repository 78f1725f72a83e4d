"""Backups of the whole store and their restore. No Flask.

* SQLite: the online backup API (a consistent copy while the app keeps serving).
* PostGIS: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess

from sqlalchemy.engine import make_url

from gis.errors import GisError


class BackupError(GisError):
    http_status = 500
    code = "backup_failed"


def _libpq_url(store) -> str:
    url = make_url(store.url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(store, path: str) -> dict:
    """Write a backup of the store to ``path`` (overwritten). Returns facts for the CLI."""
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if store.backend == "sqlite":
        tmp = path + ".partial"
        with sqlite3.connect(store.path) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        with sqlite3.connect(tmp) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the backup copy failed its integrity check")
        os.replace(tmp, path)  # a half-written backup never replaces a good one
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={_libpq_url(store)}"])
    return {"backend": store.backend, "path": path, "bytes": os.path.getsize(path)}


def restore(store, path: str) -> dict:
    """Replace the store's contents with the backup at ``path``."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise BackupError(f"no backup file at {path}")
    if store.backend == "sqlite":
        try:
            with sqlite3.connect(path) as src:
                if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("the backup file failed its integrity check; nothing restored")
                with sqlite3.connect(store.path, timeout=30) as dst:
                    src.backup(dst)  # one step: readers see the old or the new database, never a mix
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"not a usable SQLite backup ({exc}); nothing restored") from None
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(store)}", path])
    store.engine.dispose()
    return {"backend": store.backend, "path": path}


def _run(cmd: list[str]) -> None:
    exe = shutil.which(cmd[0])
    if exe is None:
        raise BackupError(f"{cmd[0]} is not installed (Debian package postgresql-client)")
    proc = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        # the URL may hold a password: never echo the command line
        raise BackupError(f"{cmd[0]} failed: {proc.stderr.strip()[:500]}")
