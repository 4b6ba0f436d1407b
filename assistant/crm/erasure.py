"""Right to erasure: when a contact is deleted, every other copy of their personal data goes.

The contact's own records (notes, tasks, appointments, drafts, tags) are deleted with it by
`contacts.delete`. This module finds the copies elsewhere and redacts them in the same
transaction: approval snapshots, descriptions, arguments, results and reasons; the actions
table's previews, arguments and results (what undo keeps is purged); stored events
(the SSE replay buffer; Redis carries only event ids); chat messages, their metadata and
conversation titles; job parameters, results and errors; task titles; other contacts'
enrichment facts. What stays is ids (the audit trail holds nothing else).

A copy is found by the contact's id where a record names it, and by its identifiers in text
(full name, e-mail, phone in the forms people write it). First and last names alone are
redacted only where the text is about this contact (a conversation whose page or action was
this contact), so another client who shares a first name keeps theirs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.crm.common import phone_digits
from assistant.db.models import (
    Action,
    Appointment,
    Approval,
    Contact,
    Conversation,
    EmailDraft,
    Event,
    Job,
    Message,
    Note,
    Task,
)
from assistant.procedures.ledger import PURGED_ERASED

REDACTED = "[erased]"
# Tables whose rows belong to a contact: an approval targeting one is about the contact.
OWNED: dict[str, type[Any]] = {
    "notes": Note,
    "tasks": Task,
    "appointments": Appointment,
    "email_drafts": EmailDraft,
}
# Argument names that hold a contact's id.
CONTACT_ARGS = ("contact_id", "duplicate_id")


@dataclass
class Identifiers:
    """The contact's identifiers as patterns: `strong` anywhere, `weak` only where the text
    is known to be about them."""

    contact_id: int
    strong: re.Pattern[str] | None
    weak: re.Pattern[str] | None
    targets: set[str] = field(default_factory=set)

    def redact(self, text: str, *, about: bool = False) -> str:
        if self.strong is not None:
            text = self.strong.sub(REDACTED, text)
        if about and self.weak is not None:
            text = self.weak.sub(REDACTED, text)
        return text

    def mentions(self, text: str) -> bool:
        return self.strong is not None and self.strong.search(text) is not None


def _phone_pattern(phone: str) -> str | None:
    """The phone number whatever its separators: its digits with any non-digits between."""
    digits = phone_digits(phone)
    if not digits or len(digits) < 6:
        return None
    tail = digits[-10:]  # with or without the country code
    return r"(?<!\d)(?:\+?\d{1,3}[\s.()-]*)?" + r"[\s.()-]*".join(tail) + r"(?!\d)"


def _alternation(parts: Iterable[str | None]) -> re.Pattern[str] | None:
    kept = sorted({p for p in parts if p}, key=len, reverse=True)
    return re.compile("|".join(kept), re.IGNORECASE) if kept else None


def identifiers_of(contact: Contact) -> Identifiers:
    assert contact.id is not None
    first, last = contact.first_name.strip(), contact.last_name.strip()
    words = [re.escape(w) for w in (first, last) if len(w) >= 2]
    strong = [
        r"\b" + r"\s+".join(words) + r"\b" if len(words) == 2 else None,
        r"\b" + r",?\s+".join(reversed(words)) + r"\b" if len(words) == 2 else None,
        re.escape(contact.email) if contact.email else None,
        _phone_pattern(contact.phone) if contact.phone else None,
        re.escape(contact.address) if contact.address and len(contact.address) >= 8 else None,
    ]
    weak = [r"\b" + w + r"\b" for w in words]
    return Identifiers(contact.id, _alternation(strong), _alternation(weak))


def _scrub(value: Any, ids: Identifiers, *, about: bool) -> Any:
    """Redact identifiers in every string of a JSON value; keys and numbers stay."""
    if isinstance(value, str):
        return ids.redact(value, about=about)
    if isinstance(value, list):
        return [_scrub(v, ids, about=about) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, ids, about=about) for k, v in value.items()}
    return value


def _ids_only(value: Any) -> Any:
    """Keep a JSON value's shape, ids and flags; drop all text."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, list):
        return [_ids_only(v) for v in value]
    if isinstance(value, dict):
        return {k: _ids_only(v) for k, v in value.items()}
    return value


def _mentions_contact(value: Any, contact_id: int) -> bool:
    """A JSON value naming the contact by id: `contact_id`, a contact record, its context."""
    if isinstance(value, list):
        return any(_mentions_contact(v, contact_id) for v in value)
    if not isinstance(value, dict):
        return False
    if any(value.get(k) == contact_id for k in CONTACT_ARGS):
        return True
    if value.get("type") in ("contact", "contacts") and value.get("id") == contact_id:
        return True
    return any(_mentions_contact(v, contact_id) for v in value.values())


@dataclass
class ErasureReport:
    """Counts only: what was redacted or removed, by kind."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        if n:
            self.counts[kind] = self.counts.get(kind, 0) + n


async def _owned_targets(session: AsyncSession, contact_id: int) -> set[str]:
    keys = {f"contacts:{contact_id}"}
    for table, model in OWNED.items():
        rows = await session.exec(select(model.id).where(model.contact_id == contact_id))
        keys.update(f"{table}:{record_id}" for record_id in rows.all())
    return keys


def _approval_about(row: Approval, ids: Identifiers) -> bool:
    if set(row.target) & ids.targets or _mentions_contact(row.args, ids.contact_id):
        return True
    texts = [row.detail, row.snapshot, row.reason, json.dumps(row.args), json.dumps(row.result)]
    return any(ids.mentions(t) for t in texts if t)


def _snapshot_ids(snapshot: str | None) -> str | None:
    if not snapshot:
        return snapshot
    return json.dumps([
        {"table": item["table"], "id": item["id"], "record": {"id": item["id"]}}
        for item in json.loads(snapshot)
    ])  # fmt: skip


async def _approvals(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    for row in (await session.exec(select(Approval))).all():
        if not _approval_about(row, ids):
            continue
        row.snapshot = _snapshot_ids(row.snapshot)
        row.detail = None
        row.args = _ids_only(row.args)
        row.result = None if row.result is None else _ids_only(row.result)
        row.reason = None if row.reason is None else ids.redact(row.reason, about=True)
        row.summary = ids.redact(row.summary, about=True)
        session.add(row)
        report.add("approvals")


# Argument and result keys that name a record a contact owns, by table.
RECORD_KEYS = {
    "note_id": "notes", "task_id": "tasks", "appointment_id": "appointments",
    "draft_id": "email_drafts",
}  # fmt: skip


def _mentions_owned(value: Any, targets: set[str]) -> bool:
    """A JSON value naming one of the contact's own records (a note's action, say)."""
    if isinstance(value, list):
        return any(_mentions_owned(v, targets) for v in value)
    if not isinstance(value, dict):
        return False
    for key, table in RECORD_KEYS.items():
        if isinstance(value.get(key), int) and f"{table}:{value[key]}" in targets:
            return True
    return any(_mentions_owned(v, targets) for v in value.values())


def _absorbed(rows: list[Action], contact_id: int) -> list[Identifiers]:
    """Contacts merged into this one (and into those, ...): their copies go with it."""
    found: list[Identifiers] = []
    wanted, seen = [contact_id], {contact_id}
    while wanted:
        into = wanted.pop()
        for row in rows:
            dup_id = row.args.get("duplicate_id")
            if row.procedure != "contacts.merge" or row.args.get("contact_id") != into:
                continue
            if not isinstance(dup_id, int) or dup_id in seen:
                continue
            seen.add(dup_id)
            wanted.append(dup_id)
            kept = (row.undo or {}).get("kept") or {}
            record = kept.get("duplicate") if isinstance(kept, dict) else None
            dup = Contact(id=dup_id, first_name="", last_name="")
            if isinstance(record, dict):
                dup = Contact.model_validate(record)
            found.append(identifiers_of(dup))
    return found


def _action_about(row: Action, people: list[Identifiers], targets: set[str]) -> bool:
    if set(row.target) & targets:  # a waiting call bound to the contact's records
        return True
    values = [v for v in (row.args, row.result, row.impact, row.undo) if v]
    if any(_mentions_owned(v, targets) for v in values):
        return True
    texts = [t for t in (row.reason, *(json.dumps(v) for v in values)) if t]
    return any(
        any(_mentions_contact(v, who.contact_id) for v in values)
        or any(who.mentions(t) for t in texts)
        for who in people
    )


async def _actions(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    """The actions ledger: what undo keeps goes (a merge's copy of the record it removed
    too), the rest keeps its ids only."""
    rows = list((await session.exec(select(Action))).all())
    people = [ids, *_absorbed(rows, ids.contact_id)]
    for row in rows:
        if not _action_about(row, people, ids.targets):
            continue
        if row.undo is not None:
            row.undo = {"purged": PURGED_ERASED}
        row.args = _ids_only(row.args)
        row.result = None if row.result is None else _ids_only(row.result)
        row.impact = None if row.impact is None else _ids_only(row.impact)
        row.reason = None if row.reason is None else ids.redact(row.reason, about=True)
        session.add(row)
        report.add("actions")


async def _events(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    for row in (await session.exec(select(Event))).all():
        if _mentions_contact(row.data, ids.contact_id) or ids.mentions(json.dumps(row.data)):
            await session.delete(row)
            report.add("events")


async def _conversations(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    about: set[int] = set()
    messages = list((await session.exec(select(Message).order_by(col(Message.id)))).all())
    for m in messages:
        if _mentions_contact(m.meta, ids.contact_id) or ids.mentions(m.content):
            about.add(m.conversation_id)
    for m in messages:
        is_about = m.conversation_id in about
        content, meta = ids.redact(m.content, about=is_about), _scrub(m.meta, ids, about=is_about)
        if content != m.content or meta != m.meta:
            m.content, m.meta = content, meta
            session.add(m)
            report.add("messages")
    for conv in (await session.exec(select(Conversation))).all():
        title = ids.redact(conv.title, about=conv.id in about)
        if title != conv.title:
            conv.title = title
            session.add(conv)
            report.add("conversations")


async def _jobs(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    for job in (await session.exec(select(Job))).all():
        about = _mentions_contact(job.params, ids.contact_id)
        params, result = _scrub(job.params, ids, about=about), _scrub(job.result, ids, about=about)
        error = None if job.error is None else ids.redact(job.error, about=about)
        if (params, result, error) != (job.params, job.result, job.error):
            job.params, job.result, job.error = params, result, error
            session.add(job)
            report.add("jobs")


async def _others(session: AsyncSession, ids: Identifiers, report: ErasureReport) -> None:
    """Text in records of other contacts: task titles, enrichment facts (duplicates)."""
    for task in (await session.exec(select(Task))).all():
        title = ids.redact(task.title)
        if title != task.title:
            task.title = title
            session.add(task)
            report.add("tasks")
    others = select(Contact).where(col(Contact.id) != ids.contact_id)
    for contact in (await session.exec(others)).all():
        about = _mentions_contact(contact.enrichment, ids.contact_id)
        enrichment = _scrub(contact.enrichment, ids, about=about)
        if enrichment != contact.enrichment:
            contact.enrichment = enrichment
            session.add(contact)
            report.add("contacts")


async def erase_copies(session: AsyncSession, contact: Contact) -> ErasureReport:
    """Redact every copy of `contact`'s personal data outside its own records; run in the
    deleting transaction, before its records go (their ids find the approvals about them)."""
    ids = identifiers_of(contact)
    ids.targets = await _owned_targets(session, ids.contact_id)
    report = ErasureReport()
    for step in (_approvals, _actions, _events, _conversations, _jobs, _others):
        await step(session, ids, report)
    await session.flush()
    return report
