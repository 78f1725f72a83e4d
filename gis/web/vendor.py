"""Serves the pinned front-end packages (node_modules, installed by `npm ci`) at /vendor/."""
from flask import Blueprint, abort, send_file, url_for

from gis import assets

bp = Blueprint("vendor", __name__)


@bp.get("/vendor/<path:path>")
def asset(path):
    try:
        full = assets.resolve(path)
    except Exception:  # noqa: BLE001 - anything outside the allowed packages is simply not here
        abort(404)
    return send_file(full, max_age=7 * 24 * 3600)


def vendor_url(relative_path: str) -> str:
    return url_for("vendor.asset", path=relative_path)
