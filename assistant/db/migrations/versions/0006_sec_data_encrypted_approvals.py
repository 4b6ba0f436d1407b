"""clinical text in approvals and events is encrypted; summaries keep ids only; a draft
keeps the recipient its approved send goes to

Revision ID: 0006_sec_data
Revises: 0004
Create Date: 2026-12-04 16:10:00

`approvals.args`, `approvals.result` and `events.data` become encrypted JSON and
`approvals.reason` encrypted text (Text columns: ciphertext outgrows them). A summary that
may name a contact moves to the new encrypted `approvals.detail`, and the plaintext
`summary` keeps the procedure's name. This migration runs without the key, so values already
stored stay plaintext (read as they are) until `assistant keys reencrypt` encrypts them.
Downgrading restores the old types and works only while those values are still plaintext.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_sec_data"
down_revision: str | None = "0005_exec"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

approvals = sa.table(
    "approvals",
    sa.column("id", sa.Integer()),
    sa.column("procedure", sa.String()),
    sa.column("summary", sa.String()),
    sa.column("detail", sa.Text()),
)
# (table, column, nullable): JSON columns that become encrypted JSON (Text)
JSON_COLUMNS = (
    ("approvals", "args", False),
    ("approvals", "result", True),
    ("events", "data", False),
)


def upgrade() -> None:
    for table, column, nullable in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.JSON(),
                type_=sa.Text(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::text",
            )
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.alter_column(
            "reason",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=500),
            type_=sa.Text(),
            existing_nullable=True,
        )
        batch_op.add_column(sa.Column("detail", sa.Text(), nullable=True))
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.Text(), nullable=True))
    op.execute(approvals.update().values(detail=approvals.c.summary, summary=approvals.c.procedure))


def downgrade() -> None:
    op.execute(
        approvals.update()
        .where(approvals.c.detail.is_not(None))
        .values(summary=sa.func.substr(approvals.c.detail, 1, 500))
    )
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.drop_column("recipient")
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_column("detail")
        batch_op.alter_column(
            "reason",
            existing_type=sa.Text(),
            type_=sqlmodel.sql.sqltypes.AutoString(length=500),
            existing_nullable=True,
        )
    for table, column, nullable in JSON_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.JSON(),
                existing_nullable=nullable,
                postgresql_using=f"{column}::json",
            )
