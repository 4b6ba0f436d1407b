"""Who uses the system: users, their API tokens and browser sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from assistant.db.types import UTCDateTime, utcnow


class Role(StrEnum):
    owner = "owner"
    practitioner = "practitioner"
    front_desk = "front_desk"
    viewer = "viewer"


class UserBase(SQLModel):
    email: str = Field(max_length=254, index=True, unique=True)
    full_name: str = Field(default="", max_length=200)
    role: Role = Field(sa_type=String(20))
    timezone: str = Field(default="UTC", max_length=64)


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserPublic(UserBase):
    id: int
    is_active: bool


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, the prefix helps people tell tokens apart."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebSession(SQLModel, table=True):
    """A browser session; the cookie carries a random secret, the row only its hash."""

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
