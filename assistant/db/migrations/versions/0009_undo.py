"""undo: who undid an action, and when

Revision ID: 0009_undo
Revises: 0008_policy
Create Date: 2026-12-04 20:05:00

What an undo keeps lives in `actions.undo` (encrypted, from 0007); these say who undid it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import assistant.db.types

revision: str = "0009_undo"
down_revision: str | None = "0008_policy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("undone_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("undone_at", assistant.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_actions_undone_by_users"), "users", ["undone_by"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_actions_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_message_id"))
        batch_op.drop_constraint(batch_op.f("fk_actions_undone_by_users"), type_="foreignkey")
        batch_op.drop_column("undone_at")
        batch_op.drop_column("undone_by")
