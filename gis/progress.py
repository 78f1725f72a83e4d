"""Physical and financial progress over time, per project and rolled up. No Flask, no I/O.

*Physical* progress is the ``progress`` field (0-100); *financial* progress is
``disbursed_vnd`` / ``investment_vnd`` in %. A project's curve walks its history oldest
first (the sources' dated milestones included) and keeps a point wherever the value
changes. A milestone dates a change of status, so the progress it dates is the value
before it at the start of works (0) and the value after it at completion.

The planned line is a straight line from 0 % on the first day of ``planned_start`` to
100 % on the last day of ``planned_end``: the plan gives no curve, so this only shows
where an even pace would be.

Roll-ups (city, sector groups) take the projects as they were at the end of each year
(``gis.history.states_at_date``) and weigh each project by its ``investment_vnd``.
Projects without an investment figure or without the progress figure, and cancelled
projects, are left out of that year's value and counted.
"""
from __future__ import annotations

import datetime as dt

from gis import schema
from gis.history import local_date, states_at_date
from gis.milestones import DONE, last_day
from gis.schedule import chronological

FIRST_YEAR = 2016  # the plan's period begins in 2016
RECORDING = ("seed", "create")  # rows that record the values the project had then
ROLLUP_FIELDS = ("status", "sector", "progress", "investment_vnd", "disbursed_vnd", "archived", "version")


def first_day(value) -> dt.date | None:
    """The first day a possibly partial ISO date covers ("2017" -> 2017-01-01); None if not a date."""
    end = last_day(value)
    if end is None:
        return None
    parts = str(value).strip().split("-")
    return dt.date(end.year, 1 if len(parts) == 1 else end.month, 1 if len(parts) < 3 else end.day)


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def financial_percent(investment, disbursed) -> float | None:
    """disbursed / investment in %, one decimal; None unless both are known and investment > 0."""
    inv, dis = _number(investment), _number(disbursed)
    if inv is None or dis is None or inv <= 0:
        return None
    return round(dis / inv * 100, 1)


def _states(feature: dict, entries) -> list:
    """[(entry, props before, props after)] oldest first, undoing rows from today's properties."""
    props = dict(feature.get("properties") or {})
    out = []
    for e in reversed(chronological(entries)):
        after = dict(props)
        for field, (old, _new) in (e.changes or {}).items():
            if field == "geometry":
                continue
            if old is None:
                props.pop(field, None)
            else:
                props[field] = old
        out.append((e, dict(props), after))
    out.reverse()
    return out


def _point(points: list, entry, value) -> None:
    if value is None or (points and points[-1]["value"] == value):
        return
    points.append({"date": local_date(entry.changed_at).isoformat(), "value": value, "action": entry.action})


def project_progress(feature: dict, entries) -> dict:
    """{"physical": [points], "financial": [points], "planned": [points] | None}; a point is
    {"date": ISO date, "value": %, "action": history action}; oldest first."""
    physical, financial = [], []
    for e, before, after in _states(feature, entries):
        changes = e.changes or {}
        recorded = e.action in RECORDING
        if e.action == "milestone":
            if "progress" in changes:
                done = (changes.get("status") or [None, None])[1] in DONE
                _point(physical, e, _number(after.get("progress") if done else before.get("progress")))
        elif recorded or "progress" in changes:
            _point(physical, e, _number(after.get("progress")))
        if e.action != "milestone" and (recorded or {"investment_vnd", "disbursed_vnd"} & set(changes)):
            _point(financial, e, financial_percent(after.get("investment_vnd"), after.get("disbursed_vnd")))
    return {"physical": physical, "financial": financial, "planned": planned_line(feature)}


def planned_line(feature: dict) -> list | None:
    """[{date: first day of planned_start, value: 0}, {date: last day of planned_end, value: 100}],
    or None when either date is unknown or they are not in order."""
    p = feature.get("properties") or {}
    start, end = first_day(p.get("planned_start")), last_day(p.get("planned_end"))
    if start is None or end is None or end <= start:
        return None
    return [{"date": start.isoformat(), "value": 0, "action": "plan"},
            {"date": end.isoformat(), "value": 100, "action": "plan"}]


# -- roll-ups -------------------------------------------------------------------------------------

def group_codes() -> list[str]:
    out = []
    for c in schema.codelist("sector"):
        g = c.extra.get("group") or "other"
        if g not in out:
            out.append(g)
    return out


def year_ends(today: dt.date, first_year: int = FIRST_YEAR) -> list[dt.date]:
    """31 December of each year from ``first_year``; today for the current year."""
    return [dt.date(y, 12, 31) if y < today.year else today for y in range(first_year, today.year + 1)]


def weighted(projects) -> dict:
    """Investment-weighted physical and financial progress of ``projects`` (their properties).

    physical = sum(progress x investment) / sum(investment) over projects with both;
    financial = sum(disbursed) / sum(investment) x 100 over projects with both.
    Each: {"value": % (one decimal) or None, "included": n, "excluded": n}.
    """
    out = {}
    for key in ("physical", "financial"):
        num = den = included = excluded = 0
        for p in projects:
            inv = _number(p.get("investment_vnd"))
            value = _number(p.get("progress") if key == "physical" else p.get("disbursed_vnd"))
            if p.get("status") == "cancelled" or inv is None or inv <= 0 or value is None:
                excluded += 1
                continue
            included += 1
            num += value * inv if key == "physical" else value
            den += inv
        value = None if not den else round(num / den * (1 if key == "physical" else 100), 1)
        out[key] = {"value": value, "included": included, "excluded": excluded}
    return out


def rollup(features, entries, today: dt.date, first_year: int = FIRST_YEAR) -> dict:
    """City and sector-group progress at each year end, weighted by investment.

    features: current features, archived included (the replay hides what was not public);
    entries: the whole history. Returns {"years": [...], "days": [ISO], "city": {"physical":
    series, "financial": series}, "groups": [{"code", "physical", "financial"}]} where a
    series is {"values": [...], "included": [...], "excluded": [...]} (one item per year).
    """
    light = [{"type": "Feature", "id": f.get("id"), "geometry": None,  # only what the roll-up reads: fast replay
              "properties": {k: v for k, v in (f.get("properties") or {}).items() if k in ROLLUP_FIELDS}}
             for f in features if isinstance(f, dict)]
    days = year_ends(today, first_year)
    codes = group_codes()
    group_of = {c.code: c.extra.get("group") or "other" for c in schema.codelist("sector")}

    def empty():
        return {k: {"values": [], "included": [], "excluded": []} for k in ("physical", "financial")}

    city, groups = empty(), {c: empty() for c in codes}
    for day in days:
        states, _info = states_at_date(light, entries, day)
        props = [s["properties"] for s in states]
        parts = [(city, props)] + [(groups[c], [p for p in props if group_of.get(p.get("sector"), "other") == c])
                                   for c in codes]
        for target, chosen in parts:
            result = weighted(chosen)
            for key in ("physical", "financial"):
                target[key]["values"].append(result[key]["value"])
                target[key]["included"].append(result[key]["included"])
                target[key]["excluded"].append(result[key]["excluded"])
    return {"years": [d.year for d in days], "days": [d.isoformat() for d in days], "city": city,
            "groups": [{"code": c, **groups[c]} for c in codes if any(groups[c]["physical"]["included"])
                       or any(groups[c]["physical"]["excluded"])]}
