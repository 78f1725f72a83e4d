"""The report's content: the projects as they were at the end of a period (history dated after
it undone), the status and schedule summaries of that state, every change recorded in the period and
the plan's targets with the values recorded up to its end, gathered by ``build_report`` into one
JSON-ready ``Report`` that the page, the PDF and the spreadsheet show. No Flask.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import re

from gis import dashboard, schema, targets as targets_mod
from gis.errors import NotFound
from gis.formatting import fmt_date, fmt_number, fmt_vnd, untranslated
from gis.history import local_date, states_at_date
from gis.reports.periods import Period

CREATE_ACTIONS = ("create", "seed")
ISSUER = {"vi": "Sở Kế hoạch và Đầu tư thành phố Cần Thơ", "en": "Can Tho City Department of Planning and Investment"}
TEXT_LIMIT = 200  # characters of an old/new value shown in the HTML/PDF list of changes


# -- the state at the end of the period -------------------------------------------------------------------

def _first_day(value) -> dt.date | None:
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", str(value or "").strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def states_at(features, entries, end: dt.date) -> tuple[list[dict], dict]:
    """Every project as it was at the end of ``end`` (Vietnam time), and what the history could not tell
    (``gis.history.states_at_date``): a project whose first record is the seed after ``end`` and
    that has no dated milestone is shown as first recorded (``first_recorded``, with the date)."""
    entries = list(entries)
    states, info = states_at_date(features, entries, end)
    seeded = {str(e.project_id): e.changed_at for e in entries if e.action == "seed"}
    with_history = {str(e.project_id) for e in entries}
    return states, {"first_recorded": [{"id": pid, "recorded_at": seeded.get(pid, "")}
                                       for pid in info["first_recorded"]],
                    "no_history": [str(f.get("id")) for f in features if str(f.get("id")) not in with_history]}


def _date_conflicts(features, first_recorded_ids: set, end: dt.date, lang: str) -> list[dict]:
    """Projects shown as first recorded whose own recorded dates fall after the period end
    (e.g. completed, with a completion date after the period): the reader must know."""
    out = []
    for f in features:
        p = f.get("properties") or {}
        if str(f.get("id")) not in first_recorded_ids:
            continue
        status = p.get("status")
        started, ended = _first_day(p.get("actual_start")), _first_day(p.get("actual_end"))
        field = None
        if status in ("completion", "maintenance") and ended and ended > end:
            field = "actual_end"
        elif status in ("implementation", "completion", "maintenance") and started and started > end:
            field = "actual_start"
        if field:
            out.append({"id": str(f.get("id")), "name": dashboard.project_name(p, lang), "status": status,
                        "status_title": schema.code_title("status", status, lang), "field": field,
                        "field_title": _field_titles(lang).get(field, field), "value": p.get(field),
                        "value_text": fmt_date(p.get(field), lang)})
    return out


# -- changes in the period ----------------------------------------------------------------------------

def _field_titles(lang: str, _=untranslated) -> dict:
    titles = {fl.name: fl.title(lang) for fl in schema.fields()}
    titles["geometry"] = _("Location on the map")
    titles["archived"] = _("Archived")
    return titles


def _field_order() -> dict:
    names = [fl.name for fl in schema.fields()] + ["geometry", "archived"]
    return {name: i for i, name in enumerate(names)}


CODED = {"status": "status", "sector": "sector", "lead_agency": "lead_agency", "plan_agency": "lead_agency",
         "location_accuracy": "location_accuracy"}
DATES = ("planned_start", "planned_end", "actual_start", "actual_end", "updated_at")


def _clip(text: str, limit: int | None) -> str:
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def value_text(field: str, value, lang: str = "vi", _=untranslated, limit: int | None = TEXT_LIMIT) -> str:
    """A history value (old or new) for people."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if field == "geometry" and isinstance(value, dict):
        try:
            import shapely.geometry

            c = shapely.geometry.shape(value).centroid
            return f"{value.get('type')} ({fmt_number(c.x, lang, 4)}; {fmt_number(c.y, lang, 4)})"
        except Exception:  # noqa: BLE001 - a malformed old geometry is still worth naming
            return str(value.get("type") or "?")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field in CODED:
        return schema.code_title(CODED[field], value, lang)
    if field == "districts" and isinstance(value, list):
        return ", ".join(schema.code_title("districts", d, lang) for d in value)
    if field in DATES:
        return fmt_date(value, lang)
    if field.endswith("_vnd") and isinstance(value, (int, float)):
        return fmt_vnd(value, lang)
    if field == "progress" and isinstance(value, (int, float)):
        return f"{fmt_number(value, lang, 0)}%"
    if isinstance(value, (int, float)):
        return fmt_number(value, lang, 2) if field != "ntm_year" else str(value)
    if isinstance(value, list):
        return _clip("; ".join(str(v) for v in value), limit)
    if isinstance(value, dict):
        return _clip("; ".join(f"{k}: {v}" for k, v in value.items()), limit)
    return _clip(value, limit)


def action_titles(_=untranslated) -> dict:
    return {"seed": _("loaded from the plan's data"), "create": _("created"), "update": _("updated"),
            "archive": _("archived"), "unarchive": _("taken out of the archive"),
            "restore": _("restored an earlier version"), "confirm": _("confirmed"),
            "milestone": _("dated milestone from the sources")}


def period_changes(entries, period: Period, names: dict, lang: str = "vi", _=untranslated,
                   limit: int | None = TEXT_LIMIT) -> list[dict]:
    """Every history entry dated in the period (Vietnam time), oldest first, with its field changes."""
    titles, order, actions = _field_titles(lang, _), _field_order(), action_titles(_)
    rows = []
    chosen = [e for e in entries if period.start <= local_date(e.changed_at) <= period.end]
    for e in sorted(chosen, key=lambda e: (e.changed_at, e.id)):
        changes = e.changes if isinstance(e.changes, dict) else {}
        fields = []
        if e.action not in CREATE_ACTIONS:
            for name in sorted(changes, key=lambda n: (order.get(n, len(order)), n)):
                pair = changes[name]
                old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
                fields.append({"field": name, "title": titles.get(name, name),
                               "old": value_text(name, old, lang, _, limit), "new": value_text(name, new, lang, _, limit)})
        name = names.get(str(e.project_id))
        if name is None and isinstance(changes.get("name_vi"), list):  # a project no longer listed
            name = (changes.get("name_vi" if lang == "vi" else "name_en") or [None, None])[1]
        rows.append({"id": e.id, "project_id": str(e.project_id), "name": name or str(e.project_id),
                     "listed": str(e.project_id) in names, "version": e.version, "changed_at": e.changed_at,
                     "date": local_date(e.changed_at).isoformat(), "changed_at_text": fmt_date(e.changed_at, lang),
                     "user": e.user or "", "action": e.action, "action_title": actions.get(e.action, e.action),
                     "fields": fields, "note": e.note or "", "count": 1})
    return rows


def collapse_loads(rows: list[dict]) -> list[dict]:
    """One row for each load of the plan's data (seed creations carry no field changes), with
    the number of projects loaded, instead of one row per project."""
    out, loads = [], {}
    for row in rows:
        if row["action"] == "seed" and not row["fields"]:
            key = (row["date"], row["user"], row["note"])
            if key in loads:
                loads[key]["count"] += 1
                loads[key]["project_ids"].append(row["project_id"])
                continue
            row = loads[key] = {**row, "project_ids": [row["project_id"]]}
        out.append(row)
    for row in loads.values():
        if row["count"] > 1:
            row["project_id"], row["listed"] = "", False
    return out


# -- targets ------------------------------------------------------------------------------------

def _value_date(v: dict) -> dt.date:
    return dt.date(v["year"], 6, 30) if v.get("period") == "H1" else dt.date(v["year"], 12, 31)


def targets_doc_until(doc: dict, end: dt.date) -> dict:
    """The targets document with only the values reported for periods ending by ``end``."""
    out = copy.deepcopy(doc)
    for t in out["targets"]:
        t["values"] = [v for v in t.get("values") or [] if _value_date(v) <= end]
    return out


def _ntm_by_period_end(features, doc: dict, end: dt.date) -> dict | None:
    """Target 11 at the period end: communes recorded as reaching the standard in a year
    that had ended by the period end (ntm_year is the year reached at the latest)."""
    target = next((t for t in doc["targets"] if t.get("computed_from")), None)
    if target is None:
        return None
    last_full_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    cf = dict(target["computed_from"])
    first = cf.get("years", (2015, 2020))[0]
    of = next((p.get("of") or p.get("value") for p in target["parts"] if p.get("of") or p.get("value")), None)
    if last_full_year < first:
        return {"year": last_full_year, "count": 0, "target": of}
    cf["years"] = (first, last_full_year)
    progress = targets_mod.ntm_progress(features, cf, total=of)
    return {"year": last_full_year, "count": progress["years"][-1]["count"], "target": progress["target"]}


# -- the report ----------------------------------------------------------------------------------------

@dataclasses.dataclass
class Report:
    period: Period
    data: dict  # JSON-ready: what the page, the PDF and the XLSX show
    features: list  # the projects at the period end (for the map)
    changes_full: list  # data["changes"] with values unclipped (for the spreadsheet)


def build_report(period: Period, features, entries, today: dt.date, lang: str = "vi", gettext=None, *,
                 targets_doc: dict | None = None, now: dt.datetime | None = None) -> Report:
    """The report of ``period``. features: current features, archived included; entries: the whole
    history; today: the date in Vietnam (periods not yet ended are reported up to today)."""
    _ = gettext or untranslated
    if not period.has_started(today):
        raise NotFound(f"the period {period.key} has not started yet")
    ended = period.has_ended(today)
    as_of = period.end if ended else today
    entries = list(entries)
    at_end, info = states_at([f for f in features if isinstance(f, dict)], entries, as_of)
    # Behind schedule "at the close of the period": a planned end on or before its last day has passed.
    close = as_of + dt.timedelta(days=1) if ended else today
    doc = targets_doc_until(targets_doc if targets_doc is not None else targets_mod.load_targets(), as_of)
    names = {str(f.get("id")): dashboard.project_name(f.get("properties") or {}, lang) for f in features}
    changes = collapse_loads(period_changes(entries, period, names, lang, _))
    changes_full = period_changes(entries, period, names, lang, _, limit=None)
    summary = dashboard.summarise(at_end, [], close, lang, gettext, targets_doc=doc)
    summary.pop("recent", None)
    summary["as_of"], summary["as_of_text"] = as_of.isoformat(), fmt_date(as_of.isoformat(), lang)
    for t in summary["targets"]["targets"]:
        if t.get("computed"):
            t["at_period_end"] = _ntm_by_period_end(at_end, doc, as_of)
    first_ids = {r["id"] for r in info["first_recorded"]}
    seeded = sorted({r["recorded_at"] for r in info["first_recorded"]})
    now = now or dt.datetime.now(dt.timezone.utc)
    data = {
        "period": period.to_dict(lang),
        "lang": lang,
        "issuer": ISSUER.get(lang, ISSUER["vi"]),
        "ended": ended,
        "as_of": as_of.isoformat(),
        "as_of_text": fmt_date(as_of.isoformat(), lang),
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generated_text": fmt_date(now.strftime("%Y-%m-%dT%H:%M:%SZ"), lang),
        "summary": summary,
        "completed_or_operating": sum(1 for f in at_end if (f.get("properties") or {}).get("status") in ("completion", "maintenance")),
        "changes": changes,
        "changed_projects": len({c["project_id"] for c in changes_full}),
        "change_count": len(changes_full),
        "caveats": {
            "first_recorded": len(first_ids),
            "records_start_text": fmt_date(local_date(seeded[0]).isoformat(), lang) if seeded else "",
            "date_conflicts": _date_conflicts(at_end, first_ids, as_of, lang),
            "no_history": info["no_history"],
        },
    }
    return Report(period, data, at_end, changes_full)

