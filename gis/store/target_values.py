"""The values planners record for the plan's 13 targets, stored beside the projects.

The same SQL on both backends (table from migration 0003). Use ``target_values_of(store)``.
Append-only: a correction is a new record, and the latest record of a target, part, year
and period is its current value. Values written in data/targets.json count as the first
records (older than any stored one). The rules of a record are ``gis.targets.clean_record``.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa

from gis import targets as targets_mod
from gis.errors import StoreUnavailable
from gis.store.sql import metadata, utc_now

target_values_t = sa.Table(
    "target_values", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("target", sa.Integer, nullable=False),
    sa.Column("part", sa.Text, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("value", sa.Numeric(asdecimal=False), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("user", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.Text, nullable=False),
)
V = target_values_t.c


def _record(row) -> dict:
    return {"id": row.id, "target": row.target, "part": row.part, "year": row.year, "period": row.period,
            "value": float(row.value), "source": row.source, "note": row.note, "user": row.user,
            "recorded_at": row.recorded_at, "initial": False}


class TargetValues:
    """Repository over a SqlStore's engine. A store without SQL (a test double) holds no
    records: it shows the file's values only and refuses new ones."""

    def __init__(self, store, doc: Optional[dict] = None):
        self.store = store
        self._doc = doc

    @property
    def doc(self) -> dict:
        return self._doc if self._doc is not None else targets_mod.load_targets()

    def _stored(self) -> list[dict]:
        if not hasattr(self.store, "_tx"):
            return []
        with self.store._tx(write=False) as conn:
            return [_record(r) for r in conn.execute(sa.select(target_values_t).order_by(V.id))]

    def record(self, *, target: int, part: Optional[str], year: int, period: str, value, source: str,
               note: Optional[str] = None, user: str, gettext=None) -> dict:
        """Add a record (checked by gis.targets.clean_record: Invalid names each bad field)."""
        clean = targets_mod.clean_record(self.doc, target=target, part=part, year=year, period=period, value=value,
                                         source=source, note=note, user=user or "", gettext=gettext)
        if not hasattr(self.store, "_tx"):
            raise StoreUnavailable("this store cannot hold target values")
        with self.store._tx(write=True) as conn:
            new_id = conn.execute(target_values_t.insert().values(**clean, recorded_at=utc_now())
                                  ).inserted_primary_key[0]
            row = conn.execute(sa.select(target_values_t).where(V.id == new_id)).first()
        return _record(row)

    def records(self) -> list[dict]:
        """Every record, oldest first: the file's values, then the stored ones in the order recorded."""
        return targets_mod.initial_records(self.doc) + self._stored()

    def values(self, until: Optional[dt.date] = None) -> list[dict]:
        """The current value of each target/part/year/period (its latest record)."""
        return targets_mod.current_values(self.records(), until)

    def history(self, target: Optional[int] = None) -> list[dict]:
        """Every record (of one target), newest first; ``current`` marks the ones in force."""
        records = [r for r in self.records() if target is None or r["target"] == target]
        in_force = {id(r) for r in targets_mod.current_values(records)}
        return [{**r, "current": id(r) in in_force} for r in reversed(records)]


def target_values_of(store) -> TargetValues:
    repo = getattr(store, "_target_values", None)
    if repo is None:
        repo = store._target_values = TargetValues(store)
    return repo
