"""Accounts and rights, without Flask: who may do what.

Roles: ``admin`` (Department of Planning and Investment: everything), ``editor`` (one
agency: edits the projects whose lead_agency is that agency), ``viewer`` (signed-in
read access to drafts and pending feedback of their agency). The public is anonymous.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from gis import schema
from gis.errors import Invalid

ROLES = ("admin", "editor", "viewer")
MIN_PASSWORD_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
TOKEN_PREFIX = "ctk_"

# Sign-in throttling: after this many failures in the window, further attempts get 429.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 15 * 60


@dataclasses.dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str
    agency: str | None
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def label(self) -> str:
        return self.name or self.email

    def to_public(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name, "role": self.role,
                "agency": self.agency, "active": self.active}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_new_user(email: str, role: str, agency: str | None, password: str) -> None:
    """Raise Invalid naming every bad field."""
    problems = {}
    if not EMAIL_RE.match(normalise_email(email)):
        problems["email"] = ["not an e-mail address"]
    if role not in ROLES:
        problems["role"] = [f"must be one of {', '.join(ROLES)}"]
    if role in ("editor", "viewer") and agency not in schema.codes("lead_agency"):
        problems["agency"] = [f"an {role} needs an agency from the agencies table"]
    if role == "admin" and agency not in (None, "", "so-khdt") and agency not in schema.codes("lead_agency"):
        problems["agency"] = ["unknown agency"]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems["password"] = [f"at least {MIN_PASSWORD_LENGTH} characters"]
    if problems:
        raise Invalid("the account cannot be created: " + "; ".join(f"{k}: {v[0]}" for k, v in problems.items()),
                      problems)


def hash_password(password: str) -> str:
    """scrypt (werkzeug's default KDF) with a random salt."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password or "")


# A hash to compare against when the account does not exist, so timing does not tell.
DUMMY_HASH = hash_password(secrets.token_hex(16))


def new_token() -> tuple[str, str]:
    """(token shown once to the user, hash stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


# -- rights ----------------------------------------------------------------------------

def can_edit(user: User | None, project: dict) -> bool:
    """Admins edit everything; editors the projects their agency leads."""
    if user is None or not user.active:
        return False
    if user.role == "admin":
        return True
    props = project.get("properties", project)
    return user.role == "editor" and bool(user.agency) and props.get("lead_agency") == user.agency


def can_create(user: User | None, lead_agency: str | None) -> bool:
    if user is None or not user.active:
        return False
    return user.role == "admin" or (user.role == "editor" and user.agency == lead_agency)


def can_moderate(user: User | None, project: dict) -> bool:
    """Feedback on a project: its agency's editors and admins."""
    return can_edit(user, project)


def can_see_pending(user: User | None, project: dict) -> bool:
    if user is None or not user.active:
        return False
    props = project.get("properties", project)
    return user.role == "admin" or props.get("lead_agency") == user.agency


def can_see(user: User | None, project: dict) -> bool:
    """Drafts and archived projects are hidden from the public: their agency and admins see them."""
    props = project.get("properties", project)
    return not props.get("archived") or can_see_pending(user, project)


def is_admin(user: User | None) -> bool:
    return user is not None and user.active and user.role == "admin"
