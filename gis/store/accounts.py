"""Accounts, API tokens, sign-in attempts and feedback, stored beside the projects.

The same SQL on both backends (tables from migration 0002). Use ``accounts_of(store)``.
"""
from __future__ import annotations

import time
from typing import Optional

import sqlalchemy as sa

from gis.accounts import User, hash_token, normalise_email
from gis.errors import Conflict, NotFound
from gis.store.sql import metadata, utc_now

users_t = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("agency", sa.Text),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)
tokens_t = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("token_hash", sa.Text, nullable=False, unique=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("last_used_at", sa.Text),
    sa.Column("revoked_at", sa.Text),
)
attempts_t = sa.Table(
    "login_attempts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("success", sa.Boolean, nullable=False),
)
feedback_t = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("project_id", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("contact", sa.Text),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("moderated_by", sa.Text),
    sa.Column("moderated_at", sa.Text),
    sa.Column("reason", sa.Text),
)
U, T, A, F = users_t.c, tokens_t.c, attempts_t.c, feedback_t.c


def _user(row) -> User:
    return User(row.id, row.email, row.name, row.role, row.agency, bool(row.active))


class Accounts:
    """Repository over a SqlStore's engine; every write is one transaction."""

    def __init__(self, store):
        self.store = store

    def _tx(self, write: bool):
        return self.store._tx(write=write)

    # -- users ---------------------------------------------------------------------------
    def create_user(self, email: str, password_hash: str, role: str, agency: Optional[str], name: str = "") -> User:
        email = normalise_email(email)
        try:
            with self._tx(True) as conn:
                if conn.execute(sa.select(U.id).where(U.email == email)).first():
                    raise Conflict(f"an account for {email} already exists")
                new_id = conn.execute(users_t.insert().values(
                    email=email, name=name or "", password_hash=password_hash, role=role, agency=agency or None,
                    active=True, created_at=utc_now())).inserted_primary_key[0]
        except sa.exc.IntegrityError:
            raise Conflict(f"an account for {email} already exists") from None
        return self.get_user(new_id)

    def get_user(self, user_id) -> User:
        with self._tx(False) as conn:
            row = conn.execute(sa.select(users_t).where(U.id == int(user_id))).first()
        if row is None:
            raise NotFound(f"no user {user_id}")
        return _user(row)

    def find_user(self, email: str) -> tuple[Optional[User], Optional[str]]:
        """(user, password hash) or (None, None)."""
        with self._tx(False) as conn:
            row = conn.execute(sa.select(users_t).where(U.email == normalise_email(email))).first()
        return (None, None) if row is None else (_user(row), row.password_hash)

    def list_users(self) -> list[User]:
        with self._tx(False) as conn:
            return [_user(r) for r in conn.execute(sa.select(users_t).order_by(U.email))]

    def set_active(self, email: str, active: bool) -> User:
        with self._tx(True) as conn:
            n = conn.execute(users_t.update().where(U.email == normalise_email(email)).values(active=active)).rowcount
        if not n:
            raise NotFound(f"no account for {email}")
        return self.find_user(email)[0]

    # -- API tokens ------------------------------------------------------------------------
    def add_token(self, user_id: int, token_hash: str, label: str) -> int:
        with self._tx(True) as conn:
            return conn.execute(tokens_t.insert().values(user_id=user_id, token_hash=token_hash, label=label or "",
                                                         created_at=utc_now())).inserted_primary_key[0]

    def user_for_token(self, token: str) -> Optional[User]:
        digest = hash_token(token)
        with self._tx(True) as conn:
            row = conn.execute(sa.select(users_t, T.id.label("token_id"))
                               .select_from(tokens_t.join(users_t, U.id == T.user_id))
                               .where(T.token_hash == digest, T.revoked_at.is_(None))).first()
            if row is None:
                return None
            conn.execute(tokens_t.update().where(T.id == row.token_id).values(last_used_at=utc_now()))
        user = _user(row)
        return user if user.active else None

    def list_tokens(self, user_id: int) -> list[dict]:
        with self._tx(False) as conn:
            rows = conn.execute(sa.select(T.id, T.label, T.created_at, T.last_used_at, T.revoked_at)
                                .where(T.user_id == user_id).order_by(T.id.desc()))
            return [dict(r._mapping) for r in rows]

    def revoke_token(self, user_id: int, token_id: int) -> None:
        with self._tx(True) as conn:
            n = conn.execute(tokens_t.update().where(T.id == token_id, T.user_id == user_id, T.revoked_at.is_(None))
                             .values(revoked_at=utc_now())).rowcount
        if not n:
            raise NotFound("no such active token")

    # -- sign-in attempts ------------------------------------------------------------------
    def record_attempt(self, email: str, address: str, success: bool, now: Optional[float] = None) -> None:
        with self._tx(True) as conn:
            conn.execute(attempts_t.insert().values(at=now or time.time(), email=normalise_email(email),
                                                    address=address, success=success))

    def recent_failures(self, *, email: str, address: str, window: float, now: Optional[float] = None) -> tuple[int, int]:
        """(failures for this account, failures from this address) within the window."""
        since = (now or time.time()) - window
        with self._tx(False) as conn:
            by_email = conn.execute(sa.select(sa.func.count()).where(
                A.email == normalise_email(email), A.at >= since, A.success.is_(False))).scalar()
            by_address = conn.execute(sa.select(sa.func.count()).where(
                A.address == address, A.at >= since, A.success.is_(False))).scalar()
        return int(by_email), int(by_address)

    # -- feedback ---------------------------------------------------------------------------
    def add_feedback(self, project_id: str, message: str, name: Optional[str], contact: Optional[str],
                     address: str) -> int:
        with self._tx(True) as conn:
            return conn.execute(feedback_t.insert().values(
                project_id=project_id, message=message, name=name or None, contact=contact or None,
                address=address, created_at=utc_now(), status="pending")).inserted_primary_key[0]

    def feedback(self, *, project_id: Optional[str] = None, status: Optional[tuple] = None,
                 project_ids: Optional[list] = None, limit: int = 200) -> list[dict]:
        stmt = sa.select(feedback_t).order_by(F.id.desc()).limit(limit)
        if project_id:
            stmt = stmt.where(F.project_id == project_id)
        if project_ids is not None:
            stmt = stmt.where(F.project_id.in_(project_ids))
        if status:
            stmt = stmt.where(F.status.in_(status))
        with self._tx(False) as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def get_feedback(self, feedback_id: int) -> dict:
        with self._tx(False) as conn:
            row = conn.execute(sa.select(feedback_t).where(F.id == feedback_id)).first()
        if row is None:
            raise NotFound(f"no feedback {feedback_id}")
        return dict(row._mapping)

    def moderate(self, feedback_id: int, status: str, by: str, reason: Optional[str]) -> dict:
        with self._tx(True) as conn:
            n = conn.execute(feedback_t.update().where(F.id == feedback_id, F.status == "pending").values(
                status=status, moderated_by=by, moderated_at=utc_now(), reason=reason or None)).rowcount
        if not n:
            raise Conflict("this feedback was already moderated")
        return self.get_feedback(feedback_id)

    def count_feedback_since(self, address: str, since_iso: str) -> int:
        with self._tx(False) as conn:
            return int(conn.execute(sa.select(sa.func.count()).where(
                F.address == address, F.created_at >= since_iso)).scalar())


def accounts_of(store) -> Accounts:
    acc = getattr(store, "_accounts", None)
    if acc is None:
        acc = store._accounts = Accounts(store)
    return acc
