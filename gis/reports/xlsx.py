"""The report as an XLSX workbook (openpyxl, imported on first use): sheets by sector, by agency,
changes, behind schedule, targets and about, written with the project's cell writer so that text is
never a formula. No Flask.
"""
from __future__ import annotations

import io

from gis import history
from gis.formatting import fmt_number, untranslated
from gis.reports.content import Report

def xlsx_bytes(report: Report, gettext=None) -> bytes:
    """The report as a workbook: by sector, by agency, changes, behind schedule, targets, about."""
    from openpyxl import Workbook

    from gis.export import _xlsx_sheet  # the project's cell writer: text is never a formula

    _ = gettext or untranslated
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
        # Vietnam time without a zone: spreadsheets have no time zones
        when = history.local_moment(c["changed_at"]).replace(tzinfo=None)
        base = {cols[0]: when, cols[1]: c["project_id"], cols[2]: c["name"], cols[3]: c["user"],
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
