"""Confirming a record without changing it: a history entry that clears the stale flag.

The store call on both backends; the form and the API with the same rights as editing."""
import re

import pytest

from gis.errors import Conflict, NotFound
from tests.test_planner import BRIDGE, ROAD, app, csrf_of, editor, admin, make_token  # noqa: F401 (fixtures)


def history_of(app, pid):
    with app.app_context():
        from gis.web import get_store

        return get_store().history(pid)


def test_the_store_records_a_confirmation_without_a_new_version(store, tmp_path):
    from tests.test_seed import load_seed, write_seed

    load_seed(store, *write_seed(tmp_path))
    before = store.get_project("kcn-o-mon")
    after = store.confirm_project("kcn-o-mon", expected_version=1, user="ann", note="checked on site")
    assert after == before and store.get_project("kcn-o-mon") == before
    newest = store.history("kcn-o-mon")[0]
    assert (newest.action, newest.version, newest.user, newest.note, newest.changes) == \
        ("confirm", 1, "ann", "checked on site", {})
    store.update_project("kcn-o-mon", {"progress": 5}, expected_version=1, user="bob", note="")
    with pytest.raises(Conflict):
        store.confirm_project("kcn-o-mon", expected_version=1, user="ann", note="")
    with pytest.raises(NotFound):
        store.confirm_project("nope", expected_version=1, user="ann", note="")
    assert store.has_edits()


def confirm_form(client, pid, **extra):
    html = client.get(f"/projects/{pid}").get_data(as_text=True)
    form = html[html.index('class="d-flex gap-1 confirm-form"') - 200:]
    data = {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),
            "version": re.search(r'name="version" value="(\d+)"', form).group(1), "note": "still right"}
    data.update(extra)
    return client.post(f"/projects/{pid}/confirm", data=data)


def test_an_editor_confirms_a_project_of_their_agency_through_the_form(app, editor):
    r = confirm_form(editor, ROAD)
    assert r.status_code == 302 and "confirmed=1" in r.headers["Location"]
    newest = history_of(app, ROAD)[0]
    assert (newest.action, newest.user, newest.note) == ("confirm", "editor@sogtvt.cantho.gov.vn", "still right")
    page = editor.get(r.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "Confirmed. The check is in the history below." in page


def test_confirming_needs_the_right_agency_a_session_csrf_and_the_current_version(app, editor):
    assert 'confirm-form' not in editor.get(f"/projects/{BRIDGE}").get_data(as_text=True)  # bo-gtvt's project
    token = csrf_of(editor, f"/projects/{ROAD}")
    assert editor.post(f"/projects/{BRIDGE}/confirm", data={"csrf_token": token, "version": "1"}).status_code == 403
    anonymous = app.test_client()
    r = anonymous.post(f"/projects/{ROAD}/confirm", data={"version": "1", "csrf_token": csrf_of(anonymous, "/login")})
    assert r.status_code == 401
    assert editor.post(f"/projects/{ROAD}/confirm", data={"version": "1"}).status_code == 400  # no CSRF token
    assert confirm_form(editor, ROAD, version="7").status_code == 409
    assert [e.action for e in history_of(app, ROAD)].count("confirm") == 0


def test_the_api_confirms_with_a_token_and_if_match(app, editor):
    token = make_token(editor)
    c = app.test_client()
    url = f"/api/projects/{ROAD}/confirm"
    auth = {"Authorization": f"Bearer {token}"}
    assert c.post(url).status_code == 401
    assert c.post(url, headers=auth).status_code == 428
    assert c.post(url, headers={**auth, "If-Match": '"9"'}).status_code == 412
    assert c.post(url, headers={**auth, "If-Match": '"1"'}, data="[1]",
                  content_type="application/json").status_code == 400
    assert c.post(url, headers={**auth, "If-Match": '"1"'}, json={"note": "x" * 2001}).status_code == 422
    r = c.post(url, headers={**auth, "If-Match": '"1"'}, json={"note": "checked"})
    assert r.status_code == 200 and r.headers["ETag"] == '"1"' and r.get_json()["id"] == ROAD
    assert c.post(f"/api/projects/{BRIDGE}/confirm", headers={**auth, "If-Match": '"1"'}).status_code == 403
    assert [(e.action, e.note) for e in history_of(app, ROAD)][0] == ("confirm", "checked")
