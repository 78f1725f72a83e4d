"""OGC API - Features at /ogc and the API documents: thin routes over gis.ogc / gis.openapi.

Format: ``f=json|html`` first, then the Accept header (JSON unless the client prefers
HTML). JSON errors under /ogc are the standard's exception ``{"code", "description"}``.

Register in gis.web.init_app::

    from gis.web import ogc_routes
    app.register_blueprint(ogc_routes.bp)        # /ogc/...
    app.register_blueprint(ogc_routes.docs_bp)   # /api/openapi.json, /api/docs
"""
from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request, url_for

from gis import ogc, schema
from gis.api import Result
from gis.errors import GisError
from gis.openapi.app_api import api_document
from gis.openapi.docs import operations_for_docs
from gis.web import args, error_page, get_store, respond
from gis.web.i18n import current_lang

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
docs_bp = Blueprint("api_docs", __name__)

OFFERS = (ogc.JSON, ogc.GEOJSON, ogc.HTML)
API_OFFERS = (ogc.OPENAPI_JSON, ogc.JSON, ogc.HTML)


def _context() -> ogc.Context:
    from gis.layers import load_manifest

    return ogc.Context(get_store(), url_for("ogc.landing", _external=True), current_lang(),
                       load_manifest(current_app.config["LAYERS_DIR"]))


def _accepted(offers=OFFERS):
    return request.accept_mimetypes.best_match(offers) if request.accept_mimetypes else None


def _format(offers=OFFERS) -> str:
    return ogc.output_format(args(), _accepted(offers))


def _answer(result: Result, fmt: str, template: str, **context):
    """The JSON twin as is, or the same data rendered by ``template`` (values of
    ``context`` that are callables are called only then)."""
    if fmt == "html":
        context = {k: (v() if callable(v) else v) for k, v in context.items()}
        data = json.loads(result.body) if isinstance(result.body, str) else result.body
        lang = current_lang()
        resp = current_app.make_response(render_template(
            template, data=data, openapi_operations=operations_for_docs,
            code_title=lambda name, code: schema.code_title(name, code, lang), **context))
    else:
        resp = respond(result)
    resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
    resp.headers["Content-Language"] = current_lang()
    return resp


@bp.after_request
def _public_read_api(response):
    """Read-only public data: web maps on other sites may read it (CORS)."""
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@bp.errorhandler(GisError)
def _ogc_error(error: GisError):
    f = ogc.FORMATS.get((request.args.get("f") or "").strip().lower())  # None when absent or unknown
    if f == "html" or (f is None and _accepted() == ogc.HTML):
        return error_page(error)
    return respond(ogc.exception_result(error))


# -- OGC API - Features -----------------------------------------------------------------------

@bp.get("")
@bp.get("/")
def landing():
    fmt = _format()
    return _answer(ogc.landing(_context(), args()), fmt, "ogc/landing.html")


@bp.get("/conformance")
def conformance():
    fmt = _format()
    return _answer(ogc.conformance(_context(), args()), fmt, "ogc/conformance.html")


@bp.get("/api")
def api_definition():
    fmt = _format(API_OFFERS)
    ctx = _context()
    result = ogc.api_definition(ctx, args())
    return _answer(result, fmt, "api_docs.html", doc=result.body, json_url=url_for("ogc.api_definition", f="json"))


@bp.get("/collections")
def collections():
    fmt = _format()
    return _answer(ogc.collections(_context(), args()), fmt, "ogc/collections.html")


@bp.get("/collections/<collection_id>")
def collection(collection_id):
    fmt = _format()
    return _answer(ogc.collection(_context(), collection_id, args()), fmt, "ogc/collection.html")


@bp.get("/collections/<collection_id>/items")
def items(collection_id):
    fmt = _format()
    return _answer(ogc.items(_context(), collection_id, args(), fmt), fmt, "ogc/items.html",
                   collection_id=collection_id, field_titles=lambda: _field_titles(collection_id))


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id, feature_id):
    fmt = _format()
    return _answer(ogc.item(_context(), collection_id, feature_id, args()), fmt, "ogc/item.html",
                   collection_id=collection_id, field_titles=lambda: _field_titles(collection_id),
                   field_codelists=lambda: _field_codelists(collection_id))


@bp.get("/collections/<collection_id>/schema")
def collection_schema(collection_id):
    return respond(ogc.schema(_context(), collection_id, args()))


def _field_titles(collection_id) -> dict:
    if collection_id != ogc.PROJECTS:
        return {}
    lang = current_lang()
    return {f.name: f.title(lang) for f in schema.fields()}


def _field_codelists(collection_id) -> dict:
    """Project property -> the codelist its codes come from (to show their titles)."""
    if collection_id != ogc.PROJECTS:
        return {}
    return {f.name: f.codelist for f in schema.fields() if f.codelist}


# -- the /api document ---------------------------------------------------------------------------

@docs_bp.get("/api/openapi.json")
def api_openapi():
    doc = api_document(request.host_url.rstrip("/") + request.script_root)
    return respond(Result(200, doc))  # application/json: readable in a browser


@docs_bp.get("/api/docs")
def api_docs():
    doc = api_document(request.host_url.rstrip("/") + request.script_root)
    return render_template("api_docs.html", doc=doc, json_url=url_for("api_docs.api_openapi"),
                           openapi_operations=operations_for_docs)
