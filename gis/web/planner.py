"""The planners' side: home, edit form (with conflicts), new, archive, restore, geometry,
history with filters and Atom, API tokens. Rights are checked in gis.editing."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gis import accounts, editing, schema, style
from gis.errors import Conflict, Invalid, NotFound
from gis.history import atom_feed
from gis.store.accounts import accounts_of
from gis.web import get_store
from gis.errors import Forbidden
from gis.web.auth import current_account, forbid_unless, login_required
from gis.web.i18n import current_lang

bp = Blueprint("planner", __name__)


def _forbidden(exc):
    raise Forbidden(_("Your account does not have the right to do this."))


def code_title(name, code):
    return schema.code_title(name, code, current_lang())


def _common():
    return {"code_title": code_title, "status_colours": style.STATUS_COLOURS, "status_ink": style.STATUS_INK,
            "fields": {f.name: f for f in schema.fields()}, "user": current_account()}


@bp.get("/planner")
@login_required
def home():
    user = current_account()
    store = get_store()
    projects = store.list_projects(_all_query())
    mine = [f for f in projects if accounts.can_edit(user, f) or
            (user.role == "viewer" and f["properties"].get("lead_agency") == user.agency)]
    visible_ids = [f["id"] for f in projects if accounts.can_see_pending(user, f)]
    pending = accounts_of(store).feedback(status=("pending",), project_ids=visible_ids)
    from flask import current_app

    from gis import schedule
    from gis.dashboard import today_in_vietnam

    facts = schedule.schedule_index(mine, store.history(limit=None), today_in_vietnam(),
                                    current_app.config["STALE_AFTER_DAYS"])
    stale = [f for f in mine if facts[f["id"]]["stale"]]
    return render_template("planner/home.html", mine=mine, pending=pending, facts=facts, stale=stale,
                           stale_after=current_app.config["STALE_AFTER_DAYS"], **_common())


# -- editing a project -----------------------------------------------------------------------

def _edit_context(feature, values=None, errors=None, conflict=None, note=""):
    return {"f": feature, "p": feature["properties"], "values": values or feature["properties"],
            "errors": errors or {}, "conflict": conflict, "note": note, "form_fields": editing.FORM_FIELDS,
            "statuses": schema.codelist("status"), **_common()}


@bp.route("/projects/<project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    store, user = get_store(), current_account()
    current = store.get_project(project_id)
    forbid_unless(accounts.can_edit(user, current))
    if request.method == "GET":
        return render_template("projects/edit.html", **_edit_context(current))
    changes, errors = editing.parse_form(request.form)
    note = request.form.get("note", "")
    try:
        expected = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    values = {**current["properties"], **changes}
    if errors:
        return render_template("projects/edit.html", **_edit_context(current, values, errors, note=note)), 422
    try:
        editing.update_project(store, user, project_id, changes, expected_version=expected, note=note)
    except editing.Forbidden as exc:
        _forbidden(exc)
    except Invalid as exc:
        return render_template("projects/edit.html",
                               **_edit_context(current, values, exc.details, note=note)), 422
    except Conflict as exc:
        latest = exc.current or store.get_project(project_id)
        return render_template("projects/edit.html",
                               **_edit_context(latest, values, {}, conflict={"mine": values}, note=note)), 409
    return redirect(url_for("pages.project", project_id=project_id, saved=1))


@bp.route("/projects/<project_id>/geometry", methods=["GET", "POST"])
@login_required
def edit_geometry(project_id):
    from gis.web.pages import render_map

    store, user = get_store(), current_account()
    current = store.get_project(project_id)
    forbid_unless(accounts.can_edit(user, current))
    error, status, text = None, 200, json.dumps(current["geometry"], ensure_ascii=False)
    if request.method == "POST":
        text = request.form.get("geometry", "")
        try:
            expected = int(request.form.get("version", ""))
            geometry = json.loads(text)
            if isinstance(geometry, dict) and geometry.get("type") == "Feature":
                geometry = geometry.get("geometry")
            editing.update_project(store, user, project_id, {"geometry": geometry}, expected_version=expected,
                                   note=request.form.get("note", ""))
            return redirect(url_for("pages.project", project_id=project_id, saved=1))
        except (ValueError, TypeError):
            error, status = _("This is not GeoJSON: paste a geometry such as {\"type\": \"Point\", \"coordinates\": [105.78, 10.03]}."), 422
        except Invalid as exc:
            error, status = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.details.items()) or exc.message, 422
        except Conflict:
            error, status = _("Someone saved this project while you were editing. Reload the page to see their change."), 409
            current = store.get_project(project_id)
    from gis.web.pages import _bounds_of

    map_parts = render_map([current], compact=True, layers=True, bounds=_bounds_of(current, 0.05), draw=True)
    return render_template("projects/geometry.html", f=current, p=current["properties"], text=text, error=error,
                           map=map_parts, **_common()), status


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    store, user = get_store(), current_account()
    forbid_unless(user.role in ("admin", "editor"))
    text = request.form.get("feature", "") if request.method == "POST" else ""
    error, status = None, 200
    if request.method == "POST":
        try:
            feature = json.loads(text)
            if not isinstance(feature, dict):
                raise ValueError
            feature.setdefault("type", "Feature")
            props = feature.setdefault("properties", {})
            if feature.get("id") is None and props.get("id"):
                feature["id"] = props["id"]
            if request.form.get("draft"):
                props["archived"] = True  # a draft: hidden from the public until published
            editing.create_project(store, user, feature, request.form.get("note", ""))
            return redirect(url_for("pages.project", project_id=feature["id"], saved=1))
        except ValueError:
            error, status = _("This is not a GeoJSON Feature."), 422
        except editing.Forbidden as exc:
            _forbidden(exc)
        except Invalid as exc:
            error, status = "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.details.items()) or exc.message, 422
        except Conflict as exc:
            error, status = exc.message, 409
    return render_template("projects/new.html", text=text, error=error, **_common()), status


@bp.post("/projects/<project_id>/confirm")
@login_required
def confirm(project_id):
    store, user = get_store(), current_account()
    try:
        editing.confirm_project(store, user, project_id, expected_version=int(request.form["version"]),
                                note=request.form.get("note", ""))
    except editing.Forbidden as exc:
        _forbidden(exc)
    except (KeyError, ValueError):
        abort(400)
    return redirect(url_for("pages.project", project_id=project_id, confirmed=1))


@bp.post("/projects/<project_id>/archive")
@login_required
def archive(project_id):
    store, user = get_store(), current_account()
    archived = request.form.get("archived", "1") == "1"
    try:
        editing.set_archived(store, user, project_id, archived, expected_version=int(request.form["version"]),
                             note=request.form.get("note", ""))
    except editing.Forbidden as exc:
        _forbidden(exc)
    except (KeyError, ValueError):
        abort(400)
    return redirect(url_for("pages.project", project_id=project_id))


@bp.post("/projects/<project_id>/restore/<int:version>")
@login_required
def restore(project_id, version):
    store, user = get_store(), current_account()
    try:
        editing.restore_version(store, user, project_id, version, expected_version=int(request.form["version"]),
                                note=request.form.get("note", "") or _("Restored an earlier version"))
    except editing.Forbidden as exc:
        _forbidden(exc)
    except (KeyError, ValueError):
        abort(400)
    return redirect(url_for("pages.project", project_id=project_id, saved=1))


# -- history across projects ------------------------------------------------------------------

def _history_rows(args):
    store = get_store()
    agency, who = args.get("agency") or "", (args.get("user") or "").strip().lower()
    since, until = args.get("from") or "", args.get("to") or ""
    for value, name in ((since, "from"), (until, "to")):
        if value and not _is_date(value):
            raise Invalid(f"{name} must be a date YYYY-MM-DD", {name: ["YYYY-MM-DD"]})
    projects = {f["id"]: f for f in store.list_projects(_all_query())}
    rows = []
    for h in store.history(limit=2000):
        p = projects.get(h.project_id)
        if agency and (p is None or p["properties"].get("lead_agency") != agency):
            continue
        if who and who not in h.user.lower():
            continue
        day = h.changed_at[:10]
        if (since and day < since) or (until and day > until):
            continue
        rows.append((h, p))
        if len(rows) >= 500:
            break
    return rows


def _all_query():
    from gis.store.base import ProjectQuery

    return ProjectQuery(include_archived=True)


def _is_date(text):
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
        return True
    except ValueError:
        return False


@bp.get("/history")
def history():
    rows = _history_rows(request.args)
    return render_template("history/list.html", rows=rows, args=request.args,
                           agencies=schema.codelist("lead_agency"), **_common())


@bp.get("/history.atom")
def history_atom():
    rows = _history_rows(request.args)[:100]
    lang = current_lang()
    entries = []
    for h, p in rows:
        name = (p["properties"].get("name_vi" if lang == "vi" else "name_en") if p else h.project_id) or h.project_id
        fields = ", ".join(h.changes) if h.action != "seed" else ""
        entries.append({"id": f"urn:cantho-key-projects:history:{h.id}", "title": f"{name}: {h.action}",
                        "updated": h.changed_at, "author": h.user,
                        "link": url_for("pages.project", project_id=h.project_id, _external=True),
                        "summary": (h.note or "") + (f" [{fields}]" if fields else "")})
    updated = rows[0][0].changed_at if rows else "2017-01-16T00:00:00Z"
    body = atom_feed(title=_("Cần Thơ key projects: recent changes"), feed_id="urn:cantho-key-projects:history",
                     self_url=request.url, alternate_url=url_for("planner.history", _external=True, **request.args),
                     entries=entries, updated=updated)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


# -- API tokens -----------------------------------------------------------------------------------

@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    user = current_account()
    acc = accounts_of(get_store())
    new_token = None
    if request.method == "POST":
        if request.form.get("revoke"):
            try:
                acc.revoke_token(user.id, int(request.form["revoke"]))
            except (ValueError, NotFound):
                abort(404)
        else:
            label = (request.form.get("label") or "").strip()[:100]
            new_token, digest = accounts.new_token()
            acc.add_token(user.id, digest, label)
    return render_template("account/tokens.html", tokens=acc.list_tokens(user.id), new_token=new_token, **_common())
