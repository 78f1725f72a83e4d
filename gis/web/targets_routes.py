"""The plan's targets (section II.3): target vs actual by year, each target's records, the
planners' form to record a value, and the JSON twins. Rules live in gis.targets; records in
gis.store.target_values.

* ``/targets`` (public) and ``/api/targets``: target vs actual by year.
* ``/targets/<n>`` (public) and ``/api/targets/<n>``: the target and every record of it.
* ``/targets/<n>/record``: the form (admins only; CSRF); ``POST /api/targets/<n>/values``:
  the same with an admin's Bearer token and a JSON body.

``target_progress()`` is also a template global: the dashboard's and the reports' targets
sections render the same table (templates/targets/_by_year.html) from it.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext

from gis import api, targets
from gis.errors import Forbidden, Invalid, NotFound
from gis.store.target_values import target_values_of
from gis.web import get_store, respond
from gis.web.auth import api_account, csrf, current_account, forbid_unless, login_required
from gis.web.i18n import current_lang
from gis.web.security import audit

bp = Blueprint("targets", __name__)

FORM_FIELDS = ("part", "year", "period", "value", "source", "note")


def _repo():
    return target_values_of(get_store())


def _target(number: int) -> dict:
    """The target's definition; 404 when the plan has no such target."""
    t = targets.target_of(targets.load_targets(), number)
    if t is None:
        raise NotFound(gettext("There is no target %(number)s.", number=number))
    return t


@bp.app_template_global("target_progress")
def target_progress(until=None) -> dict:
    """Target vs actual by year from the store, once per request and ``until`` (an ISO date
    or a date: a report shows the values of periods ended by its end)."""
    if isinstance(until, str):
        until = dt.date.fromisoformat(until)
    cache = g.setdefault("target_progress", {})
    if until not in cache:
        store = get_store()
        cache[until] = targets.progress_by_year(targets.load_targets(), target_values_of(store).records(),
                                                store.list_projects(), current_lang(), until=until)
    return cache[until]


def _one(number: int) -> dict:
    _target(number)
    return next(t for t in target_progress()["targets"] if t["number"] == number)


# -- pages --------------------------------------------------------------------------------------

@bp.get("/targets")
def index():
    return render_template("targets/index.html", progress=target_progress(),
                           can_record=targets.may_record(current_account()))


@bp.get("/targets/<int:number>")
def detail(number):
    return render_template("targets/detail.html", t=_one(number), progress=target_progress(),
                           history=_repo().history(number), can_record=targets.may_record(current_account()),
                           saved=request.args.get("saved") == "1")


@bp.route("/targets/<int:number>/record", methods=["GET", "POST"])
@login_required
def record(number):
    _target(number)
    user = current_account()
    forbid_unless(targets.may_record(user), gettext("Only the Department of Planning and Investment's planners "
                                                    "(administrators) record target values."))
    values = {name: request.form.get(name, "") for name in FORM_FIELDS}
    if request.method == "GET":
        values["period"] = "year"
        return render_template("targets/record.html", t=_one(number), values=values, errors={})
    parsed, errors = {}, {}
    try:
        parsed["year"] = int(values["year"].strip())
    except ValueError:
        parsed["year"], errors["year"] = None, [gettext("The year must be a whole number such as 2018.")]
    try:
        parsed["value"] = targets.parse_number(values["value"], gettext)
    except ValueError as exc:
        parsed["value"], errors["value"] = None, [str(exc)]
    try:
        saved = _repo().record(target=number, part=values["part"], year=parsed["year"], period=values["period"],
                               value=parsed["value"], source=values["source"], note=values["note"],
                               user=user.email, gettext=gettext)
    except Invalid as exc:
        errors = {**exc.details, **errors}  # a typing mistake says more than "not a number"
        return render_template("targets/record.html", t=_one(number), values=values, errors=errors), 422
    audit("target-value-recorded", user=user.email, target=number, record=saved["id"])
    return redirect(url_for("targets.detail", number=number, saved=1))


# -- JSON twins ------------------------------------------------------------------------------------

@bp.get("/api/targets")
def api_index():
    return respond(api.Result(200, target_progress()))


@bp.get("/api/targets/<int:number>")
def api_target(number):
    return respond(api.Result(200, {"target": _one(number), "history": _repo().history(number)}))


@bp.post("/api/targets/<int:number>/values")
@csrf.exempt  # a Bearer token, never the session cookie: no CSRF possible
def api_record(number):
    user = api_account()
    _target(number)
    if not targets.may_record(user):
        raise Forbidden(gettext("Only the Department of Planning and Investment's planners (administrators) "
                                "record target values."))
    fields = targets.record_from_json(request.get_data(cache=False), request.content_type)
    saved = _repo().record(target=number, **fields, user=user.email, gettext=gettext)
    audit("target-value-recorded", user=user.email, target=number, record=saved["id"])
    return respond(api.Result(201, saved, headers={"Location": url_for("targets.api_target", number=number)}))
