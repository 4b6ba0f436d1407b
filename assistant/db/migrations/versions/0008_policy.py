"""policy: the clinic's policy per procedure; approvals keep the call an approver edited

Revision ID: 0008_policy
Revises: 0007_actions
Create Date: 2026-12-04 19:40:00

`approvals.original_args` (encrypted JSON, Text) keeps the call as requested when an approver
edits it; `approvals.confirmed_at` records the requester's confirmation of the edited call;
`actions.target` binds a waiting call to its targets' versions and its preview's digest.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import assistant.db.types

revision: str = "0008_policy"
down_revision: str | None = "0007_actions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
When = assistant.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "procedure_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure", String(length=64), nullable=False),
        sa.Column("role", String(length=20), nullable=False),
        sa.Column("policy", String(length=8), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", When(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("procedure", "role", name="uq_procedure_policies"),
    )
    with op.batch_alter_table("procedure_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_policies_procedure"), ["procedure"], unique=False
        )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_args", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", When(timezone=True), nullable=True))
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("target")
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("original_args")
    op.drop_table("procedure_policies")
