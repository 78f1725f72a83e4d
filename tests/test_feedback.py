"""Citizens' feedback: a form on each project page, pending until the agency or an admin
publishes it; throttled, honeypot, size limits; always shown as text."""
import re

import pytest

from app import create_app
from gis import accounts
from gis.store.accounts import accounts_of

PASSWORD = "a long test passphrase"
DIGEST = accounts.hash_password(PASSWORD)
ROAD = "ql91-km0-km7-upgrade"  # so-gtvt
PAYLOAD = '<script>alert("x")</script> <img src=x onerror=alert(1)> Đường còn ngập khi triều cường'


@pytest.fixture
def app(store_url):
    app = create_app({"TESTING": True, "DATABASE_URL": store_url})
    assert app.test_cli_runner().invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        from gis.web import get_store

        acc = accounts_of(get_store())
        acc.create_user("editor@sogtvt.cantho.gov.vn", DIGEST, "editor", "so-gtvt")
        acc.create_user("editor@sovhttdl.cantho.gov.vn", DIGEST, "editor", "so-vhttdl")
    return app


def csrf_of(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def send(client, message=PAYLOAD, **extra):
    token = csrf_of(client, f"/projects/{ROAD}")
    return client.post(f"/projects/{ROAD}/feedback", data={"csrf_token": token, "message": message, **extra})


def signed_in(app, email):
    c = app.test_client()
    token = csrf_of(c, "/login")
    assert c.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return c


def pending_ids(client):
    return re.findall(r'<li data-feedback-id="(\d+)">', client.get("/planner/feedback").get_data(as_text=True))


def decide(client, fid, decision, reason=""):
    token = csrf_of(client, "/planner/feedback")
    return client.post("/planner/feedback", data={"csrf_token": token, "id": fid, "decision": decision,
                                                  "reason": reason})


def test_feedback_waits_for_moderation_then_shows_as_text(app):
    public = app.test_client()
    assert send(public, name="Nguyễn Văn A", contact="0909 000 000").status_code == 302
    assert "triều cường" not in public.get(f"/projects/{ROAD}").get_data(as_text=True)
    editor = signed_in(app, "editor@sogtvt.cantho.gov.vn")
    assert "1 " in editor.get("/planner").get_data(as_text=True)
    ids = pending_ids(editor)
    assert len(ids) == 1
    assert decide(editor, ids[0], "publish").status_code == 302
    html = public.get(f"/projects/{ROAD}").get_data(as_text=True)
    assert "triều cường" in html and "Nguyễn Văn A" in html
    assert "0909 000 000" not in html  # the contact is for the department only
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_only_the_projects_agency_or_an_admin_moderates(app):
    send(app.test_client())
    other = signed_in(app, "editor@sovhttdl.cantho.gov.vn")
    assert pending_ids(other) == []
    editor = signed_in(app, "editor@sogtvt.cantho.gov.vn")
    fid = pending_ids(editor)[0]
    assert decide(other, fid, "publish").status_code == 403


def test_rejection_needs_a_reason(app):
    send(app.test_client())
    editor = signed_in(app, "editor@sogtvt.cantho.gov.vn")
    fid = pending_ids(editor)[0]
    assert decide(editor, fid, "reject").status_code == 422
    assert decide(editor, fid, "reject", "quảng cáo, không liên quan").status_code == 302
    assert pending_ids(editor) == []


@pytest.mark.parametrize("message", ["", "hi", "x" * 2001])
def test_messages_outside_the_size_limits_are_refused(app, message):
    resp = send(app.test_client(), message=message)
    assert resp.status_code == 422


def test_the_honeypot_drops_bot_messages_silently(app):
    public = app.test_client()
    assert send(public, website="http://spam.example").status_code == 302
    editor = signed_in(app, "editor@sogtvt.cantho.gov.vn")
    assert pending_ids(editor) == []


def test_feedback_is_throttled_per_address(app):
    public = app.test_client()
    for i in range(5):
        assert send(public, message=f"ý kiến số {i}").status_code == 302
    assert send(public, message="một ý kiến nữa").status_code == 429
