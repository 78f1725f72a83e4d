"""Schedule slippage and stale records, per project, from its history. No Flask, no I/O.

* **Slippage.** The planned end a project has today is compared with the one first set
  (the *baseline*: the oldest known value, walking the history back); every change of a
  planned end that was set counts as a re-plan. An open project (not completed, in
  operation or cancelled) whose planned end has passed is *behind* by whole months
  (``gis.dashboard.whole_months_between``); a completed one is *late* by the months
  between its planned end and its actual end. A date given only as a year or a month
  counts from its last day (``gis.milestones.last_day``).
* **Stale records.** Every history row except the sources' dated milestones is a check
  of the record by someone (loaded, created, changed, confirmed...): the newest one,
  as a date in Vietnam, is when the record was last confirmed. It is *stale* when that
  is more than ``stale_after_days`` days before today (the plan reports every 6 months).
"""
from __future__ import annotations

import datetime as dt

from gis import schema, style
from gis.dashboard import CLOSED_STATUSES, lateness, project_name, whole_months_between
from gis.formatting import fmt_date
from gis.history import by_project as history_by_project, local_date
from gis.milestones import DONE, last_day

DEFAULT_STALE_AFTER_DAYS = 183  # the plan's 6-month reporting cycle
NOT_A_CHECK = ("milestone",)  # rows that date the sources' facts; nobody checked the record then


def chronological(entries) -> list:
    """History rows oldest first, as the replay orders them (date, then id)."""
    return sorted(entries, key=lambda e: (e.changed_at, e.id))


def field_timeline(feature: dict, entries, field: str) -> tuple:
    """(value before the oldest row, [(entry, before, after)] oldest first) for one property.

    Values are rebuilt from today's value by undoing rows newest first, as
    ``gis.history.state_at_date`` does, so the history and the replay agree.
    """
    value = (feature.get("properties") or {}).get(field)
    out = []
    for e in reversed(chronological(entries)):
        after = value
        if isinstance(e.changes, dict) and field in e.changes:
            value = e.changes[field][0]
        out.append((e, value, after))
    out.reverse()
    return value, out


def _plan_history(feature: dict, entries) -> tuple:
    first, timeline = field_timeline(feature, entries, "planned_end")
    values = [first] + [after for _e, _before, after in timeline]
    baseline = next((v for v in values if v is not None), None)
    changes = [{"date": local_date(e.changed_at).isoformat(), "old": before, "new": after, "user": e.user,
                "note": e.note or "", "action": e.action}
               for e, before, after in timeline if before is not None and after != before]
    return baseline, changes


def _last_check(entries):
    checks = [e for e in entries if e.action not in NOT_A_CHECK]
    return max(checks, key=lambda e: (e.changed_at, e.id)) if checks else None


def schedule_facts(feature: dict, entries, today: dt.date,
                   stale_after_days: int = DEFAULT_STALE_AFTER_DAYS) -> dict:
    """Planned vs actual dates, lateness, re-plans and the last confirmation of one project.

    entries: the project's HistoryEntry rows (any order). JSON-ready.
    """
    p = feature.get("properties") or {}
    status, planned_end = p.get("status"), p.get("planned_end")
    baseline, plan_changes = _plan_history(feature, entries)
    late = None if status in CLOSED_STATUSES else lateness(planned_end, today)
    planned_day, actual_day = last_day(planned_end), last_day(p.get("actual_end"))
    done_late = status in DONE and planned_day and actual_day and actual_day > planned_day
    check = _last_check(entries)
    confirmed = local_date(check.changed_at) if check else None
    return {
        "id": str(feature.get("id") or p.get("id")),
        "status": status,
        "planned_start": p.get("planned_start"), "planned_end": planned_end,
        "actual_start": p.get("actual_start"), "actual_end": p.get("actual_end"),
        "baseline_end": baseline,
        "replanned": len(plan_changes),
        "plan_changes": plan_changes,
        "behind": late is not None,
        "months_behind": late["months_late"] if late else None,
        "days_behind": late["days_late"] if late else None,
        "months_late": whole_months_between(planned_day, actual_day) if done_late else None,
        "days_late": (actual_day - planned_day).days if done_late else None,
        "last_confirmed": confirmed.isoformat() if confirmed else None,
        "last_confirmed_by": check.user if check else None,
        "last_confirmed_action": check.action if check else None,
        "days_since_confirmed": (today - confirmed).days if confirmed else None,
        "stale_after_days": stale_after_days,
        "stale": confirmed is None or confirmed < today - dt.timedelta(days=stale_after_days),
    }


def schedule_index(features, entries, today: dt.date, stale_after_days: int = DEFAULT_STALE_AFTER_DAYS) -> dict:
    """{project id: schedule_facts} for every feature; entries: the whole history (any order)."""
    by_project = history_by_project(entries)
    return {str(f.get("id")): schedule_facts(f, by_project.get(str(f.get("id")), []), today, stale_after_days)
            for f in features}


# -- the dashboard's panels ------------------------------------------------------------------------

def _row(feature: dict, facts: dict, lang: str) -> dict:
    p = feature.get("properties") or {}
    status, agency = p.get("status"), p.get("lead_agency")
    progress = p.get("progress")
    return {"id": facts["id"], "name": project_name(p, lang), "status": status,
            "status_title": schema.code_title("status", status, lang), "colour": style.status_colour(status),
            "ink": style.STATUS_INK.get(status, "#ffffff"), "lead_agency": agency,
            "lead_agency_title": schema.code_title("lead_agency", agency, lang) if agency else "?",
            "planned_end": facts["planned_end"], "planned_end_text": fmt_date(facts["planned_end"], lang),
            "baseline_end": facts["baseline_end"], "baseline_end_text": fmt_date(facts["baseline_end"], lang),
            "replanned": facts["replanned"],
            "progress": progress if isinstance(progress, (int, float)) and not isinstance(progress, bool) else None}


def slippage(features, index: dict, lang: str = "vi") -> dict:
    """Behind-schedule projects (latest first) and completed-late ones (latest first)."""
    behind, late = [], []
    for f in features:
        facts = index.get(str(f.get("id")))
        if facts is None:
            continue
        if facts["behind"]:
            behind.append({**_row(f, facts, lang), "months_behind": facts["months_behind"],
                           "days_behind": facts["days_behind"]})
        elif facts["months_late"] is not None:
            late.append({**_row(f, facts, lang), "actual_end": facts["actual_end"],
                         "actual_end_text": fmt_date(facts["actual_end"], lang),
                         "months_late": facts["months_late"], "days_late": facts["days_late"]})
    behind.sort(key=lambda r: (-r["days_behind"], r["name"]))
    late.sort(key=lambda r: (-r["days_late"], r["name"]))
    return {"behind": behind, "completed_late": late,
            "replanned_projects": sum(1 for f in features if index.get(str(f.get("id")), {}).get("replanned"))}


def stale_records(features, index: dict, stale_after_days: int, lang: str = "vi") -> dict:
    """Projects not confirmed within ``stale_after_days``, grouped by lead agency (most first)."""
    groups: dict = {}
    for f in features:
        facts = index.get(str(f.get("id")))
        if not facts or not facts["stale"]:
            continue
        p = f.get("properties") or {}
        agency = p.get("lead_agency") or ""
        groups.setdefault(agency, []).append({
            "id": facts["id"], "name": project_name(p, lang), "last_confirmed": facts["last_confirmed"],
            "last_confirmed_text": fmt_date(facts["last_confirmed"], lang),
            "days_since_confirmed": facts["days_since_confirmed"]})
    rows = []
    for agency, projects in groups.items():
        projects.sort(key=lambda r: (r["last_confirmed"] or "", r["name"]))  # longest unconfirmed first
        rows.append({"code": agency, "title": schema.code_title("lead_agency", agency, lang) if agency else "?",
                     "count": len(projects), "projects": projects})
    rows.sort(key=lambda r: (-r["count"], r["title"]))
    return {"after_days": stale_after_days, "total": sum(r["count"] for r in rows), "by_agency": rows,
            "checked": len([f for f in features if str(f.get("id")) in index])}
