"""Errors that carry their HTTP meaning; converted to responses in one place (gis.web)."""


class GisError(Exception):
    """Base class: a message for people and an HTTP status for the web layer."""

    http_status = 500
    code = "error"

    def __init__(self, message, details=None):
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_dict(self):
        body = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class Invalid(GisError):
    """Input that breaks the data model; ``details`` maps a field to its problems."""

    http_status = 422
    code = "invalid"


class BadRequest(GisError):
    """A malformed request (bad query parameter, unparsable body)."""

    http_status = 400
    code = "bad_request"


class NotFound(GisError):
    http_status = 404
    code = "not_found"


class Conflict(GisError):
    """The record changed since the caller read it (optimistic locking)."""

    http_status = 409
    code = "conflict"

    def __init__(self, message, current=None):
        super().__init__(message)
        self.current = current


class AlreadySeeded(Conflict):
    """Seeding would overwrite edits made in the store."""

    code = "already_seeded"


class StoreUnavailable(GisError):
    http_status = 503
    code = "store_unavailable"


class Unauthorized(GisError):
    """Not signed in (or a bad API token)."""

    http_status = 401
    code = "unauthorized"


class Forbidden(GisError):
    """Signed in, but without the right to do this."""

    http_status = 403
    code = "forbidden"


class PreconditionFailed(GisError):
    """If-Match names a version that is no longer current."""

    http_status = 412
    code = "precondition_failed"


class TooLarge(GisError):
    http_status = 413
    code = "too_large"


class UnsupportedMediaType(GisError):
    http_status = 415
    code = "unsupported_media_type"


class PreconditionRequired(GisError):
    """A write without If-Match."""

    http_status = 428
    code = "precondition_required"


class TooManyRequests(GisError):
    http_status = 429
    code = "too_many_requests"


def reason_of(exc: Exception) -> str:
    """A library's exception as the reason in one of our messages: its text (or its class
    name), cut to 300 characters."""
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"
