"""Hosted-model usage: one row per hosted request, tokens only (no text, no identifiers)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from assistant.db.types import UTCDateTime, utcnow


class UsageRecord(SQLModel, table=True):
    """Tokens in and out of one hosted request, for whom, where and for what."""

    __tablename__ = "usage"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL",
        description="Who the call was made for; null for calls no user asked for.",
    )  # fmt: skip
    provider: str = Field(max_length=32, index=True)
    model: str = Field(max_length=128)
    purpose: str = Field(max_length=16, description="chat, tools, draft or summary.")
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    exact: bool = Field(default=True, description="False where the provider reported none.")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
