"""The clinic's policy per procedure: auto, confirm or approve, for everyone or one role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.db.types import UTCDateTime, utcnow


class ProcedurePolicy(SQLModel, table=True):
    """An owner's choice, above the declaration's floor; no row: the declared default."""

    __tablename__ = "procedure_policies"
    __table_args__ = (UniqueConstraint("procedure", "role", name="uq_procedure_policies"),)

    id: int | None = Field(default=None, primary_key=True)
    procedure: str = Field(max_length=64, index=True)
    role: str = Field(
        default="", max_length=20, description="A role's own policy; empty: every role."
    )
    policy: str = Field(max_length=8, description="auto, confirm or approve.")
    updated_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
