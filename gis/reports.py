"""Period reports (plan section IV.4): periods, the report's data, a static map, XLSX and PDF. No Flask.

The Department of Planning and Investment reports on the plan every 6 months and every
year. A report covers a ``Period`` (``2026-H1``, ``2026-H2``, ``2026`` or a range
``2026-01-01..2026-03-31``) and shows, as recorded in the system:

* the projects as they were at the end of the period: each project's current state with
  the history entries dated after the period end undone (``gis.history.states_at_date``), the
  sourced milestones included;
* the status by sector and by lead agency, and the projects behind schedule at the close
  of the period (``gis.dashboard.summarise`` on those states);
* every change recorded in the period;
* the plan's 13 targets with the values recorded up to the period end (target 11
  computed from the commune data at the period end, ``gis.targets``);
* a static map drawn with matplotlib (no tiles): base layers, projects coloured by status
  (``gis.style``), legend, north arrow, scale bar, "indicative boundaries" note.

``gettext`` is passed in (Flask-Babel's in the web app) and called as ``_("...")`` so that
``pybabel extract`` finds the strings; period names are data (both languages) because the
plan's reporting vocabulary must be exact.
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import io
import logging
import os
import re

from gis import dashboard, schema, style, targets as targets_mod
from gis.errors import BadRequest, NotFound
from gis.formatting import fmt_date, fmt_number, fmt_vnd
from gis.history import local_date, states_at_date

FIRST_YEAR = 2016  # the plan's period starts in 2016
LAST_YEAR = 2100
VIETNAM = dashboard.VIETNAM
CREATE_ACTIONS = ("create", "seed")
CLOSED = dashboard.CLOSED_STATUSES
ISSUER = {"vi": "Sở Kế hoạch và Đầu tư thành phố Cần Thơ", "en": "Can Tho City Department of Planning and Investment"}
TEXT_LIMIT = 200  # characters of an old/new value shown in the HTML/PDF list of changes


def _identity(text, **kwargs):
    return text % kwargs if kwargs else text


# -- periods ------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Period:
    key: str  # "2026-H1" | "2026-H2" | "2026" | "2026-01-01..2026-03-31"
    kind: str  # "H1" | "H2" | "year" | "range"
    start: dt.date
    end: dt.date

    def label(self, lang: str = "vi") -> str:
        y = self.start.year
        if lang == "vi":
            return {"H1": f"6 tháng đầu năm {y}", "H2": f"6 tháng cuối năm {y}", "year": f"Năm {y}"}.get(
                self.kind, f"Từ {fmt_date(self.start.isoformat(), 'vi')} đến {fmt_date(self.end.isoformat(), 'vi')}")
        return {"H1": f"First half of {y}", "H2": f"Second half of {y}", "year": f"Year {y}"}.get(
            self.kind, f"{fmt_date(self.start.isoformat(), 'en')} to {fmt_date(self.end.isoformat(), 'en')}")

    def span_text(self, lang: str = "vi") -> str:
        return f"{fmt_date(self.start.isoformat(), lang)} – {fmt_date(self.end.isoformat(), lang)}"

    def has_ended(self, today: dt.date) -> bool:
        return self.end < today

    def has_started(self, today: dt.date) -> bool:
        return self.start <= today

    @property
    def filename(self) -> str:
        return "cantho-report-" + self.key.replace("..", "_")

    def to_dict(self, lang: str = "vi") -> dict:
        return {"key": self.key, "kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "label": self.label(lang), "label_vi": self.label("vi"), "label_en": self.label("en"),
                "span_text": self.span_text(lang)}


def _year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise NotFound(f"reports cover the years {FIRST_YEAR} to {LAST_YEAR}, not {value}")
    return value


def year_period(year: int) -> Period:
    year = _year(year)
    return Period(str(year), "year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def half_period(year: int, half: int) -> Period:
    year = _year(year)
    if half == 1:
        return Period(f"{year}-H1", "H1", dt.date(year, 1, 1), dt.date(year, 6, 30))
    return Period(f"{year}-H2", "H2", dt.date(year, 7, 1), dt.date(year, 12, 31))


def _canonical(start: dt.date, end: dt.date) -> Period:
    """A standard period when the dates are exactly one, else a range."""
    for candidate in (year_period(start.year), half_period(start.year, 1), half_period(start.year, 2)):
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period(f"{start.isoformat()}..{end.isoformat()}", "range", start, end)


def range_period(start_text: str, end_text: str) -> Period:
    """A period from ``from``/``to`` query values (YYYY-MM-DD, inclusive); 400 when malformed."""
    dates = []
    for name, text in (("from", start_text), ("to", end_text)):
        text = (text or "").strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError
            dates.append(dt.date.fromisoformat(text))
        except ValueError:
            raise BadRequest(f"{name} must be a date YYYY-MM-DD, got {text!r}") from None
    start, end = dates
    if end < start:
        raise BadRequest(f"the period ends ({end}) before it starts ({start})")
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise BadRequest(f"reports cover the years {FIRST_YEAR} to {LAST_YEAR}")
    return _canonical(start, end)


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(token: str) -> Period:
    """``2026``, ``2026-H1``, ``2026-H2`` or ``2026-01-01..2026-03-31``; NotFound otherwise."""
    token = str(token or "").strip()
    if m := _YEAR.match(token):
        return year_period(int(m.group(1)))
    if m := _HALF.match(token):
        return half_period(int(m.group(1)), int(m.group(2)))
    if m := _RANGE.match(token):
        try:
            return range_period(m.group(1), m.group(2))
        except BadRequest as exc:
            raise NotFound(exc.message) from None
    raise NotFound(f"no such report period: {token!r} (examples: 2026-H1, 2026-H2, 2026, "
                   f"2026-01-01..2026-03-31)")


def period_from_args(args: dict) -> Period | None:
    """``?period=2026-H1`` or ``?from=...&to=...`` (values are lists, as request args); None when absent."""
    def last(name):
        values = args.get(name) or [""]
        return values[-1] if isinstance(values, list) else values

    if last("period"):
        try:
            return parse_period(last("period"))
        except NotFound as exc:
            raise BadRequest(exc.message) from None
    if last("from") or last("to"):
        return range_period(last("from"), last("to"))
    return None


def standard_periods(today: dt.date) -> list[dict]:
    """The 6-month and annual periods from 2016 to ``today``, newest year first:
    ``[{"year": 2026, "periods": [Period(year), Period(H2), Period(H1)]}]`` (started ones only)."""
    out = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        periods = [p for p in (year_period(year), half_period(year, 2), half_period(year, 1)) if p.has_started(today)]
        if periods:
            out.append({"year": year, "periods": periods})
    return out


# -- the state at the end of the period -------------------------------------------------------------------

def _local_moment(changed_at: str) -> dt.datetime:
    """A history timestamp as Vietnam time without a zone (spreadsheets have no time zones)."""
    moment = dt.datetime.fromisoformat(str(changed_at).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VIETNAM).replace(tzinfo=None)


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
            out.append({"id": str(f.get("id")), "name": dashboard._name(p, lang), "status": status,
                        "status_title": schema.code_title("status", status, lang), "field": field,
                        "field_title": _field_titles(lang).get(field, field), "value": p.get(field),
                        "value_text": fmt_date(p.get(field), lang)})
    return out


# -- changes in the period ----------------------------------------------------------------------------

def _field_titles(lang: str, _=_identity) -> dict:
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


def value_text(field: str, value, lang: str = "vi", _=_identity, limit: int | None = TEXT_LIMIT) -> str:
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


def action_titles(_=_identity) -> dict:
    return {"seed": _("loaded from the plan's data"), "create": _("created"), "update": _("updated"),
            "archive": _("archived"), "unarchive": _("taken out of the archive"),
            "restore": _("restored an earlier version"), "confirm": _("confirmed"),
            "milestone": _("dated milestone from the sources")}


def period_changes(entries, period: Period, names: dict, lang: str = "vi", _=_identity,
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
    _ = gettext or _identity
    if not period.has_started(today):
        raise NotFound(f"the period {period.key} has not started yet")
    ended = period.has_ended(today)
    as_of = period.end if ended else today
    entries = list(entries)
    at_end, info = states_at([f for f in features if isinstance(f, dict)], entries, as_of)
    # Behind schedule "at the close of the period": a planned end on or before its last day has passed.
    close = as_of + dt.timedelta(days=1) if ended else today
    doc = targets_doc_until(targets_doc if targets_doc is not None else targets_mod.load_targets(), as_of)
    names = {str(f.get("id")): dashboard._name(f.get("properties") or {}, lang) for f in features}
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


# -- the static map ----------------------------------------------------------------------------------------

MAP_CRS = "EPSG:32648"  # UTM zone 48N: metres, for the scale bar
MAP_LAYERS = ("districts", "city", "rivers")  # drawn in this order, under the projects
ROUND = (1, 2, 5)


def _nice_length(span_m: float) -> int:
    target = span_m / 5
    best = 1000
    for power in range(2, 6):
        for m in ROUND:
            if m * 10 ** power <= target:
                best = m * 10 ** power
    return best


def render_map(features, layers, lang: str = "vi", gettext=None, *, fmt: str = "png", dpi: int = 150,
               width: float = 7.6) -> bytes:
    """A static map (PNG or SVG bytes) of ``features`` over the base ``layers``.

    layers: [(manifest entry, [features])] as the store lists them; only city, districts and
    rivers are drawn. The view is the city (and any point project outside it): long lines
    such as the railway to Ho Chi Minh City run off the edge. Projects are coloured by status
    (gis.style), lines with a dark casing and points with a dark outline so that yellow stays
    visible; the legend, beside the map, counts each status.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import geopandas as gpd
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    _ = gettext or _identity
    by_name = {entry.get("name"): feats for entry, feats in layers if feats}
    frames = {name: gpd.GeoDataFrame.from_features(by_name[name], crs="EPSG:4326").to_crs(MAP_CRS)
              for name in MAP_LAYERS if by_name.get(name)}
    projects = [f for f in features if isinstance(f, dict) and f.get("geometry")]
    gdf = gpd.GeoDataFrame.from_features(projects, crs="EPSG:4326").to_crs(MAP_CRS) if projects else None
    bounds = [frames[n].total_bounds for n in ("city", "districts") if n in frames]
    if gdf is not None:
        points = gdf[gdf.geometry.geom_type.isin(["Point", "MultiPoint"])]
        bounds.append((gdf if not bounds or not len(points) else points).total_bounds)
    if bounds:
        minx, miny = min(b[0] for b in bounds), min(b[1] for b in bounds)
        maxx, maxy = max(b[2] for b in bounds), max(b[3] for b in bounds)
        pad = max(maxx - minx, maxy - miny, 2000) * 0.05
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    else:
        minx, miny, maxx, maxy = 0, 0, 1, 1
    map_w = 0.68  # share of the figure's width for the map; the legend takes the rest
    height = min(max(width * map_w * (maxy - miny) / (maxx - minx), 3.5), 9.0) + 0.55
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((0.005, 0.5 / height, map_w, 1 - 0.55 / height))
    ax.set_axis_off()
    for name in MAP_LAYERS:
        if name not in frames:
            continue
        s = style.LAYER_STYLES.get(name, style.DEFAULT_LAYER_STYLE)
        if name == "rivers":
            frames[name].plot(ax=ax, color=s.get("color"), linewidth=2.4, alpha=s.get("opacity", 0.8), zorder=3)
        elif s.get("fillColor"):
            frames[name].plot(ax=ax, facecolor=s["fillColor"], edgecolor=s.get("color"), linewidth=0.6,
                              linestyle="--", zorder=1)
        else:
            frames[name].boundary.plot(ax=ax, color=s.get("color"), linewidth=1.4, zorder=2)
    counts: dict = {}
    if gdf is not None:
        gdf["colour"] = [style.status_colour(s) for s in gdf["status"]]
        for status in gdf["status"]:
            counts[status] = counts.get(status, 0) + 1
        kinds = gdf.geometry.geom_type
        polys = gdf[kinds.isin(["Polygon", "MultiPolygon"])]
        if len(polys):
            polys.plot(ax=ax, color=polys["colour"], edgecolor="#222222", linewidth=0.6, alpha=0.75, zorder=4)
        lines = gdf[kinds.isin(["LineString", "MultiLineString"])]
        if len(lines):
            lines.plot(ax=ax, color="#222222", linewidth=4.4, zorder=5)
            lines.plot(ax=ax, color=lines["colour"], linewidth=2.8, zorder=6)
        points = gdf[kinds.isin(["Point", "MultiPoint"])]
        for is_commune, marker, size_pt in ((True, "s", 18), (False, "o", 48)):
            sel = points[(points["sector"] == "rural.ntm") == is_commune]
            if len(sel):
                sel.plot(ax=ax, color=sel["colour"], edgecolor="#222222", linewidth=0.7, marker=marker,
                         markersize=size_pt, zorder=7 if is_commune else 8)
    else:
        ax.text(0.5, 0.5, _("No project to show."), transform=ax.transAxes, ha="center", va="center")
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="datalim")
    # legend beside the map: every status present with its count, then the symbols
    handles = []
    for code in schema.codes("status") + sorted(c for c in counts if c not in schema.codes("status")):
        if counts.get(code):
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=8, markeredgecolor="#222222",
                                  markerfacecolor=style.status_colour(code),
                                  label=f"{schema.code_title('status', code, lang)} ({fmt_number(counts[code], lang, 0)})"))
    handles += [Line2D([], [], marker="o", linestyle="", markersize=7, markerfacecolor="#ffffff",
                       markeredgecolor="#222222", label=_("Project (point)")),
                Line2D([], [], marker="s", linestyle="", markersize=5.5, markerfacecolor="#ffffff",
                       markeredgecolor="#222222", label=_("New-rural commune")),
                Line2D([], [], color="#222222", linewidth=3.2, label=_("Project (line)")),
                Line2D([], [], color="#4a90c2", linewidth=2.4, label=_("River, canal (indicative)")),
                Line2D([], [], color="#777777", linewidth=0.8, linestyle="--", label=_("District (2017, indicative)"))]
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(map_w + 0.02, 1 - 0.05 / height), fontsize=7.5,
               title=_("Status at the end of the period"), title_fontsize=8, frameon=False, alignment="left")
    # north arrow (UTM grid north is within a degree of true north here) and scale bar
    ax.annotate(_("N"), xy=(0.95, 0.98), xytext=(0.95, 0.87), xycoords="axes fraction", ha="center", va="center",
                fontsize=10, fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "#222222", "lw": 1.5})
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    sx, sy = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.plot([sx, sx + length], [sy, sy], color="#222222", linewidth=4, solid_capstyle="butt", zorder=9)
    ax.plot([sx + length / 2, sx + length], [sy, sy], color="#ffffff", linewidth=2, solid_capstyle="butt", zorder=10)
    ax.text(sx + length / 2, sy + (y1 - y0) * 0.02, f"{fmt_number(length / 1000, lang, 0)} km", ha="center",
            va="bottom", fontsize=8, zorder=10)
    fig.text(0.01, 0.28 / height, _("Boundaries and rivers are indicative drawings, not official boundaries."),
             fontsize=7, color="#333333")
    fig.text(0.01, 0.1 / height, _("Projection: UTM zone 48N (EPSG:32648). Long lines continue beyond the frame."),
             fontsize=6.5, color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return buf.getvalue()


def data_uri(payload: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


# -- XLSX ---------------------------------------------------------------------------------------------------

def xlsx_bytes(report: Report, gettext=None) -> bytes:
    """The report as a workbook: by sector, by agency, changes, behind schedule, targets, about."""
    from openpyxl import Workbook

    from gis.export import _xlsx_sheet  # the project's cell writer: text is never a formula

    _ = gettext or _identity
    d, s = report.data, report.data["summary"]
    lang = d["lang"]
    wb = Workbook()
    statuses = [st["title"] for st in s["statuses"]]
    codes = [st["code"] for st in s["statuses"]]

    def cross(ws, table, head):
        cols = [head] + statuses + [_("Total")]
        rows = [{head: r["title"], **{t: r["counts"].get(c, 0) for t, c in zip(statuses, codes)},
                 _("Total"): r["total"]} for r in table["rows"]]
        rows.append({head: _("Total"), **{t: table["totals"].get(c, 0) for t, c in zip(statuses, codes)},
                     _("Total"): table["total"]})
        _xlsx_sheet(ws, cols, rows)

    ws = wb.active
    ws.title = _("By sector")[:31]
    cross(ws, s["by_sector_status"], _("Sector"))
    cross(wb.create_sheet(_("By agency")[:31]), s["by_agency"], _("Lead agency"))

    cols = [_("Date"), _("Project id"), _("Project"), _("User"), _("Action"), _("Field"), _("Old value"),
            _("New value"), _("Note")]
    rows = []
    for c in report.changes_full:
        base = {cols[0]: _local_moment(c["changed_at"]), cols[1]: c["project_id"], cols[2]: c["name"], cols[3]: c["user"],
                cols[4]: c["action_title"], cols[8]: c["note"]}
        if not c["fields"]:
            rows.append(base)
        for f in c["fields"]:
            rows.append({**base, cols[5]: f["title"], cols[6]: f["old"], cols[7]: f["new"]})
    _xlsx_sheet(wb.create_sheet(_("Changes")[:31]), cols, rows, {cols[0]: "yyyy-mm-dd hh:mm"})

    cols = [_("Project id"), _("Project"), _("Status"), _("Sector"), _("Lead agency"), _("Planned completion"),
            _("Days late"), _("Months late"), _("Progress (%)")]
    rows = [{cols[0]: r["id"], cols[1]: r["name"], cols[2]: r["status_title"], cols[3]: r["sector_title"],
             cols[4]: r["lead_agency_title"], cols[5]: r["planned_end_text"], cols[6]: r["days_late"],
             cols[7]: r["months_late"], cols[8]: r["progress"]} for r in s["behind_schedule"]]
    _xlsx_sheet(wb.create_sheet(_("Behind schedule")[:31]), cols, rows)

    cols = [_("No."), _("Target"), _("Part"), _("Target value"), _("Unit"), _("Year"), _("Period"), _("Value"),
            _("Source")]
    rows = []
    for t in s["targets"]["targets"]:
        for p in t["parts"]:
            goal = (f"{fmt_number(p['min'], lang, 2)}–{fmt_number(p['max'], lang, 2)}" if "min" in p and "max" in p
                    else fmt_number(p.get("value"), lang, 2))
            base = {cols[0]: t["number"], cols[1]: t["text"], cols[2]: p["label"], cols[3]: goal, cols[4]: p["unit"]}
            values = [v for v in t["values"] if v["part"] == p["key"]]
            for v in values:
                rows.append({**base, cols[5]: v["year"], cols[6]: _("first half") if v.get("period") == "H1" else _("year"),
                             cols[7]: v["value"], cols[8]: v.get("source", "")})
            if t.get("at_period_end"):
                ape = t["at_period_end"]
                rows.append({**base, cols[5]: ape["year"], cols[6]: _("computed from the commune data"),
                             cols[7]: ape["count"]})
            elif not values:
                rows.append(base)
    _xlsx_sheet(wb.create_sheet(_("Targets")[:31]), cols, rows)

    about = wb.create_sheet(_("About")[:31])
    info = [(_("Report"), d["period"]["label"]), (_("From"), d["period"]["start"]), (_("To"), d["period"]["end"]),
            (_("Figures as of"), d["as_of"]), (_("Generated at (UTC)"), d["generated_at"]),
            (_("Note"), _("Figures are as recorded in the Cần Thơ key-projects map."))]
    _xlsx_sheet(about, [_("Item"), _("Value")], [{_("Item"): k, _("Value"): v} for k, v in info])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- PDF ------------------------------------------------------------------------------------------------

FONT_FAMILY = "Report Sans"
_FONT_FILES = {("normal", "normal"): "DejaVuSans.ttf", ("bold", "normal"): "DejaVuSans-Bold.ttf",
               ("normal", "italic"): "DejaVuSans-Oblique.ttf", ("bold", "italic"): "DejaVuSans-BoldOblique.ttf"}


def font_dir() -> str:
    """DejaVu Sans as shipped by matplotlib (a pinned package): every Vietnamese letter, no system font needed."""
    import matplotlib

    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf")


def font_face_css() -> str:
    from urllib.parse import quote

    rules = []
    for (weight, style_), name in _FONT_FILES.items():
        url = "file://" + quote(os.path.join(font_dir(), name))
        rules.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: {style_}; '
                     f'src: url("{url}") format("truetype"); }}')
    return "\n".join(rules)


@dataclasses.dataclass
class PdfResult:
    pdf: bytes
    missing_glyphs: list  # ".notdef" warnings: characters no font could draw
    warnings: list  # every warning WeasyPrint logged


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _fetcher():
    from weasyprint.urls import URLFetcher

    allowed = {os.path.realpath(os.path.join(font_dir(), n)) for n in _FONT_FILES.values()}

    class LocalOnly(URLFetcher):
        """data: URIs and our font files only: rendering never reaches the network or other files."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit

                if os.path.realpath(unquote(urlsplit(url).path)) in allowed:
                    return super().fetch(url, headers)
            raise ValueError(f"the report may not load {url[:80]!r}")

    return LocalOnly()


def pdf_bytes(html: str) -> PdfResult:
    """Render ``html`` (self-contained: styles inline, images as data URIs) with WeasyPrint."""
    import weasyprint

    logger = logging.getLogger("weasyprint")
    capture = _Capture()
    logger.addHandler(capture)
    try:
        pdf = weasyprint.HTML(string=html, url_fetcher=_fetcher(), media_type="print").write_pdf()
    finally:
        logger.removeHandler(capture)
    missing = [m for m in capture.messages if ".notdef" in m]
    return PdfResult(pdf, missing, capture.messages)
