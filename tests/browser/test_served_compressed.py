"""Under gunicorn (as in production), the app's CSS and JavaScript go out gzip-compressed:
gunicorn wraps files in its own file wrapper, unlike Flask's test client."""
import gzip
import urllib.request

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/vendor/bootstrap/dist/css/bootstrap.min.css", "/static/js/map.js"])
def test_gunicorn_serves_text_files_gzipped(live_server, path):
    request = urllib.request.Request(live_server + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as packed:
        assert packed.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(packed.read())
    with urllib.request.urlopen(live_server + path, timeout=10) as plain:
        assert plain.headers.get("Content-Encoding") is None and plain.read() == body
