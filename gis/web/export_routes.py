"""Export route over gis.export (the map's filters + ``format``).

The file is written to a temporary folder (gis.export reads the store a batch at a time)
and sent from disk in blocks, so a large export never sits in the worker's memory; the
folder is removed when the response is closed.
"""
import os
import shutil
import tempfile

from flask import Blueprint, Response, current_app, request
from werkzeug.wsgi import ClosingIterator, wrap_file

from gis import export
from gis.web import args, get_store

bp = Blueprint("export", __name__)
BLOCK_BYTES = 64 * 1024


@bp.get("/api/projects/export")
def projects_export():
    workdir = tempfile.mkdtemp(prefix="cantho-export-")
    try:
        path, result = export.write_export(get_store(), args(), workdir,
                                           stale_after_days=current_app.config["STALE_AFTER_DAYS"])
        fh = open(path, "rb")
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    size = os.fstat(fh.fileno()).st_size
    # the server closes the iterator when the response is sent (or the client is gone): the file
    # first, then the folder (a direct-passthrough body skips Response.call_on_close)
    body = ClosingIterator(wrap_file(request.environ, fh, BLOCK_BYTES),
                           lambda: shutil.rmtree(workdir, ignore_errors=True))
    resp = Response(body, status=result.status, content_type=result.content_type, direct_passthrough=True)
    resp.content_length = size
    for key, value in result.headers.items():
        resp.headers[key] = value
    return resp
