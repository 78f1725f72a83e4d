"""The public pages: map, list, CSV, project page, embed, errors, languages.

Rendered with Flask's test client on the seed data (the browser tier is tests/browser/).
"""
import copy
import json
from html import unescape as html_unescape
import os
import re

import pytest

from app import create_app
from gis.assets import external_urls

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTILE = '<img src=x onerror=alert(1)> ${alert(2)} `x` </script><script>alert(3)</script>'


def seed_features():
    with open(os.path.join(ROOT, "projects.geojson"), encoding="utf-8") as f:
        return json.load(f)["features"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("pages") / "store.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{db}"})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        evil = copy.deepcopy(seed_features()[0])
        evil["id"] = evil["properties"]["id"] = "hostile-name-test"
        evil["properties"]["name_vi"] = evil["properties"]["name_en"] = HOSTILE
        evil["properties"]["description_vi"] = HOSTILE
        get_store().create_project(evil, user="test", note=HOSTILE)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def page(client, url, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    return resp.get_data(as_text=True)


def embedded_count(html):
    return int(re.search(r'data-count="(\d+)"', html).group(1))


def map_call(html):
    """The (data, options) arguments the page passes to CanThoMap.addProjects()."""
    start = html.index("CanThoMap.addProjects(")
    start = html.index(", ", start) + 2
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(html, start)
    options, _ = decoder.raw_decode(html, end + 2)
    return data, options


def all_ids(client):
    return {f["id"] for f in client.get("/api/projects").get_json()["features"]}


PAGES = ["/", "/?lang=en", "/embed", "/projects", "/projects?lang=en", "/projects/vam-cong-bridge",
         "/projects/vam-cong-bridge?lang=en", "/dashboard", "/dashboard?lang=en", "/projects/no-such-thing"]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_loads_anything_from_another_host(client, url):
    resp = client.get(url)
    if resp.status_code == 404 and url == "/dashboard":
        pytest.skip("dashboard not registered")
    html = resp.get_data(as_text=True)
    assert external_urls(html, anchors=False) == [], url


def test_the_map_fetches_every_project_from_its_json_twin(client):
    html = page(client, "/?status=implementation")
    data, options = map_call(html)
    assert data is None  # nothing embedded: the page weighs the same for 68 or 100,000 projects
    assert options["dataUrl"].startswith("/map.json?") and "status=implementation" in options["dataUrl"]
    fetched = client.get(options["dataUrl"]).get_json()
    expected = {f["id"] for f in client.get("/api/projects?status=implementation").get_json()["features"]}
    assert {f["id"] for f in fetched["features"]} == expected and fetched["mode"] == "all"
    assert embedded_count(html) == len(expected)
    everything = client.get(map_call(page(client, "/"))[1]["dataUrl"]).get_json()
    assert {f["id"] for f in everything["features"]} == all_ids(client)


@pytest.mark.parametrize("url", ["/?status=implementation&lang=en", "/embed?sector=tourism"])
def test_the_page_starts_loading_the_map_data_with_its_styles(client, url):
    """A <link rel=preload> of exactly the URL static/js/map.js fetches, in the head, so the data
    arrives while the scripts load (the browser reuses it only if URL and credentials match)."""
    html = page(client, url)
    head = html[:html.index("</head>")]
    link = re.search(r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous">', head)
    assert link, "no preload of the map data in the head"
    assert html_unescape(link.group(1)) == map_call(html)[1]["dataUrl"]


def test_the_map_frame_is_rendered_once_and_again_when_a_base_layer_changes(tmp_path):
    """Folium's frame (map, base layers, controls) is kept per language and filters; a new
    boundary drawing reaches the next page (gis.web.pages.render_map)."""
    from gis.web import get_store

    own = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'frame.db'}"})
    assert own.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    client = own.test_client()
    first, second = page(client, "/?sector=tourism"), page(client, "/?sector=tourism")
    frame = re.search(r"var (map_[0-9a-f]+) = L\.map", first).group(1)
    assert frame in second  # the same rendered frame (folium names its map at random per render)
    with own.app_context():
        store = get_store()
        moved = copy.deepcopy(store.list_layer("rivers"))
        moved[0]["properties"]["name_vi"] = "Sông vẽ lại"
        assert store.seed(seed_features(), {"rivers": moved})["layers_replaced"] == ["rivers"]
    third = page(client, "/?sector=tourism")
    assert frame not in third and json.dumps("Sông vẽ lại")[1:-1] in third


def test_a_status_filter_shows_exactly_the_matching_projects(client):
    features = client.get("/api/projects").get_json()["features"]
    expected = sum(1 for f in features if f["properties"]["status"] == "implementation")
    assert 0 < expected < len(features)
    assert embedded_count(page(client, "/?status=implementation")) == expected
    assert embedded_count(page(client, "/projects?status=implementation")) == expected


def test_search_ignores_diacritics_and_case(client):
    results = []
    for query in ("cai+cui", "C%C3%81I+CUI", "C%C3%A1i+Cui"):  # cai cui, CÁI CUI, Cái Cui
        html = page(client, f"/projects?q={query}")
        results.append(sorted(re.findall(r'<tr data-project-id="([^"]+)"', html)))
        assert embedded_count(page(client, f"/?q={query}")) == len(results[-1])
    assert results[0] == results[1] == results[2]
    assert "cai-cui-port-phase-2" in results[0]
    assert "vam-cong-bridge" not in results[0]


def test_vam_cong_finds_the_bridge(client):
    html = page(client, "/projects?q=vam+cong")
    rows = re.findall(r'<tr data-project-id="([^"]+)"', html)
    assert "vam-cong-bridge" in rows


def test_district_filter(client):
    features = client.get("/api/projects").get_json()["features"]
    expected = {f["id"] for f in features if "vinh-thanh" in f["properties"].get("districts", [])}
    html = page(client, "/projects?district=vinh-thanh")
    assert set(re.findall(r'<tr data-project-id="([^"]+)"', html)) == expected and expected


def test_bad_filters_get_a_clear_400_page(client):
    resp = client.get("/?status=finished")
    assert resp.status_code == 400 and "text/html" in resp.content_type
    assert "unknown status" in resp.get_data(as_text=True)


def test_popups_and_pages_show_html_payloads_as_text(client):
    for url in ("/", "/projects", "/projects/hostile-name-test", "/embed"):
        html = page(client, url)
        assert "<img src=x" not in html and "<script>alert(3)" not in html, url
    html = page(client, "/projects/hostile-name-test")
    # In the small map's embedded data the payload is JSON with <, > and ` escaped for a <script> block.
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    twin = client.get("/map.json?q=img")  # the big map fetches its data: JSON, never sniffed as HTML
    assert twin.mimetype == "application/json" and twin.headers["X-Content-Type-Options"] == "nosniff"
    assert HOSTILE in {f["properties"]["name_vi"] for f in twin.get_json()["features"]}
    detail = page(client, "/projects/hostile-name-test")
    assert "&lt;img src=x onerror=alert(1)&gt;" in detail


def test_the_list_sorts_and_says_how(client):
    html = page(client, "/projects?sort=progress&order=desc")
    assert 'aria-sort="descending"' in html
    assert client.get("/projects?sort=colour").status_code == 400


def test_csv_is_utf8_with_bom_and_follows_the_filter(client):
    resp = client.get("/projects.csv?sector=transport.road")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    text = resp.data.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    expected = sum(1 for f in client.get("/api/projects?sector=transport.road").get_json()["features"])
    assert len(lines) == expected + 1
    assert "Cầu Vàm Cống" in text or "Vàm Cống" in text


def test_project_page_shows_facts_sources_and_history(client):
    html = page(client, "/projects/vam-cong-bridge")
    assert "10/09/2013" in html or "2013" in html  # vi date format
    assert 'href="https://en.wikipedia.org/wiki/V%C3%A0m_C%E1%BB%91ng_Bridge"' in html
    assert 'class="timeline"' in html and 'data-action="seed"' in html
    assert 'href="/api/projects/vam-cong-bridge"' in html


def test_unknown_project_gets_a_404_page_in_html_and_json(client):
    resp = client.get("/projects/no-such-thing")
    assert resp.status_code == 404 and "text/html" in resp.content_type
    resp = client.get("/projects/no-such-thing", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and resp.get_json()["error"] == "not_found"


def test_vietnamese_is_the_default_and_english_is_remembered(client):
    html = page(client, "/")
    assert '<html lang="vi">' in html and "Bộ lọc" in html
    resp = client.get("/?lang=en")
    assert 'lang=en' in resp.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in resp.get_data(as_text=True)
    html = page(client, "/projects")  # the cookie is kept by the test client
    assert '<html lang="en">' in html and "Key projects" in html
    client.get("/?lang=vi")


def test_accept_language_is_honoured_on_a_first_visit(app):
    fresh = app.test_client()
    html = fresh.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    html = app.test_client().get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="vi">' in html


def test_legend_and_popup_labels_change_with_the_language(client):
    vi = page(client, "/?lang=vi")
    en = page(client, "/?lang=en")
    vi_labels, en_labels = map_call(vi)[1], map_call(en)[1]
    assert vi_labels["labels"]["legend"] == "Chú giải" and en_labels["labels"]["legend"] == "Legend"
    assert {"Đang thi công", "Đang khai thác"} <= {s["label"] for s in vi_labels["legend"]["statuses"]}
    assert {"Under construction", "In operation"} <= {s["label"] for s in en_labels["legend"]["statuses"]}


def test_numbers_and_dates_follow_the_locale(client):
    vi = page(client, "/projects/vam-cong-bridge?lang=vi")
    en = page(client, "/projects/vam-cong-bridge?lang=en")
    assert "19/05/2019" in vi and "19 May 2019" in en
    client.get("/?lang=vi")


def test_embed_is_the_map_alone_with_the_same_filters(client):
    html = page(client, "/embed?sector=tourism")
    assert "site-header" not in html
    expected = len(client.get("/api/projects?sector=tourism").get_json()["features"])
    assert embedded_count(html) == expected
