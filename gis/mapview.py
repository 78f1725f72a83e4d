"""build_map(...) -> folium.Map. Knows nothing of HTTP.

Project values reach JavaScript only through Jinja's ``tojson`` (HTML-safe JSON) and
become text in the page through DOM ``textContent`` in static/js/map.js — never through
string concatenation into HTML or JS. Folium draws the frame (map, base layers,
clusters, controls); our script draws the projects, legend, popups and reset control.
"""
from __future__ import annotations

import dataclasses

import folium
from branca.element import MacroElement
from folium import plugins
from folium.elements import JSCSSMixin
from folium.template import Template

from gis import mapdata, schema, style
from gis.geo import CITY_BBOX, to_leaflet_bounds

FOLIUM_JS_USED = ("leaflet",)
FOLIUM_CSS_USED = ("leaflet_css",)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
MIN_ZOOM, MAX_ZOOM = 7, 18  # the region at the widest, a building at the closest


@dataclasses.dataclass
class MapText:
    """Every string the map shows, already translated by the caller."""

    lang: str
    labels: dict  # key -> translated text (legend, popup field labels, controls)


class ProjectsLayer(JSCSSMixin, MacroElement):
    """Adds the projects to the per-group clusters through CanThoMap.addProjects()."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            CanThoMap.addProjects({{ this._parent.get_name() }}, {{ this.data|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, options: dict, own_js: str, own_css: str):
        super().__init__()
        self._name = "ProjectsLayer"
        self.data = data
        self.options = options
        # Instance-level lists: never touch folium's class-level asset lists.
        self.default_js = [("cantho_map_js", own_js)]
        self.default_css = [("cantho_map_css", own_css)]


def _group_of(sector: str) -> str:
    return next((c.extra.get("group") for c in schema.codelist("sector") if c.code == sector), "other")


def sector_groups(lang: str) -> list[tuple[str, str]]:
    """(group code, label) in codelist order; labels come from the schema's group names."""
    names = {"transport": ("Giao thông", "Transport"), "tourism": ("Du lịch", "Tourism"),
             "economy": ("Khu kinh tế, công nghiệp", "Economic zones"), "rural": ("Nông thôn mới", "New rural")}
    seen = []
    for c in schema.codelist("sector"):
        g = c.extra.get("group")
        if g not in (x[0] for x in seen):
            vi, en = names.get(g, (g, g))
            seen.append((g, vi if lang == "vi" else en))
    return seen


def legend_data(lang: str) -> dict:
    return {
        "statuses": [{"code": c.code, "label": c.title(lang), "colour": style.STATUS_COLOURS[c.code],
                      "ink": style.STATUS_INK.get(c.code, "#ffffff")} for c in schema.codelist("status")],
        "sectors": [{"code": c.code, "label": c.title(lang), "group": c.extra.get("group"),
                     **style.SECTOR_SYMBOLS[c.code]} for c in schema.codelist("sector")],
        "agencies": {c.code: c.title(lang) for c in schema.codelist("lead_agency")},
    }


def build_map(*, projects: list[dict], layers: list[tuple[dict, list[dict]]], text: MapText,
              own_js: str, own_css: str, project_url: str, tiles: bool = True,
              bounds=None, height: str = "100%", compact: bool = False, fmt_date=str,
              draw: bool = False, data_url: str | None = None) -> folium.Map:
    """The public map.

    projects: GeoJSON features from the store, drawn as given; or data_url: where the map
    fetches what to draw (gis.mapdata.answer: everything, or by viewport). layers: (manifest entry, features) in
    drawing order. project_url: a URL with "__id__" where the project id goes.
    """
    fit = to_leaflet_bounds(bounds or CITY_BBOX)
    m = folium.Map(location=[(fit[0][0] + fit[1][0]) / 2, (fit[0][1] + fit[1][1]) / 2], zoom_start=10,
                   tiles=None, control_scale=True, height=height, prefer_canvas=True, zoom_control=not compact)
    # On the map itself: folium hands min_zoom/max_zoom only to a tile layer it creates (we pass
    # tiles=None). Bounded zooms also keep the marker clusters' tree to 12 levels instead of 20.
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    # No folium fit_bounds: static/js/map.js fits the view once, without animation (an animated
    # zoom right after load made the marker clusters re-split, ~200 ms before the map was ready).
    # Our symbols are our own (static/js/map.js) and base.html links Bootstrap's CSS and Font
    # Awesome: folium's jQuery, Bootstrap JS, awesome-markers and glyphicons would be ~60 KB unused.
    m.default_js = [(n, u) for n, u in m.default_js if n in FOLIUM_JS_USED]
    m.default_css = [(n, u) for n, u in m.default_css if n in FOLIUM_CSS_USED]
    if tiles:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name=text.labels["osm"], overlay=True,
                         control=True, show=True, max_zoom=MAX_ZOOM).add_to(m)
    for entry, features in layers:
        name = entry.get("name")
        title = entry.get("title_vi" if text.lang == "vi" else "title_en") or name
        if entry.get("accuracy") == "indicative":
            title = f"{title} ({text.labels['indicative']})"
        layer_style = {**style.DEFAULT_LAYER_STYLE, **style.LAYER_STYLES.get(name, {})}
        tooltip_field = "name_vi" if text.lang == "vi" else "name_en"
        has_names = features and all(tooltip_field in (f.get("properties") or {}) for f in features)
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features}, name=title, control=True, overlay=True,
            style_function=lambda _f, s=layer_style: s, interactive=bool(has_names),
            tooltip=folium.GeoJsonTooltip(fields=[tooltip_field], labels=False) if has_names else None,
        ).add_to(m)
    clusters = {}
    for group, label in sector_groups(text.lang):
        cluster = plugins.MarkerCluster(name=label, overlay=True, control=True,
                                        options={"maxClusterRadius": 40, "disableClusteringAtZoom": 13,
                                                 "spiderfyOnMaxZoom": True, "showCoverageOnHover": False})
        cluster.add_to(m)
        clusters[group] = cluster.get_name()
    if not compact:
        plugins.Fullscreen(position="topleft", title=text.labels["fullscreen"],
                           title_cancel=text.labels["fullscreen_exit"]).add_to(m)
    if draw:  # geometry editing: the drawn shape goes to the form (static/js/draw-form.js)
        plugins.Draw(export=False, position="topleft",
                     draw_options={"circle": False, "circlemarker": False, "rectangle": False},
                     edit_options={"edit": False, "remove": False}).add_to(m)
    data = None if data_url else mapdata.collection(projects or [], fmt_date)
    options = {"clusters": clusters, "groups": {c.code: c.extra.get("group") for c in schema.codelist("sector")},
               "legend": legend_data(text.lang), "labels": text.labels, "projectUrl": project_url,
               "bounds": fit, "lang": text.lang, "showLegend": not compact, "dataUrl": data_url}
    ProjectsLayer(data, options, own_js, own_css).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def render_parts(m: folium.Map) -> dict:
    """Folium's header (CSS/JS links), body (map div) and script, for our own base.html."""
    root = m.get_root()
    root.render()
    return {"header": root.header.render(), "html": root.html.render(), "script": root.script.render()}
