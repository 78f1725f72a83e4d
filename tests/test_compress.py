"""The app's own CSS/JS files go out gzip-compressed to browsers that accept it (gis/web/compress.py)."""
import gzip

import pytest

from app import create_app

CSS = "/vendor/bootstrap/dist/css/bootstrap.min.css"


@pytest.fixture
def client(tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}).test_client()


@pytest.mark.parametrize("url", [CSS, "/static/js/map.js", "/static/css/app.css"])
def test_text_files_are_gzipped_when_accepted_and_decode_to_the_file(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["ETag"] != plain.headers["ETag"]  # two representations, two tags


def test_revalidation_of_either_copy_is_a_304_with_its_own_tag(client):
    packed = client.get(CSS, headers={"Accept-Encoding": "gzip"})
    again = client.get(CSS, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.headers["ETag"] == packed.headers["ETag"]
    plain = client.get(CSS)
    assert client.get(CSS, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_fonts_and_small_files_are_sent_as_they_are(client):
    font = client.get("/vendor/@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
                      headers={"Accept-Encoding": "gzip"})
    assert font.status_code == 200 and "Content-Encoding" not in font.headers


def test_html_pages_are_gzipped_when_accepted(tmp_path):
    import re

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'pages.db'}"})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    client = app.test_client()
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Content-Encoding" not in plain.headers
    unpacked = gzip.decompress(packed.data).decode()
    nonce = re.compile(r"nonce-?=?\"?[A-Za-z0-9_-]{16,}")  # the CSP nonce differs per response
    assert nonce.sub("", unpacked) == nonce.sub("", plain.get_data(as_text=True))
    assert len(packed.data) < len(plain.data) / 3
