"""Dated milestones from a project's sourced dates, for the history table. No I/O.

The seed describes each project as its sources last saw it. Its own dates tell what it
was before: construction began on ``actual_start`` and ended on ``actual_end``. Each
milestone is written to history (action "milestone", dated on the day it happened),
so the map can be replayed on any date by undoing what came later
(``gis.history.state_at_date``).

Rules (nothing is guessed beyond them):

* completed or in operation with a known ``actual_end`` -> on that day the status went
  from "implementation" to today's status; progress before it is unknown;
* implementation, or completed with both dates known, and a known ``actual_start`` ->
  on that day the status went from "preparation" to "implementation", progress from 0;
* a partial date ("2019", "2021-01") counts from the last day it names: a commune
  recognised "in 2019" is shown as recognised from 31 December 2019, never earlier;
* a project with no such dates has no milestone: before it was recorded it is shown
  as first recorded, and the replay says so.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

DONE = ("completion", "maintenance")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def last_day(value) -> dt.date | None:
    """The last day a possibly partial ISO date covers ("2017" -> 2017-12-31); None if not a date."""
    m = _DATE.match(str(value or "").strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if month is None:
            return dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, int(month), calendar.monthrange(year, int(month))[1])
        return dt.date(year, int(month), int(day))
    except ValueError:
        return None


def milestones(feature: dict) -> list[dict]:
    """The project's milestones, oldest first: {"date": date, "field", "value", "changes"}.

    ``changes`` maps field -> [value before, value after], like every history row.
    """
    props = feature.get("properties") or {}
    status, progress = props.get("status"), props.get("progress")
    start, end = last_day(props.get("actual_start")), last_day(props.get("actual_end"))
    out = []
    ended = status in DONE and end is not None
    if start is not None and (status == "implementation" or (ended and start <= end)):
        after = progress if status == "implementation" else None
        out.append({"date": start, "field": "actual_start", "value": props["actual_start"],
                    "changes": {"status": ["preparation", "implementation"], "progress": [0, after]}})
    if ended:
        out.append({"date": end, "field": "actual_end", "value": props["actual_end"],
                    "changes": {"status": ["implementation", status], "progress": [None, progress]}})
    for m in out:  # drop "changes" that change nothing (e.g. progress unknown on both sides)
        m["changes"] = {k: v for k, v in m["changes"].items() if v[0] != v[1]}
    return out


def history_rows(feature: dict) -> list[dict]:
    """The milestones as history-row values (version 1: they describe the seed's past)."""
    return [{"project_id": feature["id"], "version": 1, "changed_at": f"{m['date'].isoformat()}T00:00:00Z",
             "action": "milestone", "changes": m["changes"], "note": f"{m['field']} {m['value']}"}
            for m in milestones(feature)]
