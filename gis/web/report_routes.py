"""Period reports (/reports, HTML, PDF, XLSX) and the OC4IDS export: gather from the store, call
gis.reports (periods, content, map_image, xlsx, pdf) / gis.oc4ids, respond.

Reports of periods that have ended are public (the Department of Planning and Investment
publishes them); the period in progress is for signed-in planners only, and so is the
spreadsheet (the department's own working copy).
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext

from gis import api, dashboard, oc4ids
from gis.errors import NotFound
from gis.reports import content, map_image, pdf, periods, xlsx
from gis.store.base import ProjectQuery
from gis.web import args, get_store, respond
from gis.web.auth import current_account, login_required
from gis.web.i18n import current_lang

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"pdf", "xlsx"}


@bp.get("/reports")
def index():
    period = periods.period_from_args(args())
    if period is not None:  # the index's form (or an old link): go to the period's own address
        return redirect(url_for("reports.report", name=period.key, lang=request.args.get("lang")))
    today = dashboard.today_in_vietnam()
    return render_template("reports/index.html", years=periods.standard_periods(today), today=today,
                           first_year=periods.FIRST_YEAR)


@bp.get("/reports/<name>")
def report(name):
    token, _dot, ext = name.rpartition(".") if name.endswith(tuple("." + f for f in FORMATS)) else (name, "", "")
    period = periods.parse_period(token)
    if period.key != token:  # e.g. 2026-01-01..2026-06-30 is 2026-H1
        return redirect(url_for("reports.report", name=period.key + ("." + ext if ext else ""),
                                lang=request.args.get("lang")))
    today = dashboard.today_in_vietnam()
    if not period.has_started(today):
        raise NotFound(gettext("The period %(period)s has not started yet.", period=period.label(current_lang())))
    if ext == "xlsx" or not period.has_ended(today):
        return login_required(lambda: _render(period, ext, today))()
    return _render(period, ext, today)


def _gather(period, today):
    store = get_store()
    features = store.list_projects(ProjectQuery(include_archived=True))
    entries = store.history(limit=None)
    lang = current_lang()
    from gis.web.dashboard import recorded_targets

    return content.build_report(period, features, entries, today, lang, gettext, targets_doc=recorded_targets(store))


def _layers():
    from gis.web.pages import base_layers

    return base_layers()


def _render(period, ext, today):
    rep = _gather(period, today)
    if ext == "xlsx":
        return Response(xlsx.xlsx_bytes(rep, gettext), content_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{period.filename}.xlsx"'})
    png = map_image.render_map(rep.features, _layers(), rep.data["lang"], gettext)
    context = {"r": rep.data, "period": period, "map_src": map_image.data_uri(png)}
    if ext == "pdf":
        html = render_template("reports/pdf.html", font_css=pdf.font_face_css(),
                               font_family=pdf.FONT_FAMILY, for_pdf=True, **context)
        result = pdf.pdf_bytes(html)
        for message in result.missing_glyphs:
            log.warning("report %s: %s", period.key, message)
        return Response(result.pdf, content_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{period.filename}.pdf"'})
    return render_template("reports/report.html", for_pdf=False, can_see_drafts=current_account() is not None,
                           **context)


@bp.get("/api/oc4ids.json")
def oc4ids_package():
    from gis.web.pages import select

    _sel, features = select(args())
    lang = current_lang()
    package = oc4ids.project_package(features, uri=request.url, lang=lang, base_url=request.url_root,
                                     license_url=oc4ids.LICENSE_URL)
    return respond(api.Result(200, package, "application/json"))
