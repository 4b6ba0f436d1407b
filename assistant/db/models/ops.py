"""What the system does about the records: conversations, approvals, audit trail and jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from assistant.db.types import EncryptedJSON, EncryptedText, UTCDateTime, utcnow


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    title: str = Field(
        default="",
        sa_column=Column(EncryptedText, nullable=False),
        description="Encrypted: a title may quote the first line of a message.",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class Message(SQLModel, table=True):
    __tablename__ = "messages"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=12)
    content: str = Field(default="", sa_column=Column(EncryptedText, nullable=False))
    status: str = Field(default="complete", max_length=12)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Approval(SQLModel, table=True):
    """A critical call waiting for a second person; bound to a hash of exactly what will run."""

    __tablename__ = "approvals"

    id: int | None = Field(default=None, primary_key=True)
    procedure: str = Field(max_length=64, index=True)
    args: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(EncryptedJSON, nullable=False),
        description="Encrypted: arguments can be clinical text (a note body).",
    )
    summary: str = Field(
        default="", max_length=500, description="Ids, procedure names and counts only."
    )
    detail: str | None = Field(
        default=None,
        sa_column=Column(EncryptedText),
        description="The approver's description (names), encrypted; read by an authorised request.",
    )
    requested_by: int = Field(foreign_key="users.id", index=True)
    approver_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    call_hash: str = Field(max_length=64)
    target: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    snapshot: str | None = Field(
        default=None,
        sa_column=Column(EncryptedText),
        description="The target records as they were when requested (JSON), encrypted.",
    )
    status: str = Field(default="pending", max_length=12, index=True)
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    reason: str | None = Field(
        default=None, sa_column=Column(EncryptedText), description="Free text, so encrypted."
    )
    result: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(EncryptedJSON),
        description="Encrypted: a procedure's output (a sent draft's body, a profile summary).",
    )
    source: str = Field(default="http", max_length=12)
    original_args: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(EncryptedJSON),
        description="Encrypted: the call as requested, when an approver edited it (`args`).",
    )
    confirmed_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="When the requester confirmed an edited call; it runs only after that.",
    )
    conversation_id: int | None = Field(
        default=None, description="The co-pilot conversation the request came from."
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """One link of the hash chain: ids and outcomes only, never clinical text."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    actor_id: int | None = Field(default=None)
    actor_role: str | None = Field(default=None, max_length=20)
    principal_kind: str | None = Field(
        default=None, max_length=8, description="user, token, job or system; None before v2."
    )
    principal_name: str | None = Field(default=None, max_length=32, description="A system's.")
    token_id: int | None = Field(default=None)
    job_id: int | None = Field(default=None)
    source: str = Field(max_length=12)
    procedure: str = Field(max_length=64)
    record_ids: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    outcome: str = Field(max_length=20)
    conversation_id: int | None = Field(default=None)
    message_id: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    hash_version: int = Field(default=1, description="The hashed payload's format.")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class Job(SQLModel, table=True):
    """Background work as a row with a lease; the queue message carries only this row's id."""

    __tablename__ = "jobs"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    idempotency_key: str | None = Field(default=None, max_length=128, unique=True)
    status: str = Field(default="queued", max_length=12, index=True)
    done: int = Field(default=0)
    total: int = Field(default=0)
    attempts: int = Field(default=0)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Event(SQLModel, table=True):
    """A user's event, kept for the SSE replay window; Redis only carries its id."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=40)
    data: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(EncryptedJSON, nullable=False),
        description="Encrypted: a reason or a failure message is free text.",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class Action(SQLModel, table=True):
    """One call made or proposed for a user: what confirm, undo and the activity page act on.

    Every call that passes the policy gate gets a row: an `auto` call is recorded `done` (or
    `failed`) when it runs; a `confirm` call waits `pending` for its requester's click; an
    `approve` call waits `pending` with its four-eyes `approval_id`. Status words:
    `pending`, `confirmed`, `approved`, `rejected`, `expired`, `stale`, `failed`, `done`,
    `undone`. `args`, `impact`, `result`, `undo` and `reason` are encrypted (they can hold
    names and clinical text); ids and counts stay plain.
    """

    __tablename__ = "actions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, description="Who asked.")
    procedure: str = Field(max_length=64, index=True)
    args: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(EncryptedJSON, nullable=False),
        description="Encrypted: the call as it runs (or will run).",
    )
    call_hash: str = Field(default="", max_length=64)
    target: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default="{}"),
        description="What a waiting call is bound to: its targets' versions and the preview's "
        "digest (ids and digests only).",
    )
    status: str = Field(default="pending", max_length=12, index=True)
    source: str = Field(default="http", max_length=12)
    conversation_id: int | None = Field(
        default=None, foreign_key="conversations.id", index=True, ondelete="SET NULL"
    )
    message_id: int | None = Field(default=None, index=True)
    approval_id: int | None = Field(default=None, foreign_key="approvals.id", index=True)
    impact: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(EncryptedJSON),
        description="Encrypted: what the call touches, with record names.",
    )
    result: dict[str, Any] | None = Field(
        default=None, sa_column=Column(EncryptedJSON), description="Encrypted: the output."
    )
    undo: dict[str, Any] | None = Field(
        default=None,
        sa_column=Column(EncryptedJSON),
        description="Encrypted: what an undo needs (previous values); purged on expiry/erasure.",
    )
    undo_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="users.id")
    reason: str | None = Field(default=None, sa_column=Column(EncryptedText))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    undone_by: int | None = Field(default=None, foreign_key="users.id")
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
