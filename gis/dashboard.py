"""The dashboard: every number (``summarise``) and server-drawn SVG charts. No Flask.

``summarise`` turns the store's features and history into plain data (the JSON of
/api/dashboard); the chart functions turn that data into a ``<figure>`` holding an
SVG (role="img", labelled by the caption) and a ``<table>`` with the same numbers.
Every label and value is escaped with markupsafe; colours come from gis.style.

``gettext`` is passed in (Flask-Babel's in the web app) and called as ``_("...")`` so
that ``pybabel extract`` finds the strings here.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re

from markupsafe import Markup, escape

from gis import schema, style, targets as targets_mod
from gis.formatting import VIETNAM, fmt_date, fmt_number, untranslated
from gis.milestones import last_day  # "2017" -> 2017-12-31; also imported from here by others

CLOSED_STATUSES = ("completion", "maintenance", "cancelled")
PROGRESS_BINS = (("0-24", 0, 24), ("25-49", 25, 49), ("50-74", 50, 74), ("75-99", 75, 99), ("100", 100, 100),
                 ("unknown", None, None))
RECENT_LIMIT = 10
ACCENT = "#0b5d8f"
UNKNOWN_FILL = "#aab4be"


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(VIETNAM).date()


# -- dates ----------------------------------------------------------------------------------

def _is_month_end(d: dt.date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when end <= start). A month is
    complete on the same day of the month, or on the month's last day when it is shorter
    (31 Jan -> 28 Feb is one month)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and not _is_month_end(end):
        months -= 1
    return max(months, 0)


def lateness(planned_end, today: dt.date) -> dict | None:
    """{"last_day", "days_late", "months_late"} when the planned end has passed (its last
    day is before today), else None."""
    end = last_day(planned_end)
    if end is None or not end < today:
        return None
    return {"last_day": end.isoformat(), "days_late": (today - end).days,
            "months_late": whole_months_between(end, today)}


# -- summary ----------------------------------------------------------------------------------

def _get(entry, name, default=None):
    if isinstance(entry, dict):
        return entry.get(name, default)
    return getattr(entry, name, default)


def _ordered_codes(codelist_name: str, seen) -> list[str]:
    """The codelist's codes, then any unknown code found in the data (kept, never dropped)."""
    known = schema.codes(codelist_name)
    return known + sorted({c for c in seen if c not in known}, key=str)


def project_name(props: dict, lang: str) -> str:
    """The project's name in ``lang``, else in the other language, else its id."""
    first, second = ("name_vi", "name_en") if lang == "vi" else ("name_en", "name_vi")
    return props.get(first) or props.get(second) or str(props.get("id") or "")


def _cross_table(features, row_field: str, codelist_name: str, statuses: list[str], lang: str,
                 keep_empty: bool) -> dict:
    counts: dict = {}
    for f in features:
        p = f.get("properties") or {}
        row = p.get(row_field)
        row = "" if row is None else str(row)
        counts.setdefault(row, dict.fromkeys(statuses, 0))[str(p.get("status"))] += 1
    extra_groups = {c.code: c.extra.get("group") for c in schema.codelist(codelist_name)}
    rows = []
    for code in _ordered_codes(codelist_name, counts):
        by_status = counts.get(code, dict.fromkeys(statuses, 0))
        total = sum(by_status.values())
        if not total and not keep_empty:
            continue
        row = {"code": code, "title": schema.code_title(codelist_name, code, lang) if code else "?",
               "counts": by_status, "total": total}
        if extra_groups.get(code):
            row["group"] = extra_groups[code]
        rows.append(row)
    totals = {s: sum(r["counts"][s] for r in rows) for s in statuses}
    return {"rows": rows, "totals": totals, "total": sum(totals.values())}


def _progress_bins(features, _) -> list[dict]:
    titles = {"unknown": _("unknown")}
    out = []
    for key, low, high in PROGRESS_BINS:
        if low is None:
            count = sum(1 for f in features if not _is_progress((f.get("properties") or {}).get("progress")))
        else:
            count = sum(1 for f in features if _is_progress(p := (f.get("properties") or {}).get("progress"))
                        and low <= p <= high)
        title = titles.get(key) or (f"{low}%" if low == high else f"{low}–{high}%")
        out.append({"key": key, "title": title, "min": low, "max": high, "count": count})
    return out


def _is_progress(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100


def behind_schedule(features, today: dt.date, lang: str = "vi") -> list[dict]:
    """Open projects (not completed, in operation or cancelled) whose planned end has
    passed, latest first by lateness."""
    out = []
    for f in features:
        p = f.get("properties") or {}
        if p.get("status") in CLOSED_STATUSES:
            continue
        late = lateness(p.get("planned_end"), today)
        if late is None:
            continue
        out.append({"id": str(f.get("id") or p.get("id")), "name": project_name(p, lang),
                    "status": p.get("status"), "status_title": schema.code_title("status", p.get("status"), lang),
                    "colour": style.status_colour(p.get("status")),
                    "ink": style.STATUS_INK.get(p.get("status"), "#ffffff"),
                    "sector": p.get("sector"), "sector_title": schema.code_title("sector", p.get("sector"), lang),
                    "lead_agency": p.get("lead_agency"),
                    "lead_agency_title": schema.code_title("lead_agency", p.get("lead_agency"), lang),
                    "planned_end": p.get("planned_end"), "planned_end_text": fmt_date(p.get("planned_end"), lang),
                    "progress": p.get("progress") if _is_progress(p.get("progress")) else None, **late})
    out.sort(key=lambda r: (-r["days_late"], r["name"]))
    return out


def recent_updates(history_entries, features, lang: str = "vi", limit: int = RECENT_LIMIT) -> list[dict]:
    """The latest change of each of the ``limit`` most recently changed projects
    (history is newest first)."""
    names = {str(f.get("id")): project_name(f.get("properties") or {}, lang) for f in features}
    field_titles = {fl.name: fl.title(lang) for fl in schema.fields()}
    field_titles["geometry"] = "geometry"
    out, seen = [], set()
    for entry in history_entries:
        pid = str(_get(entry, "project_id"))
        if pid in seen:
            continue
        seen.add(pid)
        changes = _get(entry, "changes") or {}
        out.append({"project_id": pid, "name": names.get(pid, pid), "in_list": pid in names,
                    "version": _get(entry, "version"), "changed_at": _get(entry, "changed_at"),
                    "changed_at_text": fmt_date(_get(entry, "changed_at"), lang),
                    "user": _get(entry, "user"), "action": _get(entry, "action"), "note": _get(entry, "note") or "",
                    "fields": sorted(changes) if isinstance(changes, dict) else [],
                    "field_titles": [field_titles.get(k, k) for k in sorted(changes)]
                    if isinstance(changes, dict) else []})
        if len(out) >= limit:
            break
    return out


def summarise(features, history_entries, today: dt.date, lang: str = "vi", gettext=None, *,
              targets_doc: dict | None = None) -> dict:
    """Every number of the dashboard, as JSON-ready data.

    features: GeoJSON features from the store; history_entries: HistoryEntry (or dicts),
    newest first; today: the date lateness is measured against.
    """
    _ = gettext or untranslated
    features = [f for f in features if isinstance(f, dict)]
    statuses = _ordered_codes("status", {str((f.get("properties") or {}).get("status")) for f in features})
    by_sector = _cross_table(features, "sector", "sector", statuses, lang, keep_empty=True)
    by_agency = _cross_table(features, "lead_agency", "lead_agency", statuses, lang, keep_empty=False)
    by_agency["rows"].sort(key=lambda r: -r["total"])  # stable: codelist order among equals
    late = behind_schedule(features, today, lang)
    open_projects = [f for f in features if (f.get("properties") or {}).get("status") not in CLOSED_STATUSES]
    doc = targets_doc if targets_doc is not None else targets_mod.load_targets()
    return {
        "as_of": today.isoformat(),
        "as_of_text": fmt_date(today.isoformat(), lang),
        "lang": lang,
        "total": len(features),
        "statuses": [{"code": s, "title": schema.code_title("status", s, lang), "colour": style.status_colour(s),
                      "ink": style.STATUS_INK.get(s, "#ffffff"), "count": by_sector["totals"][s]} for s in statuses],
        "by_sector_status": by_sector,
        "by_agency": by_agency,
        "progress": _progress_bins(features, _),
        "behind_schedule": late,
        "open_projects": len(open_projects),
        "open_without_planned_end": sum(1 for f in open_projects
                                        if last_day((f.get("properties") or {}).get("planned_end")) is None),
        "recent": recent_updates(history_entries, features, lang),
        "targets": targets_mod.summarise_targets(doc, features, lang),
    }


# -- SVG ------------------------------------------------------------------------------------------

FONT = "font-family=\"inherit\""
CHAR_W = 7.2  # average glyph width at 13px, for layout only


def _attrs(attrs: dict) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in attrs.items() if v is not None)


def _tag(name: str, content="", **attrs) -> str:
    return f"<{name}{_attrs(attrs)}>{content}</{name}>"


def _text(x, y, label, **attrs) -> str:
    return _tag("text", escape(label), x=_n(x), y=_n(y), **attrs)


def _n(value: float) -> str:
    """A coordinate for SVG (always a dot decimal, never locale-formatted)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _safe_id(chart_id: str) -> str:
    clean = re.sub(r"[^a-z0-9-]", "-", str(chart_id).lower()).strip("-")
    return clean or "chart"


def _wrap(label: str, width: int, max_lines: int = 3) -> list[str]:
    words, lines, line = str(label).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)] + "…"
    return lines or [""]


def _nice_step(maximum: float, ticks: int = 5) -> float:
    if maximum <= 0:
        return 1
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return max(mult * power, 1)
    return 10 * power


def _num(value, lang) -> str:
    return fmt_number(value, lang, 0)


def _figure(chart_id: str, title: str, svg: str, table: str, note: str = "") -> Markup:
    cid = _safe_id(chart_id)
    note_html = f'<p class="chart-note">{escape(note)}</p>' if note else ""
    return Markup(f'<figure class="chart" id="{cid}"><figcaption id="{cid}-caption">{escape(title)}</figcaption>'
                  f"{svg}{note_html}{table}</figure>")


def _svg_open(cid: str, width: float, height: float, desc: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
            f'aria-labelledby="{cid}-caption {cid}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'width="100%" style="max-width: {_n(width)}px" font-size="13" {FONT}>'
            f'<desc id="{cid}-desc">{escape(desc)}</desc>')


def _table(cid: str, title: str, head: list[str], rows: list[tuple[str, list]], lang: str, visible: bool,
           foot: tuple[str, list] | None = None) -> str:
    """A plain data table: head = column titles (first is the row header's), rows = (label, numbers)."""
    cls = "table table-sm chart-table"
    cap_cls = ' class="visually-hidden"' if visible else ""

    def cells(values):
        return "".join(f'<td data-value="{escape(v)}">{escape(_num(v, lang) if isinstance(v, (int, float)) else v)}</td>'
                       for v in values)

    thead = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(f'<tr><th scope="row">{escape(label)}</th>{cells(values)}</tr>' for label, values in rows)
    tfoot = f'<tfoot><tr><th scope="row">{escape(foot[0])}</th>{cells(foot[1])}</tr></tfoot>' if foot else ""
    table = (f'<table class="{cls}" id="{cid}-table"><caption{cap_cls}>{escape(title)}</caption>'
             f"<thead><tr>{thead}</tr></thead><tbody>{body}</tbody>{tfoot}</table>")
    # A hidden table goes in a hidden div: width:1px does not shrink a table itself.
    return f'<div class="table-responsive">{table}</div>' if visible else f'<div class="visually-hidden">{table}</div>'



def stacked_bar_chart(chart_id: str, title: str, rows: list[dict], series: list[dict], *, lang: str = "vi",
                      gettext=None, row_header: str = "", table_visible: bool = False, desc: str = "",
                      note: str = "") -> Markup:
    """Horizontal stacked bars: one bar per row, one segment per series.

    rows: [{"title": label, "counts": {series code: n}}]; series: [{"code", "title",
    "colour", "ink"}] in stacking order. Returns a <figure> with the SVG and a table.
    """
    _ = gettext or untranslated
    cid = _safe_id(chart_id)
    width, label_w, gap, right = 760, 250, 10, 56
    bar_x = label_w + gap
    bar_w = width - bar_x - right
    line_h, bar_h = 15, 18
    totals = [sum(r["counts"].get(s["code"], 0) for s in series) for r in rows]
    maximum = max(totals + [1])
    step = _nice_step(maximum)
    axis_max = step * math.ceil(maximum / step)
    scale = bar_w / axis_max

    parts, y = [], 4
    # legend (wraps): a swatch and the series title, so colour never carries meaning alone
    x = 0
    legend_y = y
    for s in series:
        item_w = 22 + len(s["title"]) * CHAR_W + 18
        if x and x + item_w > width:
            x, legend_y = 0, legend_y + 22
        parts.append(_tag("rect", x=_n(x), y=_n(legend_y), width="14", height="14", fill=s["colour"],
                          stroke="#333", stroke_width="0.8"))
        parts.append(_text(x + 20, legend_y + 12, s["title"], fill="#1f2933"))
        x += item_w
    y = legend_y + 30

    top = y
    row_layout = []
    for r in rows:
        lines = _wrap(r["title"], int(label_w / CHAR_W))
        row_h = max(bar_h + 10, len(lines) * line_h + 8)
        row_layout.append((r, lines, y, row_h))
        y += row_h
    bottom = y
    # grid and axis
    ticks = int(round(axis_max / step))
    for i in range(ticks + 1):
        value = step * i
        gx = bar_x + value * scale
        parts.append(_tag("line", x1=_n(gx), x2=_n(gx), y1=_n(top - 4), y2=_n(bottom), stroke="#d5dbe0",
                          stroke_width="1"))
        parts.append(_text(gx, bottom + 16, _num(value, lang), text_anchor="middle", fill="#5f6b76"))
    parts.append(_text(bar_x + bar_w / 2, bottom + 34, _("Number of projects"), text_anchor="middle",
                       fill="#5f6b76"))
    for (r, lines, ry, row_h), total in zip(row_layout, totals):
        label_top = ry + (row_h - len(lines) * line_h) / 2 + 11
        tspans = "".join(_tag("tspan", escape(line), x=_n(label_w), y=_n(label_top + i * line_h))
                         for i, line in enumerate(lines))
        parts.append(_tag("text", tspans, text_anchor="end", fill="#1f2933"))
        by = ry + (row_h - bar_h) / 2
        sx = bar_x
        for s in series:
            value = r["counts"].get(s["code"], 0)
            if not value:
                continue
            seg_w = value * scale
            tip = f'{r["title"]} · {s["title"]}: {_num(value, lang)}'
            parts.append(_tag("rect", _tag("title", escape(tip)), x=_n(sx), y=_n(by), width=_n(seg_w),
                              height=_n(bar_h), fill=s["colour"], stroke="#333", stroke_width="0.6",
                              data_series=s["code"], data_value=value))
            label = _num(value, lang)
            if seg_w >= len(label) * CHAR_W + 6:
                parts.append(_text(sx + seg_w / 2, by + 13.5, label, text_anchor="middle",
                                   fill=s.get("ink") or "#ffffff", font_weight="600"))
            sx += seg_w
        parts.append(_text(bar_x + total * scale + 6, by + 13.5, _num(total, lang), fill="#1f2933",
                           font_weight="700", data_total=total))
    height = bottom + 44
    desc = desc or _("Horizontal stacked bars; the same numbers are in the table.")
    svg = _svg_open(cid, width, height, desc) + "".join(parts) + "</svg>"
    head = [row_header] + [s["title"] for s in series] + [_("Total")]
    table_rows = [(r["title"], [r["counts"].get(s["code"], 0) for s in series] + [t]) for r, t in zip(rows, totals)]
    foot = (_("Total"), [sum(r["counts"].get(s["code"], 0) for r in rows) for s in series] + [sum(totals)])
    return _figure(cid, title, svg, _table(cid, title, head, table_rows, lang, table_visible, foot), note)


def column_chart(chart_id: str, title: str, bars: list[dict], *, lang: str = "vi", gettext=None,
                 value_header: str = "", category_header: str = "", target: dict | None = None,
                 y_label: str = "", desc: str = "", table_visible: bool = False, extra_columns=None,
                 note: str = "") -> Markup:
    """Vertical bars: bars = [{"title", "value", "colour"?}]. target = {"value", "label"} draws a
    dashed line. extra_columns = [(header, [value per bar])] adds columns to the table only."""
    _ = gettext or untranslated
    cid = _safe_id(chart_id)
    width, height = 640, 300
    left, right, top, bottom = 56, 16, 40 if target else 26, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [b["value"] for b in bars]
    maximum = max(values + [target["value"] if target else 0, 1])
    step = _nice_step(maximum)
    axis_max = step * math.ceil(maximum / step)
    scale = plot_h / axis_max
    base = top + plot_h
    parts = []
    for i in range(int(round(axis_max / step)) + 1):
        value = step * i
        gy = base - value * scale
        parts.append(_tag("line", x1=_n(left), x2=_n(width - right), y1=_n(gy), y2=_n(gy), stroke="#d5dbe0"))
        parts.append(_text(left - 6, gy + 4, _num(value, lang), text_anchor="end", fill="#5f6b76"))
    if y_label:
        parts.append(_text(14, top + plot_h / 2, y_label, text_anchor="middle", fill="#5f6b76",
                           transform=f"rotate(-90 14 {_n(top + plot_h / 2)})"))
    band = plot_w / max(len(bars), 1)
    bar_w = min(band * 0.62, 70)
    for i, b in enumerate(bars):
        cx = left + band * (i + 0.5)
        h = b["value"] * scale
        tip = f'{b["title"]}: {_num(b["value"], lang)}'
        parts.append(_tag("rect", _tag("title", escape(tip)), x=_n(cx - bar_w / 2), y=_n(base - h), width=_n(bar_w),
                          height=_n(h), fill=b.get("colour") or ACCENT, stroke="#333", stroke_width="0.6",
                          data_value=b["value"]))
        parts.append(_text(cx, base - h - 6, _num(b["value"], lang), text_anchor="middle", fill="#1f2933",
                           font_weight="700"))
        for j, line in enumerate(_wrap(b["title"], max(int(band / CHAR_W), 4), 2)):
            parts.append(_text(cx, base + 18 + j * 15, line, text_anchor="middle", fill="#1f2933"))
    parts.append(_tag("line", x1=_n(left), x2=_n(width - right), y1=_n(base), y2=_n(base), stroke="#5f6b76"))
    if target:
        ty = base - target["value"] * scale
        parts.append(_tag("line", x1=_n(left), x2=_n(width - right), y1=_n(ty), y2=_n(ty), stroke="#b00020",
                          stroke_width="2", stroke_dasharray="6 4", data_target=target["value"]))
        # the key sits above the plot, so it never collides with the bars' value labels
        parts.append(_tag("line", x1=_n(left), x2=_n(left + 28), y1="12", y2="12", stroke="#b00020",
                          stroke_width="2", stroke_dasharray="6 4"))
        parts.append(_text(left + 34, 16, target["label"], fill="#b00020", font_weight="600"))
    desc = desc or _("Vertical bars; the same numbers are in the table.")
    svg = _svg_open(cid, width, height, desc) + "".join(parts) + "</svg>"
    extra_columns = extra_columns or []
    head = [category_header, value_header] + [h for h, _vals in extra_columns]
    rows = [(b["title"], [b["value"]] + [vals[i] for _h, vals in extra_columns]) for i, b in enumerate(bars)]
    return _figure(cid, title, svg, _table(cid, title, head, rows, lang, table_visible), note)


# -- the dashboard's charts ---------------------------------------------------------------------------

def charts(summary: dict, lang: str = "vi", gettext=None) -> dict:
    """{name: Markup figure} for the page, drawn from ``summarise``'s output."""
    _ = gettext or untranslated
    series = [{"code": s["code"], "title": s["title"], "colour": s["colour"], "ink": s["ink"]}
              for s in summary["statuses"]]
    out = {
        "sector_status": stacked_bar_chart(
            "chart-sector-status", _("Projects by sector and status"), summary["by_sector_status"]["rows"], series,
            lang=lang, gettext=_, row_header=_("Sector"), table_visible=True),
        "agency": stacked_bar_chart(
            "chart-agency", _("Projects by lead agency"), summary["by_agency"]["rows"], series,
            lang=lang, gettext=_, row_header=_("Lead agency")),
        "progress": column_chart(
            "chart-progress", _("Physical progress of the projects"),
            [{"title": b["title"], "value": b["count"], "colour": UNKNOWN_FILL if b["key"] == "unknown" else ACCENT}
             for b in summary["progress"]],
            lang=lang, gettext=_, category_header=_("Progress"), value_header=_("Projects"),
            y_label=_("Number of projects")),
    }
    t11 = next((t for t in summary["targets"]["targets"] if t.get("computed")), None)
    if t11:
        c = t11["computed"]
        out["ntm"] = column_chart(
            "chart-ntm", _("Communes meeting the new-rural standard, cumulative"),
            [{"title": str(y["year"]), "value": y["count"], "colour": style.status_colour("maintenance")}
             for y in c["years"]],
            lang=lang, gettext=_, category_header=_("Year"), value_header=_("Communes (cumulative)"),
            y_label=_("Communes"),
            target={"value": c["target"], "label": _("Target %(year)s: %(count)s communes",
                                                     year=summary["targets"]["target_year"],
                                                     count=_num(c["target"], lang))},
            extra_columns=[(_("Reached that year"), [y["new"] for y in c["years"]])])
    return out
