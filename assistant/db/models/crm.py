"""The clinic's records: contacts, tags, notes, tasks, appointments and e-mail drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel

from assistant.db.types import EncryptedText, UTCDateTime, utcnow


class ContactBase(SQLModel):
    first_name: str = Field(max_length=100)
    last_name: str = Field(default="", max_length=100)
    email: str | None = Field(default=None, max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=40)
    date_of_birth: date | None = None
    address: str | None = Field(default=None, max_length=500)


class Contact(ContactBase, table=True):
    __tablename__ = "contacts"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, description="Bumped on every change; approvals bind to it.")
    phone_digits: str | None = Field(default=None, max_length=40, index=True)
    enrichment: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    profile_summary: str | None = Field(
        default=None,
        sa_column=Column(EncryptedText),
        description="Drawn from clinical notes by enrichment, so encrypted like them.",
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Tag(SQLModel, table=True):
    __tablename__ = "tags"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50, unique=True, index=True)


class ContactTag(SQLModel, table=True):
    __tablename__ = "contact_tags"

    contact_id: int = Field(foreign_key="contacts.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="tags.id", primary_key=True, ondelete="CASCADE")

    @classmethod
    def link(cls, contact: Contact, tag: Tag) -> ContactTag:
        assert contact.id is not None and tag.id is not None, "flush both before linking"
        return cls(contact_id=contact.id, tag_id=tag.id)


class Note(SQLModel, table=True):
    __tablename__ = "notes"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    body: str = Field(sa_column=Column(EncryptedText, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Task(SQLModel, table=True):
    __tablename__ = "tasks"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", index=True, ondelete="CASCADE"
    )
    assignee_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    status: str = Field(default="open", max_length=10, index=True)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    practitioner_id: int | None = Field(
        default=None, foreign_key="users.id", index=True, ondelete="SET NULL"
    )
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    duration_minutes: int = Field(default=30)
    kind: str = Field(default="session", max_length=50)
    status: str = Field(default="booked", max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EmailDraft(SQLModel, table=True):
    __tablename__ = "email_drafts"

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    purpose: str = Field(max_length=20)
    instructions: str | None = Field(default=None, sa_column=Column(EncryptedText))
    subject: str = Field(default="", sa_column=Column(EncryptedText, nullable=False))
    body: str = Field(default="", sa_column=Column(EncryptedText, nullable=False))
    status: str = Field(default="pending", max_length=12, index=True)
    recipient: str | None = Field(
        default=None,
        sa_column=Column(EncryptedText),
        description="The address an approved send goes to, fixed when the send runs.",
    )
    message_id: str | None = Field(default=None, max_length=255)
    error: str | None = Field(
        default=None,
        sa_column=Column(EncryptedText),
        description="Why the last send failed or is being retried, in words (a server's reply "
        "can quote the address).",
    )
    version: int = Field(default=1, description="Bumped on every write; approvals bind to it.")
    # Loaded with the draft: an approval binds the address a send would go to.
    contact: Contact | None = Relationship(
        sa_relationship=relationship(Contact, lazy="joined", viewonly=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
