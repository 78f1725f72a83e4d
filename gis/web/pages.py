"""HTML pages for the public: the map, the list (+ CSV), a project, the embed view."""
from __future__ import annotations

import collections
import hashlib
import json
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from gis import accounts, api, assets, explore, mapdata, mapview, progress_chart, replay, schema, style
from gis.dashboard import today_in_vietnam
from gis.history import state_at_date
from gis.formatting import fmt_date
from gis.web import args, get_store, respond
from gis.web.i18n import current_lang
from gis.web.security import add_nonce
from gis.web.vendor import vendor_url

bp = Blueprint("pages", __name__)


def map_labels() -> dict:
    return {
        "osm": _("OpenStreetMap background"), "indicative": _("indicative"),
        "fullscreen": _("Full screen"), "fullscreen_exit": _("Exit full screen"),
        "reset_view": _("Reset view"), "legend": _("Legend"), "status": _("Status"), "sector": _("Sector"),
        "progress": _("Progress"), "unknown": _("unknown"), "lead_agency": _("Lead agency"),
        "planned": _("Planned"), "actual": _("Actual"), "details": _("Project page"),
        "indicative_note": _("Boundaries and rivers are indicative drawings, not official boundaries."),
    }


def base_layers(names=None):
    store = get_store()
    return [(entry, store.list_layer(entry["name"])) for entry in assets_manifest()
            if names is None or entry["name"] in names]


def assets_manifest():
    from gis.layers import load_manifest
    from flask import current_app

    return load_manifest(current_app.config["LAYERS_DIR"])


CONTEXT_LAYERS = ("city", "districts", "rivers")  # light base layers for small maps


def render_map(features, *, compact=False, bounds=None, height="100%", layers=True, draw=False, data_url=None):
    """layers: True (all base layers), False (none) or a tuple of layer names.

    A map that fetches its projects (``data_url``, features None) is the same frame for every
    visitor with the same language and filters: folium renders it once (it compiles its
    templates on every render: ~60 ms of the map page) and it is kept, keyed by the base
    layers' content too. Only the per-request CSP nonce is added each time."""
    lang = current_lang()
    chosen = [] if not layers else base_layers(None if layers is True else layers)
    key = None
    if features is None:
        key = (get_store().url, lang, data_url, compact, bounds, height, draw, _layers_fingerprint(chosen))
        parts = _MAP_FRAMES.get(key)
        if parts is not None:
            _MAP_FRAMES.move_to_end(key)
            return {**parts, "header": add_nonce(parts["header"])}
    m = mapview.build_map(
        projects=features, layers=chosen, text=mapview.MapText(lang, map_labels()),
        own_js=url_for("static", filename="js/map.js"), own_css=url_for("static", filename="css/map.css"),
        project_url=url_for("pages.project", project_id="__id__"), compact=compact, bounds=bounds,
        height=height, fmt_date=lambda v: fmt_date(v, lang), draw=draw, data_url=data_url)
    assets.localise(m, vendor_url)
    parts = mapview.render_parts(m)
    if key is not None:
        _MAP_FRAMES[key] = parts
        while len(_MAP_FRAMES) > MAP_FRAMES_KEPT:
            _MAP_FRAMES.popitem(last=False)
    return {**parts, "header": add_nonce(parts["header"])}


MAP_FRAMES_KEPT = 64  # languages x filter combinations in use; a frame is ~110 KB
_MAP_FRAMES: "collections.OrderedDict[tuple, dict]" = collections.OrderedDict()


def _layers_fingerprint(layers) -> str:
    """Changes when any base layer drawn changes (a re-seed with new boundaries)."""
    digest = hashlib.blake2b(digest_size=16)
    for entry, features in layers:
        digest.update(json.dumps([entry, features], sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


def filter_options(lang):
    options = {name: [(c.code, c.title(lang)) for c in schema.codelist(codelist)]
               for name, codelist in (("status", "status"), ("sector", "sector"), ("lead_agency", "lead_agency"),
                                      ("district", "districts"))}
    options["flag"] = [("behind", _("Behind schedule")),
                       ("stale", _("Not confirmed for %(days)s days", days=current_app.config["STALE_AFTER_DAYS"]))]
    return options


def common_context(sel):
    lang = current_lang()
    params = sel.as_params()
    return {"sel": sel, "options": filter_options(lang), "query_string": urlencode(params),
            "status_colours": style.STATUS_COLOURS, "status_ink": style.STATUS_INK,
            "code_title": lambda name, code: schema.code_title(name, code, lang)}


def select(a):
    """The projects of the public views for these query parameters (gis.explore)."""
    return explore.select_projects(get_store(), a, stale_after_days=current_app.config["STALE_AFTER_DAYS"])


@bp.get("/")
def index():
    sel, count, data_url = _selection_for_map(args())
    return render_template("index.html", count=count, total=get_store().count_projects(),
                           map=render_map(None, data_url=data_url), data_url=data_url,
                           today=today_in_vietnam().isoformat(), first_month=TIMELINE_START,
                           query_without_date=urlencode(sel.as_params(with_date=False)), **common_context(sel))


def _multi(params) -> dict:
    out: dict = {}
    for name, value in params:
        out.setdefault(name, []).append(value)
    return out


TIMELINE_START = "2016-01"  # the plan's period begins in 2016


@bp.get("/map.json")
def map_json():
    """The JSON twin of the map: what it draws for these filters (and date), everything at once
    or, over many projects, what is in the view (``bbox``, ``zoom``): gis.mapdata."""
    a = args()
    bbox, zoom = mapdata.parse_view({k: a.pop(k) for k in ("bbox", "zoom") if k in a})
    if bbox is not None and zoom is not None:
        bbox = mapdata.snap(bbox, zoom)
    sel, query = explore.parse_selection(a)
    store, lang = get_store(), current_lang()

    def build():
        features = select(a)[1] if sel.filters_in_python() else None
        at = sel.at.isoformat() if sel.at else None
        data = mapdata.answer(store, query, features, bbox=bbox, zoom=zoom, fmt_date=lambda v: fmt_date(v, lang),
                              at=at, at_text=fmt_date(at, lang) if at else None)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    key = ("map", store.url, tuple(sel.as_params()), lang, bbox, zoom, today_in_vietnam(),
           current_app.config["STALE_AFTER_DAYS"])
    return respond(api.cached_result(store, key, build, request.headers, "application/json"))


@bp.get("/embed")
def embed():
    a = args()
    sel, count, data_url = _selection_for_map(a)
    return render_template("embed.html", count=count, map=render_map(None, compact=True, data_url=data_url),
                           data_url=data_url,
                           **common_context(sel))


def _selection_for_map(a):
    """(selection, how many match, the URL the map fetches them from) without loading them
    when the store's indexes can count them."""
    sel, query = explore.parse_selection(a)
    count = len(select(a)[1]) if sel.filters_in_python() else get_store().count_projects(query)
    return sel, count, url_for("pages.map_json", lang=current_lang(), **_multi(sel.as_params()))


@bp.get("/projects")
def project_list():
    a = args()
    sel, features = select(a)
    key, order = a.get("sort", ["name"])[-1], a.get("order", ["asc"])[-1]
    features = explore.sort_features(features, key, order, current_lang())
    return render_template("projects/list.html", features=features, sort=key, order=order,
                           sort_keys=list(explore.SORT_KEYS), **common_context(sel))


@bp.get("/projects.csv")
def project_csv():
    sel, features = select(args())
    features = explore.sort_features(features, "name", "asc", "vi")
    return Response(explore.to_csv(features), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cantho-key-projects.csv"'})


@bp.get("/projects/<project_id>")
def project(project_id):
    from gis.errors import NotFound
    from gis.web.auth import current_account as _account

    store = get_store()
    feature = store.get_project(project_id)
    if not accounts.can_see(_account(), feature):
        raise NotFound(f"no project with id {project_id!r}")
    at = replay.parse_at((args().get("at") or [""])[-1], today_in_vietnam())
    history = store.history(project_id, limit=None)
    lang = current_lang()
    panels = progress_chart.project_panels(feature, history, today_in_vietnam(),
                                           current_app.config["STALE_AFTER_DAYS"], lang, _)
    basis = None
    if at is not None:
        feature, basis = state_at_date(feature, history, at)
        if feature is None:
            raise NotFound(_("This project was not recorded yet on %(date)s.", date=fmt_date(at.isoformat(), current_lang())))

    from gis.web.auth import current_account
    from gis.web.feedback import feedback_context

    user = current_account()
    return render_template("projects/detail.html", f=feature, p=feature["properties"], history=history,
                           at=at, basis=basis, today=today_in_vietnam().isoformat(), **panels,
                           can_edit=accounts.can_edit(user, feature), is_admin=accounts.is_admin(user),
                           **feedback_context(feature, user),
                           fields={fl.name: fl for fl in schema.fields()},
                           map=render_map([feature], compact=True, layers=CONTEXT_LAYERS, bounds=_bounds_of(feature)),
                           code_title=lambda name, code: schema.code_title(name, code, lang),
                           status_colours=style.STATUS_COLOURS, status_ink=style.STATUS_INK)


def _bounds_of(feature, pad=0.01):
    import shapely.geometry

    minx, miny, maxx, maxy = shapely.geometry.shape(feature["geometry"]).bounds
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)
