"""conversation titles are encrypted (they may quote a message): room for ciphertext

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:55:00

Existing titles stay as they are (legacy plaintext reads as is) until `assistant keys
reencrypt` encrypts them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.alter_column(
            "title",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
            type_=sa.Text(),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.alter_column(
            "title",
            existing_type=sa.Text(),
            type_=sqlmodel.sql.sqltypes.AutoString(length=200),
            existing_nullable=False,
        )
