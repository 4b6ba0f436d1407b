"""usage: tokens in and out of every hosted-model request, per user, provider and model

Revision ID: 0013_usage
Revises: 0010_office
Create Date: 2026-12-04 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import assistant.db.types

revision: str = "0013_usage"
down_revision: str | None = "0010_office"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
When = assistant.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("provider", String(length=32), nullable=False),
        sa.Column("model", String(length=128), nullable=False),
        sa.Column("purpose", String(length=16), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("usage", schema=None) as batch_op:
        for column in ("user_id", "provider", "created_at"):
            batch_op.create_index(batch_op.f(f"ix_usage_{column}"), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("usage", schema=None) as batch_op:
        for column in ("created_at", "provider", "user_id"):
            batch_op.drop_index(batch_op.f(f"ix_usage_{column}"))
    op.drop_table("usage")
