"""Citizens' feedback on a project: checked, stored as pending, moderated. No Flask.

Messages are plain text: nothing is interpreted as HTML, and every page escapes them.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from gis.errors import Invalid, TooManyRequests

MESSAGE_MIN, MESSAGE_MAX = 5, 2000
NAME_MAX, CONTACT_MAX, REASON_MAX = 100, 200, 500
PER_ADDRESS_PER_HOUR = 5
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value, limit: int) -> str:
    """NFC, no control or bidi-override characters, trimmed; '' when absent."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _CONTROL.sub("", text).replace("\r\n", "\n").strip()
    return text[: limit + 1]


def check_submission(form) -> dict:
    """{message, name, contact} or Invalid naming the fields."""
    message = clean_text(form.get("message"), MESSAGE_MAX)
    name = clean_text(form.get("name"), NAME_MAX)
    contact = clean_text(form.get("contact"), CONTACT_MAX)
    errors = {}
    if len(message) < MESSAGE_MIN:
        errors["message"] = [f"at least {MESSAGE_MIN} characters"]
    elif len(message) > MESSAGE_MAX:
        errors["message"] = [f"at most {MESSAGE_MAX} characters"]
    if len(name) > NAME_MAX:
        errors["name"] = [f"at most {NAME_MAX} characters"]
    if len(contact) > CONTACT_MAX:
        errors["contact"] = [f"at most {CONTACT_MAX} characters"]
    if errors:
        raise Invalid("the message cannot be sent: " + "; ".join(f"{k}: {v[0]}" for k, v in errors.items()), errors)
    return {"message": message, "name": name or None, "contact": contact or None}


def is_bot(form) -> bool:
    """The honeypot field is hidden from people; bots fill it."""
    return bool((form.get("website") or "").strip())


def submit(accounts, project_id: str, form, address: str, now: dt.datetime | None = None) -> int | None:
    """Store a pending message; None for a bot (silently dropped). TooManyRequests past the limit."""
    data = check_submission(form)
    if is_bot(form):
        return None
    now = now or dt.datetime.now(dt.timezone.utc)
    since = (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if accounts.count_feedback_since(address, since) >= PER_ADDRESS_PER_HOUR:
        raise TooManyRequests("too many messages from this address; please try again in an hour")
    return accounts.add_feedback(project_id, data["message"], data["name"], data["contact"], address)


def moderate(accounts, feedback_id: int, decision: str, by: str, reason: str | None) -> dict:
    if decision not in ("publish", "reject"):
        raise Invalid("decision must be publish or reject", {"decision": ["publish or reject"]})
    reason = clean_text(reason, REASON_MAX)
    if decision == "reject" and not reason:
        raise Invalid("a rejection needs a reason", {"reason": ["is required"]})
    return accounts.moderate(feedback_id, "published" if decision == "publish" else "rejected", by, reason or None)
