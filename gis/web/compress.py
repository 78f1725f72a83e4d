"""gzip for the app's own text files (/static, /vendor) and its HTML pages when the browser accepts it.

CSS and JavaScript are about 0.5 MB as files and a quarter of that compressed: on a phone that is
most of the page's weight. Each file is compressed once per modification time and kept in memory
(a few hundred kilobytes in all). HTML pages are compressed per response (the map page is ~110 KB
of HTML, ~20 KB compressed; level 6 costs a few milliseconds). Behind nginx with gzip on, this changes nothing.
"""
from __future__ import annotations

import functools
import gzip
import os

from flask import request

TYPES = ("text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json")
ENDPOINTS = ("static", "vendor.asset")
MIN_SIZE = 1024


@functools.lru_cache(maxsize=256)
def _compressed(path: str, mtime: float) -> bytes:
    with open(path, "rb") as f:
        return gzip.compress(f.read(), compresslevel=9, mtime=0)


def _file_of(response) -> str | None:
    body = response.response  # the WSGI server's file wrapper: werkzeug's (.file) or gunicorn's (.filelike)
    wrapped = getattr(body, "file", None) or getattr(body, "filelike", None)
    name = getattr(wrapped, "name", None)
    return name if isinstance(name, str) and os.path.isfile(name) else None


def init_app(app):
    @app.before_request
    def plain_validators():
        """A browser revalidates the gzip copy with its tag ("...-gz"): compare it as the file's own."""
        tags = request.environ.get("HTTP_IF_NONE_MATCH", "")
        if request.endpoint in ENDPOINTS and '-gz"' in tags:
            request.environ["HTTP_IF_NONE_MATCH"] = tags.replace('-gz"', '"')
            request.environ["gis.gzip_validator"] = True

    @app.after_request
    def gzip_html(response):
        if (response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed
                or response.direct_passthrough or "Content-Encoding" in response.headers
                or "gzip" not in request.headers.get("Accept-Encoding", "")):
            return response
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if response.headers.get("ETag"):
            response.set_etag(response.get_etag()[0] + "-gz")
        return response

    @app.after_request
    def gzip_static(response):
        if response.status_code == 304 and request.environ.get("gis.gzip_validator") and response.get_etag()[0]:
            response.set_etag(response.get_etag()[0] + "-gz")
            return response
        if (request.endpoint not in ENDPOINTS or response.status_code != 200 or response.mimetype not in TYPES
                or "gzip" not in request.headers.get("Accept-Encoding", "") or "Content-Encoding" in response.headers):
            return response
        path = _file_of(response)
        if path is None or os.path.getsize(path) < MIN_SIZE:
            return response
        body = _compressed(path, os.path.getmtime(path))
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
        if response.headers.get("ETag"):  # another representation, another tag
            response.set_etag(response.get_etag()[0] + "-gz")
        return response
