"""JSON API routes: one line each over gis.api."""
from flask import Blueprint

from gis import api
from gis.web import args, get_store, respond

bp = Blueprint("api", __name__)


@bp.get("/healthz")
def healthz():
    return respond(api.health(get_store()))


@bp.get("/api/projects")
def projects():
    return respond(api.list_projects(get_store(), args()))


@bp.get("/api/projects/<project_id>")
def project(project_id):
    return respond(api.get_project(get_store(), project_id))
