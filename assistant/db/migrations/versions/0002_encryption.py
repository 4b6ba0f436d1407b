"""encryption at rest: room for ciphertext, the profile summary in its own column

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00

Notes, messages and drafts keep their Text columns (the model type EncryptedText is Text in
the database); the draft subject widens to Text because ciphertext outgrows 300 characters.
The enrichment profile summary moves out of the plaintext JSON into `contacts.profile_summary`.
This migration runs without the key, so the values it moves (and any rows written before
encryption) stay plaintext until `assistant keys reencrypt` (or `keys rotate`) encrypts them.
Downgrading moves the summary back as stored, ciphertext included.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

contacts = sa.table(
    "contacts",
    sa.column("id", sa.Integer()),
    sa.column("enrichment", sa.JSON()),
    sa.column("profile_summary", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile_summary", sa.Text(), nullable=True))
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=300),
            type_=sa.Text(),
            existing_nullable=False,
        )
    _move_summaries(into_column=True)


def downgrade() -> None:
    _move_summaries(into_column=False)
    with op.batch_alter_table("email_drafts", schema=None) as batch_op:
        batch_op.alter_column(
            "subject",
            existing_type=sa.Text(),
            type_=sqlmodel.sql.sqltypes.AutoString(length=300),
            existing_nullable=False,
        )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("profile_summary")


def _move_summaries(*, into_column: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(contacts.c.id, contacts.c.enrichment, contacts.c.profile_summary))
    for contact_id, enrichment, summary in rows.all():
        data = dict(enrichment or {})
        if into_column and "profile_summary" in data:
            moved = data.pop("profile_summary")
            values = {"enrichment": data, "profile_summary": None if moved is None else str(moved)}
        elif not into_column and summary is not None:
            values = {"enrichment": {**data, "profile_summary": summary}}
        else:
            continue
        bind.execute(contacts.update().where(contacts.c.id == contact_id).values(**values))
