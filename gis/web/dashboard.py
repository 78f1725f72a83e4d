"""The dashboard page and its JSON twin: gather from the store, call gis.dashboard, render."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext

from gis import api, dashboard as core, progress_chart, schedule, targets
from gis.store.base import ProjectQuery
from gis.web import get_store, respond
from gis.web.i18n import current_lang

bp = Blueprint("dashboard", __name__)

HISTORY_WINDOW = 300  # entries read to find the 10 most recently changed projects


def _gather():
    store = get_store()
    features = store.list_projects()
    entries = store.history(limit=None)  # the whole history: slippage, confirmations and roll-ups replay it
    history = entries[:HISTORY_WINDOW]
    lang = current_lang()
    summary = core.summarise(features, history, core.today_in_vietnam(), lang, gettext,
                             targets_doc=recorded_targets(store))
    summary.update(_tracking(store, features, entries, lang))
    return features, summary, lang


def recorded_targets(store) -> dict:
    """The targets document with the values planners recorded (gis.store.target_values)."""
    from gis.store.target_values import target_values_of

    return targets.with_values(targets.load_targets(), target_values_of(store).records())


def _tracking(store, features, entries, lang) -> dict:
    """Slippage, records to confirm and the progress roll-ups (gis.schedule, gis.progress)."""
    today = core.today_in_vietnam()
    stale_after = current_app.config.get("STALE_AFTER_DAYS", schedule.DEFAULT_STALE_AFTER_DAYS)
    index = schedule.schedule_index(features, entries, today, stale_after)
    every = store.list_projects(ProjectQuery(include_archived=True))  # the replay hides what was not public
    return {"slippage": schedule.slippage(features, index, lang),
            "stale": schedule.stale_records(features, index, stale_after, lang),
            "progress_rollup": progress_chart.rollup_summary(every, entries, today, lang, gettext)}


@bp.get("/dashboard")
def dashboard():
    from gis.web.pages import render_map

    features, summary, lang = _gather()
    ntm = targets.ntm_features(features, targets.load_targets())
    ntm_map = render_map(ntm, compact=True) if ntm else None
    charts = core.charts(summary, lang, gettext)
    charts.update(progress_chart.dashboard_charts(summary, lang, gettext))
    return render_template("dashboard.html", s=summary, charts=charts, ntm_map=ntm_map)


@bp.get("/api/dashboard")
def api_dashboard():
    _features, summary, _lang = _gather()
    return respond(api.Result(200, summary))
