"""Export route: one line over gis.export (the map's filters + ``format``)."""
from flask import Blueprint

from gis import export
from gis.web import args, get_store, respond

bp = Blueprint("export", __name__)


@bp.get("/api/projects/export")
def projects_export():
    return respond(export.export_projects(get_store(), args()))
