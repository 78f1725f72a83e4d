"""Accounts, API tokens, sign-in attempts (throttling) and citizen feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("agency", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="ck_users_role"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("last_used_at", sa.Text),
        sa.Column("revoked_at", sa.Text),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_api_tokens_user", "api_tokens", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float, nullable=False),  # epoch seconds
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("success", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_email_at", "login_attempts", ["email", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("contact", sa.Text),
        sa.Column("address", sa.Text, nullable=False),  # hashed client address, for throttling only
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("moderated_by", sa.Text),
        sa.Column("moderated_at", sa.Text),
        sa.Column("reason", sa.Text),
        sa.CheckConstraint("status IN ('pending', 'published', 'rejected')", name="ck_feedback_status"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_feedback_project", "feedback", ["project_id", "status"])
    op.create_index("ix_feedback_address_at", "feedback", ["address", "created_at"])


def downgrade():
    op.drop_table("feedback")
    op.drop_table("login_attempts")
    op.drop_index("ix_api_tokens_user", "api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
