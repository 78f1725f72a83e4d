"""Progress curves as server-drawn SVG line charts, each with a table of the same numbers. No Flask.

Reuses the dashboard's SVG helpers (escaping, layout, figure and caption); every label and
value is escaped. ``gettext`` is passed in and called as ``_("...")`` so that
``pybabel extract`` finds the strings here.
"""
from __future__ import annotations

import datetime as dt
import math

from markupsafe import Markup, escape

from gis import progress, schedule
from gis.dashboard import CHAR_W, _figure, _n, _safe_id, _svg_open, _tag, _text
from gis.formatting import fmt_date, fmt_number, untranslated
from gis.milestones import last_day

CITY_STYLE = {"colour": "#1f2933", "width": 3.5, "dash": None}
GROUP_STYLES = {  # Okabe-Ito colours, and a dash each so colour never carries the meaning alone
    "transport": {"colour": "#0072B2", "width": 2.5, "dash": None},
    "tourism": {"colour": "#CC79A7", "width": 2.5, "dash": "7 4"},
    "economy": {"colour": "#D55E00", "width": 2.5, "dash": "2 3"},
    "rural": {"colour": "#009E73", "width": 2.5, "dash": "10 3 2 3"},
}
OTHER_STYLE = {"colour": "#777777", "width": 2, "dash": "4 4"}
PROJECT_STYLES = {"physical": {"colour": "#0072B2", "width": 3, "dash": None},
                  "financial": {"colour": "#D55E00", "width": 2.5, "dash": "7 4"},
                  "planned": {"colour": "#5f6b76", "width": 1.5, "dash": "3 4"}}


def _pct(value, lang) -> str:
    return "—" if value is None else f"{fmt_number(value, lang, 1)}%"


def _data_table(cid: str, title: str, head: list, rows: list, lang: str) -> str:
    """A visible table (its caption for screen readers only: the figure's caption shows the title).
    rows = (label, [number | None | text]); numbers are shown as % with one decimal."""
    def cell(v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return f'<td data-value="{escape(v)}">{escape(_pct(v, lang))}</td>'
        return f'<td>{escape("—" if v is None else v)}</td>'

    thead = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(f'<tr><th scope="row">{escape(label)}</th>{"".join(cell(v) for v in values)}</tr>'
                   for label, values in rows)
    table = (f'<table class="table table-sm chart-table" id="{cid}-table">'
             f'<caption class="visually-hidden">{escape(title)}</caption>'
             f"<thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table>")
    return f'<div class="table-responsive">{table}</div>'


def line_chart(chart_id: str, title: str, series: list[dict], x_ticks: list[tuple], x_range: tuple, *,
               lang: str = "vi", gettext=None, desc: str = "", note: str = "", table: str = "",
               markers=()) -> Markup:
    """Lines on a 0-100 % scale. series: [{"key", "title", "colour", "width", "dash", "points":
    [(x, value or None, tip)]}] (a None value breaks the line); x_ticks: [(x, label)];
    x_range: (min x, max x); markers: [(x, label)] drawn as labelled vertical lines.
    ``table`` is the HTML of the table beside it."""
    _ = gettext or untranslated
    cid = _safe_id(chart_id)
    width, left, right = 640, 52, 20
    parts, x, y = [], 0, 4
    for s in series:  # legend: a piece of each line and its title
        item_w = 40 + len(s["title"]) * CHAR_W + 18
        if x and x + item_w > width:
            x, y = 0, y + 22
        parts.append(_tag("line", x1=_n(x), x2=_n(x + 30), y1=_n(y + 8), y2=_n(y + 8), stroke=s["colour"],
                          stroke_width=_n(s["width"]), stroke_dasharray=s.get("dash")))
        parts.append(_text(x + 36, y + 12, s["title"], fill="#1f2933"))
        x += item_w
    top = y + 34 + (18 if markers else 0)
    plot_h, plot_w = 200, width - left - right
    base = top + plot_h
    lo, hi = x_range
    span = (hi - lo) or 1

    def px(v):
        return left + (v - lo) / span * plot_w if hi != lo else left + plot_w / 2

    def py(v):
        return base - v / 100 * plot_h

    for value in range(0, 101, 20):
        parts.append(_tag("line", x1=_n(left), x2=_n(width - right), y1=_n(py(value)), y2=_n(py(value)),
                          stroke="#d5dbe0"))
        parts.append(_text(left - 6, py(value) + 4, f"{value}%", text_anchor="end", fill="#5f6b76"))
    for tx, label in x_ticks:
        parts.append(_tag("line", x1=_n(px(tx)), x2=_n(px(tx)), y1=_n(base), y2=_n(base + 5), stroke="#5f6b76"))
        parts.append(_text(px(tx), base + 20, label, text_anchor="middle", fill="#5f6b76"))
    parts.append(_tag("line", x1=_n(left), x2=_n(width - right), y1=_n(base), y2=_n(base), stroke="#5f6b76"))
    for mx, label in markers:
        anchor = "end" if px(mx) > left + plot_w * 0.7 else "start"
        parts.append(_tag("line", x1=_n(px(mx)), x2=_n(px(mx)), y1=_n(top - 14), y2=_n(base), stroke="#b00020",
                          stroke_width="1.5", stroke_dasharray="5 3", data_marker=label))
        parts.append(_text(px(mx) + (-4 if anchor == "end" else 4), top - 4, label, text_anchor=anchor,
                           fill="#b00020"))
    for s in series:
        segment = []
        for point in s["points"] + [(None, None, "")]:
            if point[1] is not None:
                segment.append(point)
                continue
            if len(segment) > 1:
                parts.append(_tag("polyline", points=" ".join(f"{_n(px(a))},{_n(py(b))}" for a, b, _t in segment),
                                  fill="none", stroke=s["colour"], stroke_width=_n(s["width"]),
                                  stroke_dasharray=s.get("dash"), stroke_linejoin="round"))
            segment = []
        for a, b, tip in s["points"]:
            if b is not None:
                parts.append(_tag("circle", _tag("title", escape(tip)), cx=_n(px(a)), cy=_n(py(b)), r="4",
                                  fill=s["colour"], stroke="#ffffff", stroke_width="1", data_series=s["key"],
                                  data_point=b))
    desc = desc or _("Lines on a scale from 0 to 100%; the same numbers are in the table.")
    svg = _svg_open(cid, width, base + 34, desc) + "".join(parts) + "</svg>"
    return _figure(cid, title, svg, table, note)


# -- a project's curves ------------------------------------------------------------------------

def _year_ticks(first: int, last: int) -> list[int]:
    step = max(1, math.ceil((last - first + 1) / 8))
    return list(range(first, last + 1, step))


def project_chart(feature: dict, entries, lang: str = "vi", gettext=None) -> Markup | None:
    """The project's physical and financial progress over time, with its planned line; None when
    the history holds no progress figure at all."""
    _ = gettext or untranslated
    curves = progress.project_progress(feature, entries)
    if not curves["physical"] and not curves["financial"]:
        return None
    titles = {"physical": _("Physical progress"), "financial": _("Financial progress (disbursed / investment)"),
              "planned": _("Planned: a straight line from planned start to planned end")}
    keys = [k for k in ("physical", "financial", "planned") if curves[k]]
    dates = sorted({pt["date"] for k in keys for pt in curves[k]})
    planned_end = last_day((feature.get("properties") or {}).get("planned_end"))
    days = sorted([dt.date.fromisoformat(d) for d in dates] + ([planned_end] if planned_end else []))
    series = [{"key": k, "title": titles[k], **PROJECT_STYLES[k],
               "points": [(dt.date.fromisoformat(pt["date"]).toordinal(), pt["value"],
                           f'{titles[k]}, {fmt_date(pt["date"], lang)}: {_pct(pt["value"], lang)}')
                          for pt in curves[k]]} for k in keys]
    ticks = [(dt.date(y, 1, 1).toordinal(), str(y)) for y in _year_ticks(days[0].year, days[-1].year)
             if days[0] <= dt.date(y, 1, 1) <= days[-1]]
    rows = [(fmt_date(d, lang), [next((pt["value"] for pt in reversed(curves[k]) if pt["date"] == d), None)
                                 for k in keys]) for d in dates]
    cid = f"chart-project-progress-{feature.get('id')}"
    title = _("Progress over time")
    table = _data_table(_safe_id(cid), title, [_("Date")] + [titles[k] for k in keys], rows, lang)
    note = _("Points are the values recorded in the history and the dated milestones of the sources; "
             "between two points the progress was not reported.")
    markers = [(planned_end.toordinal(), _("Planned end %(date)s", date=fmt_date(
        feature["properties"]["planned_end"], lang)))] if planned_end else []
    return line_chart(cid, title, series, ticks, (days[0].toordinal(), days[-1].toordinal()),
                      lang=lang, gettext=_, note=note, table=table, markers=markers)


def project_panels(feature: dict, entries, today: dt.date,
                   stale_after_days: int = schedule.DEFAULT_STALE_AFTER_DAYS, lang: str = "vi",
                   gettext=None) -> dict:
    """What templates/projects/_schedule.html and _progress.html need: {"sched", "progress_chart"}.

    entries: the project's whole history (limit=None), any order.
    """
    return {"sched": schedule.schedule_facts(feature, entries, today, stale_after_days),
            "progress_chart": project_chart(feature, entries, lang, gettext)}


# -- roll-ups on the dashboard -------------------------------------------------------------------

def rollup_summary(features, entries, today: dt.date, lang: str = "vi", gettext=None) -> dict:
    """``gis.progress.rollup`` with titles, for the dashboard and its JSON twin."""
    from gis.mapview import sector_groups

    _ = gettext or untranslated
    data = progress.rollup(features, entries, today)
    titles = dict(sector_groups(lang))
    data["city"]["title"] = _("Whole city")
    for g in data["groups"]:
        g["title"] = titles.get(g["code"], g["code"])
    return data


def rollup_chart(data: dict, key: str = "physical", lang: str = "vi", gettext=None) -> Markup:
    """City and sector-group lines by year, from ``rollup_summary`` (key: physical or financial)."""
    _ = gettext or untranslated
    lines = [("city", data["city"], CITY_STYLE)] + [(g["code"], g, GROUP_STYLES.get(g["code"], OTHER_STYLE))
                                                    for g in data["groups"]]
    years = data["years"]
    series = [{"key": code, "title": part["title"], **style_,
               "points": [(i, v, f'{part["title"]}, {y}: {_pct(v, lang)}')
                          for i, (y, v) in enumerate(zip(years, part[key]["values"]))]}
              for code, part, style_ in lines
              if any(v is not None for v in part[key]["values"])]  # no value at all: in the table only
    if key == "physical":
        title = _("Physical progress by year, weighted by investment")
    else:
        title = _("Financial progress by year (disbursed / investment)")
    head = [_("Year")] + [part["title"] for _c, part, _s in lines] + [_("Projects counted"), _("Projects left out")]
    city = data["city"][key]
    rows = [(str(y), [part[key]["values"][i] for _c, part, _s in lines]
             + [fmt_number(city["included"][i], lang, 0), fmt_number(city["excluded"][i], lang, 0)])
            for i, y in enumerate(years)]
    cid = _safe_id(f"chart-rollup-{key}")
    note = _("Each project counts in proportion to its investment; projects without an investment figure "
             "or without the progress figure on that date, and cancelled projects, are left out (counted in "
             "the table). The last year is measured up to today.")
    ticks = [(i, str(y)) for i, y in enumerate(years)]
    return line_chart(cid, title, series, ticks, (0, max(len(years) - 1, 1)), lang=lang, gettext=_, note=note,
                      table=_data_table(cid, title, head, rows, lang))


def dashboard_charts(summary: dict, lang: str = "vi", gettext=None) -> dict:
    """{"rollup_physical": Markup, "rollup_financial": Markup (only when some value is known)}."""
    data = summary["progress_rollup"]
    out = {"rollup_physical": rollup_chart(data, "physical", lang, gettext)}
    if any(v is not None for part in [data["city"]] + data["groups"] for v in part["financial"]["values"]):
        out["rollup_financial"] = rollup_chart(data, "financial", lang, gettext)
    return out
