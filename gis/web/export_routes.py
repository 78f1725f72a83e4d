"""Export route: one line over gis.export (the map's filters + ``format``)."""
from flask import Blueprint, current_app

from gis import export
from gis.web import args, get_store, respond

bp = Blueprint("export", __name__)


@bp.get("/api/projects/export")
def projects_export():
    return respond(export.export_projects(get_store(), args(),
                                          stale_after_days=current_app.config["STALE_AFTER_DAYS"]))
