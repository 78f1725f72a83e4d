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
    from flask import request

    return respond(api.list_projects(get_store(), args(), request.headers))


@bp.get("/api/projects/<project_id>")
def project(project_id):
    from gis.web.auth import current_account

    return respond(api.get_project(get_store(), project_id, current_account()))


# -- writes and the caller ---------------------------------------------------------------------

@bp.get("/api/me")
def me():
    from gis.errors import Unauthorized
    from gis.web.auth import current_account

    user = current_account()
    if user is None:
        raise Unauthorized("not signed in")
    return respond(api.Result(200, user.to_public()))


@bp.route("/api/projects/<project_id>", methods=["PATCH"])
def patch_project(project_id):
    from flask import request

    from gis.web.auth import api_account

    user = api_account()
    return respond(api.patch_project(get_store(), user, project_id, request.get_data(cache=False),
                                     request.headers.get("If-Match"), request.content_type))


@bp.post("/api/projects/<project_id>/confirm")
def confirm_project(project_id):
    from flask import request

    from gis.web.auth import api_account

    return respond(api.confirm_project(get_store(), api_account(), project_id, request.get_data(cache=False),
                                       request.headers.get("If-Match")))
