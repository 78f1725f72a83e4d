"""Atom feeds of status changes per project, agency and district: valid Atom, newest first,
public projects only. Checked with feedparser and against RFC 4287's required elements."""
import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest

from app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url, "SERVER_NAME": "maps.example.vn"})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    return app


def get_feed(app, url):
    r = app.test_client().get(url)
    assert r.status_code == 200, r.data[:300]
    assert r.headers["Content-Type"].startswith("application/atom+xml")
    return r.data


def check_rfc4287(data: bytes) -> list:
    """The elements RFC 4287 requires (4.1.1 feed, 4.1.2 entry) and RFC 3339 dates; returns the entries."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    assert root.find(f"{ATOM}author") is not None or all(e.find(f"{ATOM}author") is not None
                                                        for e in root.findall(f"{ATOM}entry"))
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    ids = []
    for e in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert len(e.findall(f"{ATOM}{tag}")) == 1, tag
        dt.datetime.fromisoformat(e.find(f"{ATOM}updated").text.replace("Z", "+00:00"))
        assert e.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        ids.append(e.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))
    return parsed.entries


def newest_first(entries):
    times = [e.updated for e in entries]
    return times == sorted(times, reverse=True)


def test_a_project_feed_lists_its_status_changes_newest_first(app):
    entries = check_rfc4287(get_feed(app, "/feeds/projects/vam-cong-bridge.atom?lang=en"))
    assert [e.updated[:10] for e in entries] == ["2019-05-19", "2013-09-10"]
    assert "Under construction → In operation" in entries[0].title
    assert entries[0].link.endswith("/projects/vam-cong-bridge")


def test_an_edit_is_at_the_top_of_the_project_agency_and_district_feeds(app):
    with app.app_context():
        from gis.web import get_store

        get_store().update_project("ql91-km0-km7-upgrade", {"status": "cancelled"}, expected_version=1,
                                   user="editor@sogtvt.cantho.gov.vn", note="Dừng <b>đầu tư</b>")
        districts = get_store().get_project("ql91-km0-km7-upgrade")["properties"]["districts"]
    for url in ("/feeds/projects/ql91-km0-km7-upgrade.atom", "/feeds/agencies/so-gtvt.atom",
                f"/feeds/districts/{districts[0]}.atom", "/feeds/status.atom"):
        entries = check_rfc4287(get_feed(app, url + "?lang=en"))
        assert entries[0].title.endswith("Under construction → Cancelled"), url
        assert "Dừng <b>đầu tư</b>" in entries[0].summary  # text, escaped in the XML
        assert newest_first(entries), url


def test_agency_and_district_feeds_hold_only_their_projects(app):
    with app.app_context():
        from gis.web import get_store

        projects = {f["id"]: f["properties"] for f in get_store().list_projects()}
    entries = check_rfc4287(get_feed(app, "/feeds/districts/co-do.atom"))
    ids = {e.link.rsplit("/", 1)[1] for e in entries}
    assert ids and all("co-do" in projects[i]["districts"] for i in ids)
    assert newest_first(entries)
    entries = check_rfc4287(get_feed(app, "/feeds/agencies/bo-gtvt.atom"))
    assert {projects[e.link.rsplit("/", 1)[1]]["lead_agency"] for e in entries} == {"bo-gtvt"}


def test_drafts_and_archived_projects_stay_out_of_the_feeds(app):
    with app.app_context():
        from gis.web import get_store

        get_store().update_project("vam-cong-bridge", {"archived": True}, expected_version=1, user="a", note="x",
                                   action="archive")
    assert app.test_client().get("/feeds/projects/vam-cong-bridge.atom").status_code == 404
    entries = check_rfc4287(get_feed(app, "/feeds/agencies/bo-gtvt.atom"))
    assert all(not e.link.endswith("/vam-cong-bridge") for e in entries)


@pytest.mark.parametrize("url", ["/feeds/agencies/nope.atom", "/feeds/districts/nope.atom",
                                 "/feeds/projects/nope.atom"])
def test_unknown_things_to_follow_are_404(app, url):
    assert app.test_client().get(url).status_code == 404


def test_the_feeds_page_links_every_agency_and_district(app):
    html = app.test_client().get("/feeds").get_data(as_text=True)
    assert html.count("/feeds/agencies/") == 15 and html.count("/feeds/districts/") == 9
    page = app.test_client().get("/projects/vam-cong-bridge").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/feeds/projects/vam-cong-bridge.atom" in page
