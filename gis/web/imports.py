"""Import for planners: upload -> preview (validation, where each feature lands, field
mapping) -> commit of all valid features in one transaction. Admins import anything;
editors only features whose lead agency is theirs."""
from __future__ import annotations

import dataclasses
import json
import os
import secrets
import time

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from gis import accounts, schema
from gis.errors import BadRequest, GisError
from gis.importing import safety
from gis.importing.layer import ImportedLayer
from gis.importing.mapping import TARGETS, suggest_mapping
from gis.importing.preview import MODES, commit, preview
from gis.importing.readers import read_upload
from gis.schema import Problem
from gis.web import get_store
from gis.web.auth import current_account, forbid_unless, login_required

bp = Blueprint("imports", __name__)
KEEP_SECONDS = 6 * 3600
CRS_CHOICES = ("", "EPSG:4326", "vn2000-cantho", "vn2000-utm48")
ENCODINGS = ("", "utf-8", "cp1258", "latin-1")


def _folder():
    path = os.path.join(current_app.instance_path, "imports")
    os.makedirs(path, exist_ok=True)
    now = time.time()
    for name in os.listdir(path):  # uploads not committed within hours are dropped
        full = os.path.join(path, name)
        if now - os.path.getmtime(full) > KEEP_SECONDS:
            os.remove(full)
    return path


def _path(token):
    if not token.isalnum() or len(token) > 64:
        abort(404)
    return os.path.join(_folder(), token + ".json")


def _load(token, user):
    try:
        with open(_path(token), encoding="utf-8") as f:
            saved = json.load(f)
    except FileNotFoundError:
        abort(404)
    if saved["user_id"] != user.id:
        abort(404)
    return ImportedLayer.from_dict(saved["layer"])


def _allowed(user, store, row) -> str | None:
    """Why this editor may not write this row (None: allowed)."""
    if accounts.is_admin(user):
        return None
    if row.action == "add":
        lead = (row.payload or {}).get("properties", {}).get("lead_agency")
        return None if lead == user.agency else _("editors import only projects of their own agency")
    if row.action == "update":
        current = store.get_project(row.id)
        new_lead = (row.payload or {}).get("lead_agency", current["properties"].get("lead_agency"))
        ok = accounts.can_edit(user, current) and new_lead == user.agency
        return None if ok else _("editors update only projects of their own agency")
    return None


def _rows(user, store, layer, mapping, mode):
    rows = preview(layer, mapping, mode, store)
    for r in rows:
        why = _allowed(user, store, r) if r.valid else None
        if why:
            r.problems.append(Problem(r.id or f"#{r.row}", "lead_agency", why))
    return rows


@bp.route("/planner/import", methods=["GET", "POST"])
@login_required
def upload():
    user = current_account()
    forbid_unless(user.role in ("admin", "editor"))
    error = None
    if request.method == "POST":
        file = request.files.get("file")
        try:
            if file is None or not file.filename:
                raise BadRequest(_("Choose a file to import."))
            layer = read_upload(
                file.filename, file.read(safety.MAX_UPLOAD_BYTES + 1),
                encoding=request.form.get("encoding") or None, source_crs=request.form.get("crs") or None,
                lon_column=request.form.get("lon_column") or None, lat_column=request.form.get("lat_column") or None,
                wkt_column=request.form.get("wkt_column") or None)
        except GisError as exc:
            error = exc.message
            return render_template("imports/upload.html", error=error, crs_choices=CRS_CHOICES,
                                   encodings=ENCODINGS, limits=_limits()), exc.http_status
        token = secrets.token_hex(16)
        with open(_path(token), "w", encoding="utf-8") as f:
            json.dump({"user_id": user.id, "layer": layer.to_dict()}, f, ensure_ascii=False)
        mode = request.form.get("mode") if request.form.get("mode") in MODES else "add"
        return redirect(url_for("imports.review", token=token, mode=mode))
    return render_template("imports/upload.html", error=error, crs_choices=CRS_CHOICES, encodings=ENCODINGS,
                           limits=_limits())


def _limits():
    return {"mb": safety.MAX_UPLOAD_BYTES // (1024 * 1024), "features": safety.MAX_FEATURES}


@bp.route("/planner/import/<token>", methods=["GET", "POST"])
@login_required
def review(token):
    user, store = current_account(), get_store()
    forbid_unless(user.role in ("admin", "editor"))
    layer = _load(token, user)
    source = request.form if request.method == "POST" else request.args
    mode = source.get("mode") if source.get("mode") in MODES else "add"
    if request.method == "POST":
        mapping = {"fields": {f: request.form.get(f"map-{i}") or None for i, f in enumerate(layer.fields)}}
    else:
        mapping = suggest_mapping(layer).to_dict()
    error, status = None, 200
    try:
        rows = _rows(user, store, layer, mapping, mode)
    except GisError as exc:
        rows, error, status = [], exc.message, exc.http_status
    if request.method == "POST" and request.form.get("action") == "commit" and not error:
        allowed = {r.row for r in rows if r.valid}
        kept = dataclasses.replace(layer, features=[f for i, f in enumerate(layer.features, 1) if i in allowed],
                                   row_problems={})
        try:
            summary = commit(kept, mapping, mode, store, user=user.email,
                             note=(request.form.get("note") or "").strip()[:2000],
                             seen_versions={r.id: r.expected_version for r in rows
                                            if r.action == "update" and r.valid})
        except GisError as exc:
            error, status = exc.message, exc.http_status
        else:
            os.remove(_path(token))
            return render_template("imports/done.html", summary=summary, layer=layer)
    return render_template("imports/review.html", layer=layer, rows=rows, mapping=mapping, mode=mode,
                           targets=[""] + list(TARGETS), error=error, token=token,
                           fields={f.name: f for f in schema.fields()}), status
