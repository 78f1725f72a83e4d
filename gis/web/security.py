"""Response headers that make the pages hard to abuse, and structured request logs.

* Content-Security-Policy without 'unsafe-inline' for scripts: the inline scripts we
  emit (folium's map script and header snippets) carry a per-request nonce.
* Only /embed may be framed (by any site: it is meant for the city portal); every
  other page forbids framing.
* One JSON log line per request (never the query string's secrets: tokens travel in
  headers, passwords in POST bodies, and neither is logged).
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import time

from flask import g, request

TILE_HOSTS = "https://tile.openstreetmap.org"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)", re.IGNORECASE)
log = logging.getLogger("gis.requests")


def csp_nonce() -> str:
    nonce = getattr(g, "csp_nonce", None)
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def add_nonce(html: str) -> str:
    """Give every inline <script> of a rendered fragment (folium's header) the nonce."""
    return _INLINE_SCRIPT.sub(f'<script nonce="{csp_nonce()}"', html)


def content_security_policy(embed: bool) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{csp_nonce()}'",
        "style-src 'self' 'unsafe-inline'",  # Leaflet positions everything with inline styles
        f"img-src 'self' data: blob: {TILE_HOSTS}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors *" if embed else "frame-ancestors 'none'",
    ])


def init_app(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    if not logging.getLogger("gis").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logging.getLogger("gis").addHandler(handler)
        logging.getLogger("gis").setLevel(logging.INFO)
        logging.getLogger("gis").propagate = False

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _headers(response):
        embed = request.endpoint == "pages.embed"
        response.headers["Content-Security-Policy"] = content_security_policy(embed)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not embed:
            response.headers["X-Frame-Options"] = "DENY"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        _log(response)
        return response


def _log(response):
    if app_testing():
        return
    started = g.get("request_started")
    account = g.get("account")
    log.info(json.dumps({
        "event": "request", "method": request.method, "path": request.path, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user": account.email if account else None, "bytes": response.calculate_content_length(),
    }, ensure_ascii=False))


def app_testing() -> bool:
    from flask import current_app

    return bool(current_app.config.get("TESTING"))


def audit(event: str, **fields) -> None:
    """An audit line for security-relevant events (sign-in, rights refused, tokens)."""
    logging.getLogger("gis.audit").info(json.dumps({"event": event, **fields}, ensure_ascii=False))
