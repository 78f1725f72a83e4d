"""The "plain folium" peer page: one static HTML file embedding the same features.

    .venv/bin/python bench/folium_page.py 10000      # -> bench/out/www/folium-10000.html (+ .gz)

What a developer gets from folium's defaults: ``folium.Map`` + ``folium.GeoJson`` of the
features (each point a default Leaflet marker, lines and polygons as SVG paths) with a name
tooltip. The properties embedded are those our own map shows in popups, so both pages carry
the same data. folium's CDN links are rewritten to the same
pinned npm files our app serves (gis.assets.localise; ``www/vendor`` links to node_modules),
because this machine reaches no CDN. nginx serves it (gzip_static: the .gz twin).
"""
from __future__ import annotations

import gzip
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import folium  # noqa: E402

from gis import assets  # noqa: E402
from gis.geo import CITY_BBOX, to_leaflet_bounds  # noqa: E402

# The properties a popup of our map shows (gis.mapdata / gis.mapview embed these; copied, not
# imported, so that this peer page does not change when the app's internals do).
POPUP_PROPERTIES = ("name_vi", "name_en", "status", "progress", "lead_agency", "sector", "planned_start",
                    "planned_end", "actual_start", "actual_end", "location_accuracy")

WWW = os.path.join(ROOT, "bench", "out", "www")


def write_gz_twin(path: str) -> None:
    """path.gz with gzip -6 (what nginx's gzip_static sends)."""
    with open(path, "rb") as f:
        body = f.read()
    with open(path + ".gz", "wb") as f:
        f.write(gzip.compress(body, compresslevel=6, mtime=0))


def build(n: int) -> str:
    with open(os.path.join(ROOT, "bench", "out", "data", f"projects-{n}.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    slim = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": ft["id"], "geometry": ft["geometry"],
         "properties": {k: ft["properties"].get(k) for k in POPUP_PROPERTIES}} for ft in fc["features"]]}
    m = folium.Map(tiles="OpenStreetMap", zoom_start=10)
    m.fit_bounds(to_leaflet_bounds(CITY_BBOX))
    folium.GeoJson(slim, name="projects", tooltip=folium.GeoJsonTooltip(fields=["name_vi"], labels=False)).add_to(m)
    assets.localise(m, lambda path: "vendor/" + path)
    os.makedirs(WWW, exist_ok=True)
    vendor = os.path.join(WWW, "vendor")
    if not os.path.islink(vendor):
        os.symlink(os.path.join(ROOT, "node_modules"), vendor)
    path = os.path.join(WWW, f"folium-{n}.html")
    m.save(path)
    write_gz_twin(path)
    return path


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        p = build(int(arg))
        print(f"{p}: {os.path.getsize(p):,} bytes, gzip {os.path.getsize(p + '.gz'):,}")
