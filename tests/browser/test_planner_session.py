"""A planner's whole session in Chromium, against gunicorn on its own store.

Sign in as an editor of Sở GTVT, change a transport project's status with a note, see the
new colour on the public map and the entry in the timeline; be refused on another agency's
project; two tabs edit the same project and the second save shows the conflict; an admin
restores the earlier version; feedback with HTML payloads is published and stays text.
"""
import os
import subprocess
import sys

import pytest

from gis import style

from .conftest import _server_env, gunicorn
from .conftest import sign_in as conftest_sign_in

pytestmark = pytest.mark.browser

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "browser test passphrase"
EDITOR, ADMIN = "editor@sogtvt.cantho.gov.vn", "admin@sokhdt.cantho.gov.vn"
ROAD = "ql91-km0-km7-upgrade"  # led by so-gtvt
OTHER = "vam-cong-bridge"  # led by bo-gtvt
PAYLOADS = ["<script>alert('feedback')</script>", "<img src=x onerror=alert(2)>"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planner_server")
    env = _server_env(f"sqlite:///{folder / 'store.db'}")

    def flask(*args, stdin=None):
        proc = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                              input=stdin, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    flask("seed")
    flask("users", "create", "--email", EDITOR, "--role", "editor", "--agency", "so-gtvt",
          stdin=f"{PASSWORD}\n{PASSWORD}\n")
    flask("users", "create", "--email", ADMIN, "--role", "admin", "--agency", "so-khdt",
          stdin=f"{PASSWORD}\n{PASSWORD}\n")
    with gunicorn(env, folder) as url:
        yield url


def sign_in(page, server, email):
    conftest_sign_in(page, server, email, PASSWORD)


def expect_http(watch, *codes):
    """These HTTP errors were the point of the step: take them off the problem list."""
    watch.problems[:] = [p for p in watch.problems if not any(p.startswith(f"HTTP {c}:") for c in codes)]


def layer_colour(page, project_id):
    return page.evaluate("""(id) => {
      let colour = null;
      window.cantho.map.eachLayer(l => {
        if (l instanceof L.MarkerClusterGroup) l.getLayers().forEach(x => {
          if (x.feature && x.feature.id === id) colour = x.options.color || null;
        });
      });
      return colour;
    }""", project_id)


def test_a_planners_session(server, context, page, watch):
    sign_in(page, server, EDITOR)
    assert page.locator(f'tr[data-project-id="{ROAD}"]').count() == 1

    # 1. Change the status with a note.
    page.goto(f"{server}/projects/{ROAD}/edit")
    page.select_option("#status", "completion")
    page.fill("#progress", "100")
    page.fill("#actual_end", "2026-11-20")
    page.fill("#note", "Nghiệm thu, bàn giao (kiểm thử)")
    page.click("form.edit-form button[type=submit]")
    page.wait_for_url(f"{server}/projects/{ROAD}?saved=1")
    entry = page.locator('.timeline-entry[data-action="update"]').first
    assert "Nghiệm thu, bàn giao (kiểm thử)" in entry.text_content()
    assert EDITOR in entry.text_content()

    # 1b. The location editor shows the drawing tools, served locally, and drawing fills the form.
    page.goto(f"{server}/projects/{ROAD}/geometry")
    page.wait_for_function("() => window.mapReady === true")
    assert page.locator(".leaflet-draw-draw-polyline").is_visible()
    page.evaluate("""() => {
      const line = L.polyline([[10.04, 105.78], [10.06, 105.76]]);
      window.cantho.map.fire('draw:created', {layer: line, layerType: 'polyline'});
    }""")
    drawn = page.eval_on_selector("#geometry-field", "el => JSON.parse(el.value)")
    assert drawn == {"type": "LineString", "coordinates": [[105.78, 10.04], [105.76, 10.06]]}

    # 2. The public map shows the new colour.
    public = context.browser.new_context(locale="vi-VN").new_page()
    watch.attach_page(public)
    public.goto(server + "/")
    public.wait_for_function("() => window.mapReady === true")
    assert layer_colour(public, ROAD) == style.STATUS_COLOURS["completion"]
    public.context.close()

    # 3. Another agency's project is refused.
    response = page.goto(f"{server}/projects/{OTHER}/edit")
    assert response.status == 403
    expect_http(watch, 403)

    # 4. Two tabs edit the same project; the second save shows the conflict.
    tab1, tab2 = page, context.new_page()
    watch.attach_page(tab2)
    for tab in (tab1, tab2):
        tab.goto(f"{server}/projects/{ROAD}/edit")
    tab1.fill("#progress", "100")
    tab1.fill("#description_vi", "Mô tả từ tab 1")
    tab1.fill("#note", "tab 1")
    tab1.click("form.edit-form button[type=submit]")
    tab1.wait_for_url(f"{server}/projects/{ROAD}?saved=1")
    tab2.fill("#description_vi", "Mô tả từ tab 2")
    tab2.fill("#note", "tab 2")
    with tab2.expect_response(lambda r: r.request.method == "POST") as posted:
        tab2.click("form.edit-form button[type=submit]")
    assert posted.value.status == 409
    expect_http(watch, 409)
    conflict = tab2.locator("[data-conflict]")
    assert conflict.is_visible()
    row = tab2.locator('tr[data-differs="description_vi"]')
    assert "Mô tả từ tab 1" in row.text_content() and "Mô tả từ tab 2" in row.text_content()
    tab2.close()

    # 5. An admin restores the version before the editor's changes.
    admin = context.browser.new_context(locale="vi-VN").new_page()
    watch.attach_page(admin)
    sign_in(admin, server, ADMIN)
    admin.goto(f"{server}/projects/{ROAD}")
    admin.click('[data-restore-version="1"]')
    admin.wait_for_url(f"{server}/projects/{ROAD}?saved=1")
    restored = admin.evaluate(f"() => fetch('/api/projects/{ROAD}').then(r => r.json())")
    assert restored["properties"]["status"] == "implementation" and restored["properties"].get("actual_end") is None
    assert admin.locator('.timeline-entry[data-action="restore"]').count() == 1
    admin.context.close()
    assert watch.dialogs == []


def test_feedback_with_html_payloads_is_shown_as_text(server, context, page, watch):
    page.goto(f"{server}/projects/{ROAD}")
    page.fill("#fb-message", " ".join(PAYLOADS) + " Đường ngập nước")
    page.fill("#fb-name", PAYLOADS[1])
    page.click(".feedback-form button[type=submit]")
    page.wait_for_url(f"{server}/projects/{ROAD}?thanks=1#feedback")

    editor = context.browser.new_context(locale="vi-VN").new_page()
    watch.attach_page(editor)
    sign_in(editor, server, EDITOR)
    editor.goto(server + "/planner/feedback")
    item = editor.locator("li[data-feedback-id]").first
    assert PAYLOADS[0] in item.text_content()
    item.locator('button[value="publish"]').click()
    editor.wait_for_url(server + "/planner/feedback")
    editor.context.close()

    page.goto(f"{server}/projects/{ROAD}")
    published = page.locator(".feedback-list li").first
    assert PAYLOADS[0] in published.text_content() and PAYLOADS[1] in published.text_content()
    assert page.locator('.feedback-list img, .feedback-list script').count() == 0
    assert watch.dialogs == []
