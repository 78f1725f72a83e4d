"""The dashboard page and its JSON twin: gather from the store, call gis.dashboard, render."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext

from gis import api, dashboard as core, targets
from gis.web import get_store, respond
from gis.web.i18n import current_lang

bp = Blueprint("dashboard", __name__)

HISTORY_WINDOW = 300  # entries read to find the 10 most recently changed projects


def _gather():
    store = get_store()
    features = store.list_projects()
    history = store.history(limit=HISTORY_WINDOW)
    lang = current_lang()
    summary = core.summarise(features, history, core.today_in_vietnam(), lang, gettext,
                             targets_doc=targets.load_targets())
    return features, summary, lang


@bp.get("/dashboard")
def dashboard():
    from gis.web.pages import render_map

    features, summary, lang = _gather()
    ntm = targets.ntm_features(features, targets.load_targets())
    ntm_map = render_map(ntm, compact=True) if ntm else None
    return render_template("dashboard.html", s=summary, charts=core.charts(summary, lang, gettext),
                           ntm_map=ntm_map)


@bp.get("/api/dashboard")
def api_dashboard():
    _features, summary, _lang = _gather()
    return respond(api.Result(200, summary))
