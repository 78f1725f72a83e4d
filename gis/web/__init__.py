"""Flask adapter: the only package (with gis.cli) that imports Flask.

Routes are one-liners over gis.api / gis.pages; errors are converted here, once, to JSON
for API clients and to an HTML page for browsers.
"""
from __future__ import annotations

from flask import Response, current_app, render_template, request

from gis import api
from gis.errors import BadRequest, GisError, NotFound, TooLarge


# -- the store as a get/close/init_app trio ------------------------------------------

def get_store():
    """The app's store, opened on first use (one engine/pool per process)."""
    store = current_app.extensions.get("gis_store")
    if store is None:
        from gis.store import open_store

        store = current_app.extensions["gis_store"] = open_store(current_app.config["DATABASE_URL"])
    return store


def close_store(app):
    store = app.extensions.pop("gis_store", None)
    if store is not None:
        store.close()


def init_app(app):
    from flask_wtf.csrf import CSRFError

    from gis.web import (api_routes, auth, compress, dashboard, export_routes, feedback, feeds, i18n, imports, pages, planner, security,
                         ogc_routes, report_routes, targets_routes, vendor)

    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    auth.csrf.exempt(api_routes.bp)  # API writes take Bearer tokens only, never the session cookie
    app.register_blueprint(export_routes.bp)  # before api_routes: /api/projects/export is not a project id
    app.register_blueprint(api_routes.bp)
    app.register_blueprint(planner.bp)
    app.register_blueprint(feedback.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(ogc_routes.bp)  # /ogc/...
    app.register_blueprint(ogc_routes.docs_bp)  # /api/openapi.json, /api/docs
    app.register_blueprint(report_routes.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(vendor.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(feeds.bp)  # /feeds, Atom feeds of status changes
    app.register_blueprint(targets_routes.bp)  # /targets, /api/targets
    app.register_error_handler(GisError, _gis_error)
    app.register_error_handler(404, lambda e: _gis_error(NotFound(f"no such page: {request.path}")))
    app.register_error_handler(405, _http_error)
    app.register_error_handler(500, _server_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(413, lambda e: _gis_error(TooLarge("the request body is too large")))
    app.context_processor(_template_helpers)
    compress.init_app(app)


def _template_helpers():
    from flask_babel import gettext as _

    from gis.web.vendor import vendor_url

    actions = {"seed": _("loaded from the plan's data"), "create": _("created"), "update": _("updated"),
               "archive": _("archived"), "unarchive": _("taken out of the archive"),
               "restore": _("restored an earlier version"), "confirm": _("confirmed"),
               "milestone": _("dated milestone from the sources")}

    def lang_url(code):
        params = request.args.to_dict(flat=False)
        params["lang"] = [code]
        from urllib.parse import urlencode

        return request.path + "?" + urlencode(params, doseq=True)

    from gis.web.auth import current_account

    return {"vendor_url": vendor_url, "lang_url": lang_url, "action_label": lambda a: actions.get(a, a),
            "account": current_account()}


# -- responses -------------------------------------------------------------------------

def respond(result: api.Result) -> Response:
    resp = Response(result.serialise(), status=result.status, content_type=result.content_type)
    for key, value in result.headers.items():
        resp.headers[key] = value
    return resp


def args():
    return request.args.to_dict(flat=False)


def wants_json() -> bool:
    """API paths and clients that prefer JSON get JSON errors; browsers get a page."""
    if request.path.startswith(("/api/", "/healthz")) or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/geo+json"])
    return best in ("application/json", "application/geo+json")


def error_page(error: GisError):
    return render_template("errors/error.html", error=error), error.http_status


def _gis_error(error: GisError):
    if wants_json():
        return respond(api.error_result(error))
    return error_page(error)


def _http_error(error):
    err = GisError(error.description)
    err.http_status, err.code = error.code, error.name.lower().replace(" ", "_")
    return _gis_error(err)


def _csrf_error(error):
    from flask_babel import gettext as _

    return _gis_error(BadRequest(_("The form is missing its security token or it expired. Reload the page and try again.")))


def _server_error(error):
    err = GisError("internal server error")
    err.code = "internal"
    return _gis_error(err)
