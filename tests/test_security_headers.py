"""Security headers on every page: CSP without 'unsafe-inline' scripts (inline scripts carry a
per-request nonce), nosniff, referrer policy, framing only for /embed; 413 for big bodies."""
import re

import pytest

from app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("sec") / "s.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{db}", "MAX_CONTENT_LENGTH": 1024 * 1024})
    app.test_cli_runner().invoke(args=["seed"])
    return app.test_client()


def csp(resp):
    return dict(part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";"))


@pytest.mark.parametrize("url", ["/", "/projects", "/projects/vam-cong-bridge", "/dashboard", "/login",
                                 "/api/projects", "/healthz", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, url):
    resp = client.get(url)
    policy = csp(resp)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'" and resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_only_the_embed_view_may_be_framed(client):
    resp = client.get("/embed")
    assert csp(resp)["frame-ancestors"] == "*" and "X-Frame-Options" not in resp.headers


@pytest.mark.parametrize("url", ["/", "/embed", "/projects/vam-cong-bridge", "/dashboard"])
def test_every_inline_script_carries_this_requests_nonce(client, url):
    resp = client.get(url)
    nonce = re.search(r"'nonce-([^']+)'", resp.headers["Content-Security-Policy"]).group(1)
    html = resp.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline, url
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline
    assert not re.search(r"\son[a-z]+\s*=", re.sub(r"<script.*?</script>", "", html, flags=re.S)), "inline handler"
    other = client.get(url).headers["Content-Security-Policy"]
    assert nonce not in other  # a fresh nonce per request


def test_oversized_bodies_get_413(client):
    resp = client.post("/login", data=b"x" * (2 * 1024 * 1024), content_type="application/octet-stream")
    assert resp.status_code == 413
