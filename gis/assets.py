"""Front-end assets served by the app itself: folium's CDN URLs -> files of pinned npm packages.

folium 0.20.0 and its plugins link Leaflet, jQuery, Bootstrap, Font Awesome, ... from CDNs. The
set-up installs the same versions from ``package.json`` + ``package-lock.json`` (``npm ci``) into
``node_modules/`` (git-ignored); the web layer serves that folder and ``localise`` rewrites the
links of one rendered map to it. Nothing here imports Flask: the web layer passes
``url_for_asset(relative_path) -> url``.

    figure = localise(m, lambda path: "/vendor/" + path)   # after the map is built
    html = figure.render()
    assert not external_urls(html)

Never ``add_js_link``/``add_css_link`` (in folium 0.20 they change the class-level lists for the
whole process). Avoid branca colormaps on pages: they link d3 from a CDN (localise refuses it).
"""
from __future__ import annotations

import json
import os
import posixpath
import re
from functools import lru_cache
from typing import Callable, Iterable

from branca.element import Element, Figure, Link

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE_JSON = os.path.join(ROOT, "package.json")

# The resources folium 0.20.0 and the plugins we use declare, by folium's own resource name
# -> path in node_modules. The URLs themselves are read from folium's classes (never written
# here), so this module holds no CDN address; the npm versions in package.json are the versions
# in those URLs (tests/test_assets.py checks it; glyphicons: see its note).
LOCAL_BY_NAME: dict[str, str] = {
    # folium.Map: default_js
    "leaflet": "leaflet/dist/leaflet.js",
    "jquery": "jquery/dist/jquery.min.js",
    "bootstrap": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "awesome_markers": "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js",
    # folium.Map: default_css
    "leaflet_css": "leaflet/dist/leaflet.css",
    "bootstrap_css": "bootstrap/dist/css/bootstrap.min.css",
    # Bootstrap 3's glyphicons (folium.Icon's default prefix); the npm package carries only them.
    "glyphicons_css": "glyphicons-only-bootstrap/css/bootstrap.min.css",
    "awesome_markers_font_css": "@fortawesome/fontawesome-free/css/all.min.css",
    "awesome_markers_css": "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css",
    # plugins.MarkerCluster
    "markerclusterjs": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/dist/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    # plugins.Fullscreen (the package has no .min.js; the CDN minifies on the fly)
    "Control.Fullscreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    # plugins.Draw
    "leaflet_draw_js": "leaflet-draw/dist/leaflet.draw.js",
    "leaflet_draw_css": "leaflet-draw/dist/leaflet.draw.css",
    # plugins.Search
    "Leaflet.Search.js": "leaflet-search/dist/leaflet-search.min.js",
    "Leaflet.Search.css": "leaflet-search/dist/leaflet-search.min.css",
    # plugins.MiniMap (give it a local layer: by default it fetches OSM tiles)
    "Control_MiniMap_js": "leaflet-minimap/dist/Control.MiniMap.min.js",
    "Control_MiniMap_css": "leaflet-minimap/dist/Control.MiniMap.min.css",
}


def _folium_resources() -> dict[str, str]:
    """folium's (name -> URL) for the Map and the plugins above, read without changing them."""
    import folium
    from folium import plugins

    out = {}
    for cls in (folium.Map, plugins.MarkerCluster, plugins.Fullscreen, plugins.Draw, plugins.Search,
                plugins.MiniMap):
        for name, url in list(cls.default_js) + list(cls.default_css):
            out.setdefault(name, url)
    return out


_RESOURCES = _folium_resources()
# Every CDN URL our pages may include, exactly as folium writes it -> path in node_modules.
CDN_TO_LOCAL: dict[str, str] = {_RESOURCES[name]: path for name, path in LOCAL_BY_NAME.items()}

# folium's `.fa-rotate-N` rules for Icon(angle=N): generated here, inline, only for the angles used.
ROTATE_CSS_URL = _RESOURCES["awesome_rotate_css"]
GENERATED_URLS = frozenset({ROTATE_CSS_URL})

# What resolve() serves from the allowed packages.
SERVED_SUFFIXES = frozenset({
    ".js", ".css", ".map", ".png", ".gif", ".svg", ".woff2", ".woff", ".ttf", ".eot",
})


class UnmappedAsset(LookupError):
    """A page links an external asset that has no local copy in CDN_TO_LOCAL."""

    def __init__(self, urls: Iterable[str]):
        self.urls = sorted(set(urls))
        super().__init__(
            "no local copy for: " + ", ".join(self.urls)
            + " (add the package to package.json and the URL to gis.assets.CDN_TO_LOCAL, or drop the element)"
        )


class ForbiddenAsset(ValueError):
    """A requested path is outside the packages listed in package.json (or not a servable file type)."""


# -- package table ------------------------------------------------------------------------

def package_of(relative_path: str) -> str:
    """The npm package of a path: 'leaflet/dist/x.js' -> 'leaflet', '@scope/name/x.css' -> '@scope/name'."""
    parts = relative_path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


@lru_cache(maxsize=1)
def pinned_packages() -> dict[str, str]:
    """{package: exact version} from package.json's dependencies."""
    with open(PACKAGE_JSON, encoding="utf-8") as f:
        return dict(json.load(f).get("dependencies", {}))


def unmapped(urls: Iterable[str]) -> list[str]:
    """The URLs that neither CDN_TO_LOCAL nor our generated CSS covers."""
    return [u for u in urls if u not in CDN_TO_LOCAL and u not in GENERATED_URLS]


# -- where the files are ------------------------------------------------------------------

def vendor_root() -> str:
    """Absolute path of node_modules (GIS_VENDOR_DIR overrides)."""
    return os.path.abspath(os.environ.get("GIS_VENDOR_DIR") or os.path.join(ROOT, "node_modules"))


def resolve(relative_path: str) -> str:
    """Absolute path of a servable file inside an allowed package; ForbiddenAsset otherwise.

    FileNotFoundError when the path is allowed but the file is not installed (run `npm ci`).
    """
    path = relative_path or ""
    if "\\" in path or "\0" in path or path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise ForbiddenAsset(f"not a relative asset path: {relative_path!r}")
    segments = path.split("/")
    if any(s in ("", ".", "..") for s in segments) or posixpath.normpath(path) != path:
        raise ForbiddenAsset(f"not a normalised asset path: {relative_path!r}")
    package = package_of(path)
    if package not in pinned_packages() or path == package:
        raise ForbiddenAsset(f"not a file of a package in package.json: {relative_path!r}")
    if posixpath.splitext(path)[1].lower() not in SERVED_SUFFIXES:
        raise ForbiddenAsset(f"not a served file type: {relative_path!r}")
    package_dir = os.path.realpath(os.path.join(vendor_root(), *package.split("/")))
    full = os.path.realpath(os.path.join(package_dir, *segments[len(package.split("/")):]))
    if not full.startswith(package_dir + os.sep):
        raise ForbiddenAsset(f"outside its package: {relative_path!r}")
    if not os.path.isfile(full):
        raise FileNotFoundError(f"{relative_path} is not installed in {vendor_root()} (run `npm ci`)")
    return full


# -- rewriting one render -----------------------------------------------------------------

_ROTATE = re.compile(r"fa-rotate-(-?\d+(?:\.\d+)?)(?![\w.])")


def rotate_css(text: str) -> str:
    """CSS for every `fa-rotate-N` class (N != 0) that occurs in the rendered text."""
    angles = sorted({a for a in _ROTATE.findall(text) if float(a) != 0}, key=float)
    rules = []
    for angle in angles:
        selector = ".fa-rotate-" + angle.replace(".", "\\.")
        rules.append(f"{selector}{{-webkit-transform:rotate({angle}deg);transform:rotate({angle}deg);}}")
    return "\n".join(rules)


class _Raw(Element):
    """Markup that we generated ourselves, emitted as is."""

    def __init__(self, markup: str):
        super().__init__()
        self._name = "Raw"
        self.markup = markup

    def render(self, **kwargs) -> str:
        return self.markup


class LocalisedHeader(Element):
    """A Figure header that, at each render, points its CDN links at local copies.

    It runs when the Figure template renders the header, i.e. after every element of the map
    has added its links, so plugins and elements added in any order are all covered.
    """

    def __init__(self, url_for_asset: Callable[[str], str], strict: bool = True):
        super().__init__()
        self._name = "LocalisedHeader"
        self.url_for_asset = url_for_asset
        self.strict = strict

    def localise_links(self) -> list[str]:
        """Rewrite the links in place; return the external URLs that have no local copy."""
        missing = []
        for name, child in list(self._children.items()):
            if not isinstance(child, Link):
                continue
            if child.url in CDN_TO_LOCAL:
                child.url = self.url_for_asset(CDN_TO_LOCAL[child.url])
            elif child.url == ROTATE_CSS_URL:
                css = self._rotate_css()
                if css:
                    self._children[name] = _Raw(f"<style>\n{css}\n</style>")
                else:
                    del self._children[name]
            elif _is_external(child.url):
                missing.append(child.url)
        return missing

    def _rotate_css(self) -> str:
        root = self._parent
        if not isinstance(root, Figure):
            return ""
        return rotate_css(root.html.render() + root.script.render())

    def render(self, **kwargs) -> str:
        missing = self.localise_links()
        if missing and self.strict:
            raise UnmappedAsset(missing)
        return super().render(**kwargs)


def localise(element_or_map: Element, url_for_asset: Callable[[str], str], *, strict: bool = True) -> Figure:
    """Make the Figure holding this map link local copies instead of CDNs; returns that Figure.

    Per instance: swaps this Figure's header for a LocalisedHeader; folium's class-level
    default_js/default_css lists are never touched, so other maps are unaffected. Call it once the
    map sits in its final Figure. With strict (default), rendering raises UnmappedAsset for an
    external link that has no local copy; with strict=False such links are left as they are.
    """
    root = element_or_map.get_root()
    if not isinstance(root, Figure):
        raise TypeError("localise() needs an element inside a branca Figure (a folium.Map is in one)")
    header = root.header
    if isinstance(header, LocalisedHeader):
        header.url_for_asset, header.strict = url_for_asset, strict
        return root
    new = LocalisedHeader(url_for_asset, strict)
    for name, child in header._children.items():
        new.add_child(child, name=name)
    new._parent = root
    root.header = new
    return root


# -- finding what is still external -------------------------------------------------------

_ATTR = re.compile(r"""\b(?:src|href)\s*=\s*(\\?["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_ATTR_BARE = re.compile(r"""\b(?:src|href)\s*=\s*([^\s"'\\>]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(\\?["']?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(["'])(.*?)\1""", re.IGNORECASE)
_TAG_START = re.compile(r"""(?:<|\\u003c)\s*([a-z][a-z0-9-]*)""", re.IGNORECASE)
_TILE_MARKS = ("{z}", "{x}", "%7bz%7d", "%7bx%7d")


def _is_external(url: str) -> bool:
    u = url.strip().lower()
    return u.startswith(("http://", "https://", "//"))


def _in_anchor(html: str, pos: int) -> bool:
    window = html[max(0, pos - 2000):pos]
    tags = list(_TAG_START.finditer(window))
    return bool(tags) and tags[-1].group(1).lower() == "a"


def external_urls(html: str, *, anchors: bool = True) -> list[str]:
    """Every external URL (http://, https://, //) in src=/href= attributes and CSS url()/@import.

    Map tile URL templates ({z}/{x}) are left out. Attributes inside JS strings (src=\\"...\\")
    count too. anchors=False leaves out <a href> links (navigation, not a download), e.g. a
    tile layer's attribution. Document order, without duplicates.
    """
    found = []
    for pattern in (_ATTR, _ATTR_BARE, _CSS_URL, _CSS_IMPORT):
        for m in pattern.finditer(html):
            url = m.group(2) if pattern is not _ATTR_BARE else m.group(1)
            url = url.strip()
            if not _is_external(url) or any(t in url.lower() for t in _TILE_MARKS):
                continue
            if not anchors and pattern in (_ATTR, _ATTR_BARE) and _in_anchor(html, m.start()):
                continue
            found.append((m.start(), url))
    seen, out = set(), []
    for _, url in sorted(found):
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out
