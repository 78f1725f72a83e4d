"""Configuration files of the peers, written under bench/out/ for one data size.

* pygeoapi: one server, two collections on the same features: ``projects_geojson`` (its
  GeoJSON provider on the generated file) and ``projects_pg`` (its PostgreSQL provider on
  ``peers.projects``, see bench/load_stores.py);
* nginx: one config, two servers: static files from ``bench/out/www`` (gzip_static: the
  ``.gz`` twin written next to each file is sent to clients that accept gzip, the same
  gzip -6 bytes our app caches), and uMap's front (its static files from disk, the rest
  proxied to its gunicorn);
* uMap: a Django settings module (PostGIS database ``bench_umap``).
"""
from __future__ import annotations

import os
import secrets

from servers import OUT, PORTS, ROOT

WWW = os.path.join(OUT, "www")
REGION = [104.9, 9.4, 106.9, 11.0]

PYGEOAPI = """\
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  gzip: false
  languages: [en-US]
  cors: true
  pretty_print: false
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: 'https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png', attribution: OpenStreetMap}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                   terms_of_service: 'https://creativecommons.org/licenses/by/4.0/', url: 'http://127.0.0.1'}}
  license: {{name: CC-BY 4.0, url: 'https://creativecommons.org/licenses/by/4.0/'}}
  provider: {{name: bench, url: 'http://127.0.0.1'}}
  contact: {{name: bench, email: bench@example.org, role: pointOfContact}}
resources:
  projects_geojson:
    type: collection
    title: projects (GeoJSON file)
    description: synthetic projects
    keywords: [projects]
    extents: {{spatial: {{bbox: {region}, crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}}}
    providers:
      - {{type: feature, name: GeoJSON, data: '{geojson}', id_field: id}}
  projects_pg:
    type: collection
    title: projects (PostGIS)
    description: synthetic projects
    keywords: [projects]
    extents: {{spatial: {{bbox: {region}, crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: 127.0.0.1, port: 5432, dbname: bench_cantho_{n}, user: postgres, password: '',
               search_path: [peers, public]}}
        id_field: id
        table: projects
        geom_field: geom
"""

NGINX = """\
{user}worker_processes 2;
pid {out}/nginx/nginx.pid;
error_log {out}/logs/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  types {{ application/geo+json geojson; }}
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {out}/nginx/tmp/body;
  proxy_temp_path {out}/nginx/tmp/proxy;
  fastcgi_temp_path {out}/nginx/tmp/fastcgi;
  uwsgi_temp_path {out}/nginx/tmp/uwsgi;
  scgi_temp_path {out}/nginx/tmp/scgi;
  proxy_cache_path {out}/nginx/cache levels=1:2 keys_zone=cantho:10m max_size=2g inactive=10m use_temp_path=off;
  # ours behind its production front (deploy/nginx/cantho-locations.conf, the file deployed)
  server {{
    listen 127.0.0.1:{front_port};
    set $cantho_upstream http://127.0.0.1:{ours_port};
    include {root}/deploy/nginx/cantho-locations.conf;
  }}
  server {{
    listen 127.0.0.1:{front_seed_port};
    set $cantho_upstream http://127.0.0.1:{ours_seed_port};
    include {root}/deploy/nginx/cantho-locations.conf;
  }}
  server {{
    listen 127.0.0.1:{static_port};
    root {www};
    gzip_static on;
    gzip_vary on;
    etag on;
  }}
  server {{
    listen 127.0.0.1:{umap_front};
    client_max_body_size 200m;
    location /static/ {{ alias {umap_static}/; gzip on; gzip_types text/css application/javascript; }}
    location /uploads/ {{ alias {umap_media}/; gzip on; gzip_types application/json application/geo+json; }}
    location / {{
      proxy_pass http://127.0.0.1:{umap_port};
      proxy_set_header Host $http_host;
      proxy_read_timeout 300s;
    }}
  }}
}}
"""

UMAP_SETTINGS = """\
# uMap settings for the benchmark (bench/peer_configs.py writes this file)
from umap.settings.base import *  # noqa: F401,F403

SECRET_KEY = "{secret}"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INTERNAL_IPS = []
DATABASES = {{"default": {{"ENGINE": "django.contrib.gis.db.backends.postgis", "NAME": "bench_umap",
                           "USER": "postgres", "HOST": "127.0.0.1", "PORT": "5432"}}}}
STATIC_ROOT = "{static}"
MEDIA_ROOT = "{media}"
UMAP_ALLOW_ANONYMOUS = True
COMPRESS_ENABLED = False
LANGUAGE_CODE = "en"
UMAP_EXTRA_URLS = {{}}
"""


def _write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def pygeoapi_config(n: int, geojson_path: str) -> tuple[str, str]:
    path = _write(os.path.join(OUT, "peers", f"pygeoapi-{n}.yml"),
                  PYGEOAPI.format(port=PORTS["pygeoapi"], region=REGION, geojson=geojson_path, n=n))
    return path, os.path.join(OUT, "peers", f"pygeoapi-openapi-{n}.yml")


def umap_paths() -> dict:
    base = os.path.join(OUT, "umap")
    return {"settings": os.path.join(base, "settings.py"), "static": os.path.join(base, "static"),
            "media": os.path.join(base, "media")}


def umap_settings() -> str:
    p = umap_paths()
    if os.path.exists(p["settings"]):  # keep the secret (and sessions) stable between runs
        return p["settings"]
    return _write(p["settings"], UMAP_SETTINGS.format(secret=secrets.token_hex(32), static=p["static"],
                                                     media=p["media"]))


def nginx_config() -> str:
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(OUT, "nginx", "tmp", sub), exist_ok=True)
    os.makedirs(WWW, exist_ok=True)
    p = umap_paths()
    return _write(os.path.join(OUT, "nginx", "nginx.conf"),
                  NGINX.format(out=OUT, www=WWW, static_port=PORTS["nginx"], umap_front=PORTS["umap-nginx"],
                               umap_port=PORTS["umap"], umap_static=p["static"], umap_media=p["media"],
                               front_port=PORTS["ours-front"], ours_port=PORTS["ours-sqlite"],
                               front_seed_port=PORTS["ours-seed-front"], ours_seed_port=PORTS["ours-seed"],
                               root=ROOT, user="user root;\n" if os.geteuid() == 0 else ""))
