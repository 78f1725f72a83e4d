"""What the public pages show: filtered projects, shared by the map, the list and the CSV.

Filters are query parameters, so every view is a shareable link:
``/?status=implementation&sector=transport.road&district=cai-rang&q=cai+cui``.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Optional

from gis import history, replay, schedule, search, schema
from gis.api import param_values, parse_project_query
from gis.errors import BadRequest

FILTER_FIELDS = ("status", "sector", "lead_agency", "district", "flag")
FLAGS = ("behind", "stale")  # behind schedule; not confirmed within STALE_AFTER_DAYS (gis.schedule)
PAGE_PARAMS = ("lang", "sort", "order")
MAX_QUERY_LENGTH = 200


@dataclasses.dataclass
class Selection:
    status: tuple = ()
    sector: tuple = ()
    lead_agency: tuple = ()
    district: tuple = ()
    flag: tuple = ()
    q: str = ""
    at: Optional[dt.date] = None  # the projects as they were on this date; None = today

    def is_filtered(self) -> bool:
        return any((self.status, self.sector, self.lead_agency, self.district, self.flag, self.q))

    def filters_in_python(self) -> bool:
        """True when a filter needs the projects' JSON (the store's indexes cannot apply it)."""
        return bool(self.district or self.q or self.flag or self.at)

    def as_params(self, with_date: bool = True) -> list[tuple[str, str]]:
        """The selection as query parameters (for links: list, CSV, embed, map)."""
        out = [(name, v) for name in FILTER_FIELDS for v in getattr(self, name)]
        if self.q:
            out.append(("q", self.q))
        if self.at and with_date:
            out.append(("at", self.at.isoformat()))
        return out


def parse_selection(args, extra_allowed=()) -> tuple[Selection, object]:
    """(Selection, ProjectQuery) from request args; 400 for unknown parameters or codes."""
    allowed = set(FILTER_FIELDS) | {"q", "at"} | set(PAGE_PARAMS) | set(extra_allowed)
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(unknown)}")
    districts = param_values(args, "district")
    bad = [d for d in districts if d not in schema.codes("districts")]
    if bad:
        raise BadRequest(f"unknown district {', '.join(map(repr, bad))} (allowed: {', '.join(schema.codes('districts'))})")
    flags = param_values(args, "flag")
    bad = [f for f in flags if f not in FLAGS]
    if bad:
        raise BadRequest(f"unknown flag {', '.join(map(repr, bad))} (allowed: {', '.join(FLAGS)})")
    q = " ".join(args.get("q", [""])[-1].split())
    if len(q) > MAX_QUERY_LENGTH:
        raise BadRequest(f"search text is longer than {MAX_QUERY_LENGTH} characters")
    query = parse_project_query({k: v for k, v in args.items() if k in ("status", "sector", "lead_agency")})
    from gis.dashboard import today_in_vietnam

    at = replay.parse_at((args.get("at") or [""])[-1], today_in_vietnam())
    sel = Selection(query.status, query.sector, query.lead_agency, districts, flags, q, at)
    return sel, query


def select_projects(store, args, extra_allowed=(), *,
                    stale_after_days: int = schedule.DEFAULT_STALE_AFTER_DAYS) -> tuple[Selection, list[dict]]:
    sel, query = parse_selection(args, extra_allowed)
    found = replay.projects_at(store, sel.at, query).features if sel.at else store.list_projects(query)
    from gis.dashboard import today_in_vietnam

    return sel, list(keep_selected(found, sel, store, on=sel.at or today_in_vietnam(),
                                   stale_after_days=stale_after_days))


def keep_selected(features, sel: Selection, store, *, on: dt.date,
                  stale_after_days: int = schedule.DEFAULT_STALE_AFTER_DAYS):
    """The filters the store cannot apply (district, q, flag on the date ``on``), one feature at
    a time: ``features`` may be a stream (gis.export reads the store in batches)."""
    by_project = history.by_project(store.history(limit=None)) if sel.flag else None
    for f in features:
        if not (search.matches_district(f, sel.district) and search.matches_text(f, sel.q)):
            continue
        if by_project is not None:
            facts = schedule.schedule_facts(f, by_project.get(str(f.get("id")), []), on, stale_after_days)
            if not all(facts[flag] for flag in sel.flag):
                continue
        yield f


SORT_KEYS = {
    "name": lambda p, lang: search.fold(p.get("name_vi" if lang == "vi" else "name_en") or ""),
    "status": lambda p, lang: schema.codes("status").index(p["status"]),
    "sector": lambda p, lang: p.get("sector") or "",
    "lead_agency": lambda p, lang: p.get("lead_agency") or "",
    "progress": lambda p, lang: -1 if p.get("progress") is None else p["progress"],
    "planned_end": lambda p, lang: p.get("planned_end") or "9999",
    "updated_at": lambda p, lang: p.get("updated_at") or "",
}


def sort_features(features, key: str, order: str, lang: str) -> list[dict]:
    if key not in SORT_KEYS:
        raise BadRequest(f"cannot sort by {key!r} (allowed: {', '.join(SORT_KEYS)})")
    if order not in ("asc", "desc"):
        raise BadRequest("order must be asc or desc")
    return sorted(features, key=lambda f: SORT_KEYS[key](f["properties"], lang), reverse=order == "desc")


CSV_COLUMNS = ("id", "name_vi", "name_en", "sector", "status", "progress", "lead_agency", "plan_section",
               "planned_start", "planned_end", "actual_start", "actual_end", "investment_vnd", "districts",
               "location_accuracy", "updated_at", "sources")


def to_csv(features) -> bytes:
    """UTF-8 with BOM (Excel then shows Vietnamese correctly); lists joined with "; "."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in features:
        p = f["properties"]
        row = []
        for col in CSV_COLUMNS:
            value = p.get(col)
            if isinstance(value, list):
                value = "; ".join(map(str, value))
            text = "" if value is None else str(value)
            if text[:1] in ("=", "+", "-", "@") and col not in ("progress", "investment_vnd"):
                text = "'" + text  # no formula injection when opened in a spreadsheet
            row.append(text)
        writer.writerow(row)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
