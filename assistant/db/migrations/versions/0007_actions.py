"""actions: every call made or proposed for a user (confirm, undo and the activity page)

Revision ID: 0007_actions
Revises: 0006_sec_data
Create Date: 2026-12-04 19:20:00

Encrypted columns (args, impact, result, undo, reason) are Text holding ciphertext.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import assistant.db.types

revision: str = "0007_actions"
down_revision: str | None = "0006_sec_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
When = assistant.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("procedure", String(length=64), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.Column("call_hash", String(length=64), nullable=False),
        sa.Column("status", String(length=12), nullable=False),
        sa.Column("source", String(length=12), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("approval_id", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("undo", sa.Text(), nullable=True),
        sa.Column("undo_until", When(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.Column("updated_at", When(timezone=True), nullable=False),
        sa.Column("expires_at", When(timezone=True), nullable=True),
        sa.Column("decided_at", When(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"]),
        sa.ForeignKeyConstraint(["approval_id"], ["approvals.id"]),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        for column in ("user_id", "procedure", "status", "conversation_id", "approval_id"):
            batch_op.create_index(batch_op.f(f"ix_actions_{column}"), [column], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("actions")
