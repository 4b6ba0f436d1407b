"""audit rows name the principal (kind, system name, token, job) and the co-pilot's
conversation and message, under a versioned hash payload; approvals keep their conversation

Revision ID: 0005_exec
Revises: 0004
Create Date: 2026-12-04 16:00:00

Rows written before keep hash_version 1 and verify with the payload they were written with.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_exec"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("principal_kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )
        batch_op.add_column(
            sa.Column("principal_name", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("token_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_column("conversation_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        for name in (
            "hash_version",
            "message_id",
            "conversation_id",
            "job_id",
            "token_id",
            "principal_name",
            "principal_kind",
        ):
            batch_op.drop_column(name)
