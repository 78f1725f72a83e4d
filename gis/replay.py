"""The projects as they were on a past date ("?at=2019-06-30"). No Flask.

The state is rebuilt from history (``gis.history.states_at_date``): later edits are undone,
and before the data were recorded the sourced milestones (``gis.milestones``) tell the
status. Filters apply to the state on that date, not to today's.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import threading

import shapely.geometry

from gis.errors import BadRequest
from gis.history import states_at_date
from gis.milestones import last_day
from gis.store.base import ProjectQuery

FIRST_DAY = dt.date(1990, 1, 1)  # the oldest milestone in the data is 1995


def parse_at(value, today: dt.date) -> dt.date | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY``: the last day they name); None when blank."""
    text = str(value or "").strip()
    if not text:
        return None
    day = last_day(text)
    if day is None:
        raise BadRequest(f"at must be a date like 2019-06-30 (or 2019-06, 2019), not {text[:40]!r}")
    if day > today:
        if text[:4] == str(today.year) and len(text) < 10:
            return today  # "this year" / "this month": up to today
        raise BadRequest(f"at={text} is in the future (today is {today.isoformat()})")
    if day < FIRST_DAY:
        raise BadRequest(f"at must be on or after {FIRST_DAY.isoformat()}")
    return day


def _matches(feature: dict, query: ProjectQuery, box) -> bool:
    props = feature.get("properties") or {}
    for name in ("status", "sector", "lead_agency"):
        wanted = getattr(query, name)
        if wanted and props.get(name) not in wanted:
            return False
    if query.ids and feature.get("id") not in query.ids:
        return False
    return box is None or shapely.geometry.shape(feature["geometry"]).intersects(box)


@dataclasses.dataclass
class Replay:
    day: dt.date
    features: list
    first_recorded: list  # ids shown as first recorded: the history holds nothing that early
    from_milestones: list  # ids whose state on that day comes from the sources' dated milestones

    def collection(self) -> dict:
        return {"type": "FeatureCollection", "at": self.day.isoformat(), "features": self.features,
                "first_recorded": self.first_recorded}


_RECENT: collections.OrderedDict = collections.OrderedDict()  # (store, day, change token) -> states
_RECENT_SIZE = 2  # a map panning on one date asks again for each view: keep the last dates rebuilt
_LOCK = threading.Lock()


def _states(store, day: dt.date):
    from gis.cache import change_token

    key = (store.url, day, change_token(store))
    with _LOCK:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    current = store.list_projects(ProjectQuery(include_archived=True))
    result = states_at_date(current, store.history(limit=None), day)
    with _LOCK:
        _RECENT[key] = result
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return result


def projects_at(store, day: dt.date, query: ProjectQuery = ProjectQuery()) -> Replay:
    """Public projects as they were at the end of ``day`` that match ``query`` on that day.
    The rebuilt states are shared by later calls until the store changes: treat them as read-only."""
    states, info = _states(store, day)
    box = shapely.geometry.box(*query.bbox) if query.bbox else None
    chosen = [f for f in states if _matches(f, query, box)]
    ids = {f["id"] for f in chosen}
    return Replay(day, chosen, [i for i in info["first_recorded"] if i in ids],
                  [i for i in info["milestones"] if i in ids])
