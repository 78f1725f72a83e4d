"""The production front (deploy/nginx/): Debian's nginx with the repository's own locations file in front of
gunicorn. Anonymous reads of the public APIs come from a one-second shared copy; writers and signed-in
users always reach the app; the app sees each visitor's address (TRUSTED_PROXIES=1).
Locally a missing nginx skips; in CI (CI=true) it fails."""
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from fuzz_profiles import Gunicorn, api_user, free_port
from gis.store import open_store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NGINX = "/usr/sbin/nginx"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PROJECT = "ql91-km0-km7-upgrade"  # lead agency so-gtvt, the token's

CONFIG = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  proxy_cache_path {tmp}/cache levels=1:2 keys_zone=cantho:1m max_size=50m inactive=1m use_temp_path=off;
  server {{
    listen 127.0.0.1:{port};
    set $cantho_upstream {upstream};
    include {root}/deploy/nginx/cantho-locations.conf;
  }}
}}
"""


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    if not os.path.exists(NGINX):
        if IN_CI:
            pytest.fail("required in CI: nginx (apt-get install nginx)", pytrace=False)
        pytest.skip("nginx not installed (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("front")
    url = f"sqlite:///{tmp / 'store.db'}"
    store = open_store(url)
    store.migrate()
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as f:
        store.seed(json.load(f)["features"])
    token = api_user(store)
    store.close()
    app = Gunicorn(url, tmp, workers=2)
    app.env["TRUSTED_PROXIES"] = "1"
    upstream = app.start()
    port = free_port()
    conf = tmp / "nginx.conf"
    # as root, nginx's workers would drop to "nobody", who cannot enter pytest's private temporary folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(CONFIG.format(user=user, tmp=tmp, port=port, upstream=upstream, root=ROOT), encoding="utf-8")
    subprocess.run([NGINX, "-t", "-c", str(conf), "-e", str(tmp / "error.log")], check=True, capture_output=True)
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-e", str(tmp / "error.log"), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield {"url": base, "token": token, "app": app}
    proc.terminate()
    proc.wait(timeout=10)
    app.stop()


def get(url, **headers):
    req = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.headers, resp.read()


def progress_of(body):
    return next(f["properties"]["progress"] for f in json.loads(body)["features"] if f["id"] == PROJECT)


def test_anonymous_reads_of_the_collection_come_from_the_shared_copy(front):
    url = front["url"] + "/api/projects?sector=transport.road"
    _, first, body = get(url)
    _, second, again = get(url)
    assert first["X-Cache"] in ("MISS", "EXPIRED", "REVALIDATED") and second["X-Cache"] == "HIT"
    assert again == body and json.loads(body)["features"]


def test_a_write_reaches_writers_at_once_and_the_public_within_seconds(front):
    url, token = front["url"], front["token"]
    progress_of(get(url + "/api/projects")[2])  # the public copy exists
    _, headers, body = get(f"{url}/api/projects/{PROJECT}", Authorization=f"Bearer {token}")
    new = 37 if json.loads(body)["properties"].get("progress") != 37 else 38
    req = urllib.request.Request(f"{url}/api/projects/{PROJECT}", method="PATCH",
                                 data=json.dumps({"properties": {"progress": new}, "note": "front test"}).encode(),
                                 headers={"Authorization": f"Bearer {token}", "If-Match": headers["ETag"],
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    _, seen, mine = get(url + "/api/projects", Authorization=f"Bearer {token}")
    assert seen["X-Cache"] == "BYPASS" and progress_of(mine) == new  # the writer: at once
    deadline = time.monotonic() + 5
    while progress_of(get(url + "/api/projects")[2]) != new:  # the public: within the second (+ slack)
        assert time.monotonic() < deadline, "the public copy was not refreshed after a write"
        time.sleep(0.1)
