"""Atom feeds of status changes (gis.feeds) and the page that lists them."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _

from gis import feeds, schema
from gis.errors import NotFound
from gis.store.base import ProjectQuery
from gis.web import get_store
from gis.web.i18n import current_lang

bp = Blueprint("feeds", __name__)


@bp.get("/feeds")
def index():
    lang = current_lang()
    return render_template("feeds/index.html",
                           agencies=[(c.code, c.title(lang)) for c in schema.codelist("lead_agency")],
                           districts=[(c.code, c.title(lang)) for c in schema.codelist("districts")])


def _feed(kind=None, code=None):
    store, lang = get_store(), current_lang()
    features = store.list_projects(ProjectQuery(include_archived=True))
    public = [f for f in features if not f["properties"].get("archived")]
    try:
        title = feeds.feed_title(kind, code, public, lang, _)
    except (KeyError, StopIteration):
        raise NotFound(f"no {kind} {code!r} to follow") from None
    rows = feeds.status_changes(store.history(limit=None), features, kind=kind, code=code, lang=lang)
    alternate = (url_for("pages.project", project_id=code, _external=True) if kind == "project"
                 else url_for("pages.index", _external=True, **({"lead_agency": code} if kind == "agency" else
                                                                 {"district": code} if kind == "district" else {})))
    body = feeds.render(rows, title=title, feed_id=f"urn:cantho-key-projects:feed:{kind or 'all'}:{code or ''}",
                        self_url=request.base_url, alternate_url=alternate,
                        project_url=lambda pid: url_for("pages.project", project_id=pid, _external=True), _=_)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/feeds/status.atom")
def everything():
    return _feed()


@bp.get("/feeds/projects/<project_id>.atom")
def project(project_id):
    return _feed("project", project_id)


@bp.get("/feeds/agencies/<code>.atom")
def agency(code):
    return _feed("agency", code)


@bp.get("/feeds/districts/<code>.atom")
def district(code):
    return _feed("district", code)
