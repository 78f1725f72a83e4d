"""Citizen feedback: the form on each project page and the moderation page."""
from flask import Blueprint, redirect, render_template, request, url_for

from gis import accounts, feedback
from gis.errors import Invalid
from gis.store.accounts import accounts_of
from gis.web import get_store
from gis.web.auth import client_address, current_account, forbid_unless, login_required

bp = Blueprint("feedback", __name__)


def feedback_context(feature, user):
    acc = accounts_of(get_store())
    published = acc.feedback(project_id=feature["id"], status=("published",))
    pending = acc.feedback(project_id=feature["id"], status=("pending",)) \
        if accounts.can_see_pending(user, feature) else []
    return {"published_feedback": published, "pending_feedback": pending}


@bp.post("/projects/<project_id>/feedback")
def submit(project_id):
    store = get_store()
    store.get_project(project_id)  # 404 for an unknown project
    try:
        feedback.submit(accounts_of(store), project_id, request.form, client_address())
    except Invalid as exc:
        return _with_feedback_error(project_id, exc), 422
    return redirect(url_for("pages.project", project_id=project_id, thanks=1) + "#feedback")


def _with_feedback_error(project_id, exc):
    from flask import g

    from gis.web.pages import project as project_page

    g.feedback_error = exc.details
    g.feedback_values = request.form
    return project_page(project_id)


@bp.route("/planner/feedback", methods=["GET", "POST"])
@login_required
def moderation():
    store, user = get_store(), current_account()
    acc = accounts_of(store)
    error = None
    if request.method == "POST":
        item = acc.get_feedback(int(request.form.get("id", "0") or 0))
        forbid_unless(accounts.can_moderate(user, store.get_project(item["project_id"])))
        try:
            feedback.moderate(acc, item["id"], request.form.get("decision", ""), user.email, request.form.get("reason"))
            return redirect(url_for("feedback.moderation"))
        except Invalid as exc:
            error = exc.message
    projects = {f["id"]: f for f in store.list_projects()}
    visible = [pid for pid, f in projects.items() if accounts.can_see_pending(user, f)]
    pending = acc.feedback(status=("pending",), project_ids=visible)
    return render_template("feedback/moderation.html", pending=pending, projects=projects, error=error,
                           can_moderate=lambda pid: accounts.can_moderate(user, projects[pid])), 200 if not error else 422
