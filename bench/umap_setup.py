"""uMap peer: database, static files and one public map per size holding the same features.

Runs in uMap's own virtualenv (Django), called by bench/run_all.py:

    UMAP_SETTINGS=bench/out/umap/settings.py bench/.peers/umap/bin/python bench/umap_setup.py 1000 10000

Creates the PostGIS database ``bench_umap`` when missing, runs uMap's migrations and
``collectstatic`` (nginx serves them, as uMap's docs deploy it), and for each size a map
"bench-N" with one data layer: the generated features with the popup fields our own map
embeds (the same data as the plain folium page). Prints {size: map path} as JSON.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
POPUP_PROPERTIES = ("name_vi", "name_en", "status", "progress", "lead_agency", "sector", "planned_start",
                    "planned_end", "actual_start", "actual_end", "location_accuracy")  # = gis.mapview's


def ensure_database() -> None:
    def psql(db, sql):
        return subprocess.run(["psql", f"{PG}/{db}", "-qAtc", sql], check=True, capture_output=True,
                              text=True).stdout
    if not psql("postgres", "SELECT 1 FROM pg_database WHERE datname = 'bench_umap'").strip():
        psql("postgres", "CREATE DATABASE bench_umap")
    psql("bench_umap", "CREATE EXTENSION IF NOT EXISTS postgis")


def features(n: int) -> dict:
    with open(os.path.join(ROOT, "bench", "out", "data", f"projects-{n}.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": ft["id"], "geometry": ft["geometry"],
         "properties": {k: ft["properties"].get(k) for k in POPUP_PROPERTIES}} for ft in fc["features"]],
        "_umap_options": {"name": "projects", "displayOnLoad": True}}


def main(sizes: list[int]) -> int:
    ensure_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "umap.settings")
    import django

    django.setup()
    from django.contrib.gis.geos import Point
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from umap.models import DataLayer, Map

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    out = {}
    for n in sizes:
        slug = f"bench-{n}"
        m = Map.objects.filter(slug=slug).first()
        if m is None:
            m = Map.objects.create(name=slug, slug=slug, center=Point(105.53, 10.12), zoom=10,
                                   share_status=Map.PUBLIC,
                                   settings={"type": "Feature", "geometry": {"type": "Point",
                                                                            "coordinates": [105.53, 10.12]},
                                             "properties": {"name": slug, "zoom": 10}})
        if not m.datalayer_set.exists():
            layer = DataLayer(uuid=uuid.uuid4(), map=m, name="projects", display_on_load=True,
                              settings={"name": "projects", "displayOnLoad": True})
            layer.geojson.save("projects.geojson", ContentFile(json.dumps(features(n)).encode()), save=False)
            layer.save()
        out[n] = m.get_absolute_url()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]]))
