"""email_drafts.error: why the last send failed or is being retried (encrypted)

Revision ID: 0010_office
Revises: 0009_undo
Create Date: 2026-12-04 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_office"
down_revision: str | None = "0009_undo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.drop_column("error")
