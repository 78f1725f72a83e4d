"""Front-end assets come from pinned npm packages, served locally: no CDN URL is left in a page."""
import json
import os
import re
import subprocess
import sys

import folium
import pytest
from folium import plugins

from gis import assets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
LOCAL = "/vendor/"

# The folium classes whose assets our pages may include: their CDN URLs must all be in the table.
USED_CLASSES = (folium.Map, plugins.MarkerCluster, plugins.Fullscreen, plugins.Draw, plugins.Search,
                plugins.MiniMap)


def url_for(path):
    return LOCAL + path


def class_lists():
    """A deep snapshot of folium's class-level asset lists (and their identities)."""
    return {cls.__name__: (id(cls.default_js), list(cls.default_js), id(cls.default_css), list(cls.default_css))
            for cls in USED_CLASSES}


def project_map():
    """A map with everything our pages use: clusters, awesome markers, GeoJSON with popup/tooltip..."""
    m = folium.Map(location=[10.03, 105.78], zoom_start=12, tiles=None, maxZoom=19)
    features = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Cầu Vàm Cống", "status": "done"},
         "geometry": {"type": "Point", "coordinates": [105.58, 10.25]}},
        {"type": "Feature", "properties": {"name": "Lộ Tẻ - Rạch Sỏi", "status": "building"},
         "geometry": {"type": "LineString", "coordinates": [[105.60, 10.20], [105.70, 10.10]]}},
    ]}
    folium.GeoJson(features, name="projects",
                   popup=folium.GeoJsonPopup(fields=["name", "status"]),
                   tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(m)
    cluster = plugins.MarkerCluster(name="cluster").add_to(m)
    folium.Marker([10.03, 105.78], icon=folium.Icon(color="red"), popup="glyphicon").add_to(cluster)
    folium.Marker([10.04, 105.79], icon=folium.Icon(prefix="fa", icon="bridge", angle=45)).add_to(cluster)
    plugins.Fullscreen().add_to(m)
    plugins.Draw().add_to(m)
    folium.LayerControl().add_to(m)
    return m


def need_node_modules():
    """Skip locally when the front-end packages are not installed; fail in CI."""
    if not os.path.isdir(assets.vendor_root()):
        reason = f"front-end packages not installed in {assets.vendor_root()}: run `npm ci` (or `make install`)"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


# -- the table ------------------------------------------------------------------------------

def test_every_cdn_url_of_the_folium_classes_we_use_is_in_the_table():
    urls = [url for cls in USED_CLASSES for _, url in cls.default_js + cls.default_css]
    assert assets.unmapped(urls) == []


def test_an_unknown_url_is_reported():
    assert assets.unmapped(["https://assets.example.org/x@1/x.js", assets.ROTATE_CSS_URL]) == ["https://assets.example.org/x@1/x.js"]


def test_every_table_package_is_pinned_to_the_version_in_its_cdn_url():
    pins = assets.pinned_packages()
    for url, path in assets.CDN_TO_LOCAL.items():
        package = assets.package_of(path)
        assert package in pins, f"{package} (for {url}) is not in package.json"
        if package == "glyphicons-only-bootstrap":  # Bootstrap 3 glyphicons, repackaged under its own version
            continue
        assert pins[package] in url, f"{url} is not version {pins[package]} of {package}"


def test_package_json_pins_exact_versions_and_the_lock_matches():
    with open(os.path.join(ROOT, "package.json"), encoding="utf-8") as f:
        package = json.load(f)
    with open(os.path.join(ROOT, "package-lock.json"), encoding="utf-8") as f:
        lock = json.load(f)
    assert package.get("private") is True
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version!r}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    for key, entry in lock["packages"].items():
        resolved = entry.get("resolved")
        assert resolved is None or resolved.startswith("https://registry.npmjs.org/"), (key, resolved)
        assert entry.get("link") is not True, f"{key} is a link, not a registry package"


# -- one render, localised ------------------------------------------------------------------

def test_a_localised_map_links_no_external_url():
    figure = assets.localise(project_map(), url_for)
    html = figure.render()
    assert assets.external_urls(html) == []
    assert '<script src="/vendor/leaflet/dist/leaflet.js"></script>' in html
    assert 'href="/vendor/leaflet.markercluster/dist/MarkerCluster.Default.css"' in html
    assert 'src="/vendor/leaflet-draw/dist/leaflet.draw.js"' in html
    assert 'src="/vendor/leaflet.fullscreen/Control.FullScreen.js"' in html
    assert ".fa-rotate-45{" in html  # the rotate rule we generate for Icon(angle=45)
    assert assets.external_urls(figure.render()) == []  # a second render is localised too


def test_localise_is_per_render_and_leaves_folium_classes_alone():
    before = class_lists()
    assets.localise(project_map(), url_for).render()
    assert class_lists() == before

    other = project_map().get_root().render()  # a second map, not localised
    urls = assets.external_urls(other)
    assert assets._RESOURCES["leaflet"] in urls  # folium's own CDN URL, untouched
    assert assets._RESOURCES["leaflet_draw_js"] in urls
    assert LOCAL not in other


def test_rotate_css_only_for_the_angles_used():
    m = folium.Map(tiles=None)
    folium.Marker([10, 105], icon=folium.Icon()).add_to(m)
    html = assets.localise(m, url_for).render()
    assert "fa-rotate-0" in html and ".fa-rotate-" not in html and "awesome.rotate" not in html
    assert assets.rotate_css('"fa-rotate-90" "fa-rotate--15" "fa-rotate-0"') == (
        ".fa-rotate--15{-webkit-transform:rotate(-15deg);transform:rotate(-15deg);}\n"
        ".fa-rotate-90{-webkit-transform:rotate(90deg);transform:rotate(90deg);}")


def test_an_unmapped_asset_fails_the_render_unless_not_strict():
    import branca.colormap

    m = folium.Map(tiles=None)
    branca.colormap.LinearColormap(["green", "red"], vmin=0, vmax=1).add_to(m)  # links d3 from a CDN
    with pytest.raises(assets.UnmappedAsset, match="d3"):
        assets.localise(m, url_for).render()
    html = assets.localise(m, url_for, strict=False).render()
    left = assets.external_urls(html)
    assert len(left) == 1 and left[0].endswith("/d3.min.js")


def test_localise_needs_a_figure():
    with pytest.raises(TypeError):
        assets.localise(folium.Marker([10, 105]), url_for)


# -- finding external URLs ------------------------------------------------------------------

def test_external_urls_finds_attributes_css_and_js_strings_but_not_tiles():
    html = """
    <link rel="stylesheet" href="https://a.example/x.css"/><script src='//b.example/y.js'></script>
    <img src=http://c.example/z.png><style>.i{background:url("https://d.example/i.png")}
    @import "https://e.example/e.css"; .j{background:url(/local/j.png)}</style>
    <script>var p = "<img src=\\"https://f.example/p.png\\">";
    L.tileLayer("https://tile.example/{z}/{x}/{y}.png"); var s = '<a href="https://g.example/">g</a>';</script>
    <script src="/vendor/leaflet/dist/leaflet.js"></script>
    <link href="https://a.example/x.css">
    """
    assert assets.external_urls(html) == [
        "https://a.example/x.css", "//b.example/y.js", "http://c.example/z.png", "https://d.example/i.png",
        "https://e.example/e.css", "https://f.example/p.png", "https://g.example/"]
    assert "https://g.example/" not in assets.external_urls(html, anchors=False)
    attribution = '"attribution": "\\u003ca href=\\"https://osm.example/copyright\\"\\u003eOSM\\u003c/a\\u003e"'
    assert assets.external_urls(attribution, anchors=False) == []


# -- serving files --------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "../package.json", "leaflet/../../package.json", "leaflet/dist/../../../etc/passwd", "/etc/passwd",
    "/work/main/node_modules/leaflet/dist/leaflet.js", "C:/x/leaflet.js", "leaflet\\dist\\leaflet.js",
    "left-pad/index.js", "@popperjs/core/dist/umd/popper.min.js", ".bin/x.js", "leaflet", "leaflet/",
    "leaflet//dist/leaflet.js", "./leaflet/dist/leaflet.js", "", "leaflet/dist/leaflet.js\0.png",
    "leaflet/package.json",
])
def test_resolve_rejects_paths_outside_the_pinned_packages(path):
    with pytest.raises(assets.ForbiddenAsset):
        assets.resolve(path)


def test_resolve_does_not_follow_links_out_of_a_package(tmp_path, monkeypatch):
    outside = tmp_path / "secret.js"
    outside.write_text("secret")
    (tmp_path / "vendor" / "leaflet" / "dist").mkdir(parents=True)
    (tmp_path / "vendor" / "leaflet" / "dist" / "ok.js").write_text("ok")
    os.symlink(outside, tmp_path / "vendor" / "leaflet" / "dist" / "evil.js")
    monkeypatch.setenv("GIS_VENDOR_DIR", str(tmp_path / "vendor"))
    assert assets.vendor_root() == str(tmp_path / "vendor")
    assert assets.resolve("leaflet/dist/ok.js") == str((tmp_path / "vendor" / "leaflet" / "dist" / "ok.js").resolve())
    with pytest.raises(assets.ForbiddenAsset):
        assets.resolve("leaflet/dist/evil.js")
    with pytest.raises(FileNotFoundError, match="npm ci"):
        assets.resolve("leaflet/dist/missing.js")


def test_every_local_path_in_the_table_is_installed():
    need_node_modules()
    missing = []
    for path in assets.CDN_TO_LOCAL.values():
        try:
            assets.resolve(path)
        except FileNotFoundError:
            missing.append(path)
    assert not missing, f"not installed: {missing}; run `npm ci`"


def test_installed_packages_are_the_pinned_versions():
    need_node_modules()
    for name, version in assets.pinned_packages().items():
        with open(os.path.join(assets.vendor_root(), name, "package.json"), encoding="utf-8") as f:
            assert json.load(f)["version"] == version, f"{name}: run `npm ci`"


def test_files_referenced_by_the_css_exist_fonts_and_images():
    need_node_modules()
    for path in sorted({p for p in assets.CDN_TO_LOCAL.values() if p.endswith(".css")}):
        with open(assets.resolve(path), encoding="utf-8") as f:
            css = f.read()
        for ref in re.findall(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""", css):
            if ref.startswith(("data:", "#")):
                continue
            assert not assets._is_external(ref), f"{path} links {ref}"
            target = os.path.normpath(os.path.join(os.path.dirname(path), ref.split("?")[0].split("#")[0]))
            assets.resolve(target.replace(os.sep, "/"))  # exists, inside the same allowed package
    fonts = os.listdir(os.path.join(assets.vendor_root(), "@fortawesome", "fontawesome-free", "webfonts"))
    assert "fa-solid-900.woff2" in fonts
    assets.resolve("glyphicons-only-bootstrap/fonts/glyphicons-halflings-regular.woff2")


def test_assets_does_not_import_flask():
    code = "import sys, gis.assets; sys.exit('flask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
