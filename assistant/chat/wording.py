"""What a finished call says, as a person would write it: one phrase per procedure.

"Booked Sam Lee for Tue 8 Dec, 3:00-3:45 pm", not "Book an appointment for a contact: done
(appointment at 2026-12-08T15:00:00-08:00)". The summary goes into `action.result` and the
dock's card, so it never quotes clinical text (note bodies, draft subjects and bodies); the
reply adds list items, and note text only for roles that may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select

from assistant.db.models import Contact
from assistant.procedures.context import Principal
from assistant.procedures.registry import Procedure
from assistant.runtime import Runtime
from assistant.when import Clock

LIST_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Said:
    """What a phrase may use: the call's output and arguments, names, the user's clock."""

    data: dict[str, Any]
    args: dict[str, Any]
    clock: Clock
    names: dict[int, str] = field(default_factory=dict)
    clinical: bool = False
    """The user may read clinical text (note bodies)."""

    def contact(self, contact_id: Any = None) -> str:
        cid = contact_id if contact_id is not None else self.data.get("contact_id")
        cid = cid if cid is not None else self.args.get("contact_id")
        if isinstance(cid, int) and cid in self.names:
            return self.names[cid]
        return "the contact"

    def moment(self, key: str, data: dict[str, Any] | None = None) -> datetime | None:
        value = (data if data is not None else self.data).get(key)
        if not isinstance(value, str):
            return None
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    @property
    def total(self) -> int:
        return int(self.data.get("total", 0))


Phrase = Callable[[Said], str]
Line = Callable[[dict[str, Any], Said], str]


@dataclass(frozen=True, slots=True)
class Wording:
    summary: Phrase
    line: Line | None = None
    """For a list: one item as a line of the reply."""
    details: Callable[[Said], list[str]] | None = None
    """For one record: what the reply lists of it ("Phone: ..."), never in the summary."""


WORDINGS: dict[str, Wording] = {}


def wording(
    name: str, line: Line | None = None, details: Callable[[Said], list[str]] | None = None
) -> Callable[[Phrase], Phrase]:
    def register(summary: Phrase) -> Phrase:
        if name in WORDINGS:
            raise ValueError(f"duplicate wording for {name}")
        WORDINGS[name] = Wording(summary, line, details)
        return summary

    return register


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _slot(item: dict[str, Any], said: Said) -> str:
    start, end = said.moment("starts_at", item), said.moment("ends_at", item)
    if start is None:
        return "an appointment"
    if end is None:
        return said.clock.when(start)
    return f"{said.clock.day(start)}, {said.clock.span(start, end)}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


# -- appointments ----------------------------------------------------------------------------


def _appointment_line(item: dict[str, Any], said: Said) -> str:
    cancelled = " (cancelled)" if item.get("status") == "cancelled" else ""
    return f"{_slot(item, said)}: {said.contact(item.get('contact_id'))}{cancelled}"


@wording("appointments.book")
def _book(said: Said) -> str:
    return f"Booked {said.contact()} for {_slot(said.data, said)}"


@wording("appointments.cancel")
def _cancel(said: Said) -> str:
    return f"Cancelled {_possessive(said.contact())} appointment on {_slot(said.data, said)}"


@wording("appointments.list", _appointment_line)
def _appointments(said: Said) -> str:
    if not said.total:
        return "No appointments then"
    return f"{_plural(said.total, 'appointment')}, soonest first"


# -- contacts --------------------------------------------------------------------------------


def _contact_line(item: dict[str, Any], said: Said) -> str:
    reach = item.get("email") or item.get("phone")
    return f"{item.get('full_name') or 'Unnamed'}" + (f" ({reach})" if reach else "")


def _name(said: Said) -> str:
    return str(said.data.get("full_name") or said.contact(said.data.get("id")))


@wording("contacts.create")
def _created(said: Said) -> str:
    return f"Added {_name(said)} as a new contact"


@wording("contacts.delete")
def _deleted(said: Said) -> str:
    return f"Deleted {said.contact(said.args.get('contact_id'))} and all their data"


@wording("contacts.enrich")
def _enrich(said: Said) -> str:
    return f"Looking up {_possessive(said.contact())} details in the background"


@wording("contacts.enrich_all")
def _enrich_all(said: Said) -> str:
    return "Enriching every contact in the background"


def _contact_details(said: Said) -> list[str]:
    """What staff ask a contact's record for: how to reach them, their birthday, their tags."""
    data = said.data
    born = data.get("date_of_birth")
    shown = [
        ("Phone", data.get("phone")),
        ("E-mail", data.get("email")),
        ("Born", said.clock.date(date.fromisoformat(born)) if isinstance(born, str) else None),
        ("Address", data.get("address")),
        ("Tags", ", ".join(data.get("tags") or ())),
    ]
    return [f"{label}: {value}" for label, value in shown if value]


@wording("contacts.get", details=_contact_details)
def _shown(said: Said) -> str:
    return f"Here is {_name(said)}"


@wording("contacts.merge")
def _merged(said: Said) -> str:
    return f"Merged the duplicate into {_name(said)}"


@wording("contacts.search", _contact_line)
def _found(said: Said) -> str:
    return f"Found {_plural(said.total, 'contact')}" if said.total else "No contacts match"


@wording("contacts.update")
def _updated(said: Said) -> str:
    return f"Updated {_possessive(_name(said))} details"


# -- e-mails ---------------------------------------------------------------------------------


def _purpose(said: Said) -> str:
    return str(said.data.get("purpose") or "").replace("_", "-") or "an"


@wording("emails.draft")
def _drafted(said: Said) -> str:
    kind = _purpose(said)
    article = "an" if kind[:1] in "aeiou" else "a"
    if said.data.get("status") == "ready":
        return f"Drafted {article} {kind} e-mail to {said.contact()}"
    return f"Drafting {article} {kind} e-mail to {said.contact()} in the background"


@wording("emails.send")
def _sent(said: Said) -> str:
    if said.data.get("status") == "sent":
        return f"Sent the e-mail to {said.contact()}"
    return f"Sending the e-mail to {said.contact()}"


@wording("emails.update")
def _draft_updated(said: Said) -> str:
    return f"Updated the draft to {said.contact()}"


# -- notes -----------------------------------------------------------------------------------


def _note_line(item: dict[str, Any], said: Said) -> str:
    at = said.moment("created_at", item)
    day = said.clock.day(at) if at else ""
    if not said.clinical:
        return f"{day}: a note"
    body = " ".join(str(item.get("body") or "").split())
    return f"{day}: {body if len(body) <= 80 else body[:77] + '...'}"


@wording("notes.add")
def _noted(said: Said) -> str:
    return f"Added a note to {_possessive(said.contact())} record"


@wording("notes.delete")
def _note_deleted(said: Said) -> str:
    return "Deleted the note"


@wording("notes.list", _note_line)
def _notes(said: Said) -> str:
    who = said.contact(said.args.get("contact_id"))
    if not said.total:
        return f"{who} has no notes yet"
    return f"{who} has {_plural(said.total, 'note')}, newest first"


# -- tags ------------------------------------------------------------------------------------


def _tag(said: Said) -> str:
    return str(said.args.get("tag") or "the tag")


@wording("tags.add")
def _tagged(said: Said) -> str:
    return f"Tagged {_name(said)} as {_tag(said)}"


@wording("tags.remove")
def _untagged(said: Said) -> str:
    return f"Removed the {_tag(said)} tag from {_name(said)}"


# -- tasks -----------------------------------------------------------------------------------


def _task_line(item: dict[str, Any], said: Said) -> str:
    due = said.moment("due_at", item)
    done = " (done)" if item.get("status") == "done" else ""
    return f"{item.get('title')}" + (f", due {said.clock.when(due)}" if due else "") + done


@wording("tasks.complete")
def _completed(said: Said) -> str:
    return f'Marked "{said.data.get("title")}" as done'


@wording("tasks.create")
def _task(said: Said) -> str:
    due = said.moment("due_at")
    return f'Added the task "{said.data.get("title")}"' + (
        f", due {said.clock.when(due)}" if due else ""
    )


@wording("tasks.list", _task_line)
def _tasks(said: Said) -> str:
    return f"{_plural(said.total, 'task')}" if said.total else "No tasks to show"


@wording("tasks.reopen")
def _reopened(said: Said) -> str:
    return f'Reopened the task "{said.data.get("title")}"'


@wording("tasks.delete")
def _task_deleted(said: Said) -> str:
    return f"Deleted task #{said.data.get('id')}"


# -- undo ------------------------------------------------------------------------------------


@wording("actions.undo")
def _undone(said: Said) -> str:
    done = [str(u.get("says")) for u in said.data.get("undone") or [] if isinstance(u, dict)]
    return "Undone: " + "; ".join(done) if done else "Nothing was undone"


# -- the turn's entry point ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Words:
    summary: str
    reply: str
    records: list[dict[str, Any]] = field(default_factory=list)
    """The call's record links, each with a `label` a person reads ("Jane Doe's note")."""


def _record_label(record: dict[str, Any], said: Said) -> str:
    """What a link to the record says: names and times, never clinical text or task titles
    (the labels are kept with the conversation's cards)."""
    kind, rid = record.get("type"), record.get("id")
    if kind == "contact" or kind == "tag":
        return said.names.get(rid, "the contact") if isinstance(rid, int) else "the contact"
    who = said.contact()
    mine = _possessive(who) if who != "the contact" else "the"
    if kind == "appointment":
        return f"{mine} appointment, {_slot(said.data, said)}"
    if kind in ("email", "draft"):
        return f"the draft to {who}"
    if kind == "approval":
        return f"approval request #{rid}"
    return f"{mine} {str(kind).replace('_', ' ')}"


def labelled(records: list[dict[str, Any]], said: Said) -> list[dict[str, Any]]:
    return [
        {**r, "label": _record_label(r, said)} if r.get("type") != "job" else dict(r)
        for r in records
    ]


def words(proc: Procedure, said: Said) -> Words:
    """The summary (for cards and events) and the reply (the summary and any list items)."""
    found = WORDINGS.get(proc.name)
    if found is None:  # a procedure added without a phrase still reads as a sentence
        return Words(f"{proc.summary}: done", f"{proc.summary}: done.")
    summary = found.summary(said)
    details = found.details(said) if found.details is not None else []
    if details:
        return Words(summary, summary + ":\n" + "\n".join(f"- {d}" for d in details))
    items = said.data.get("items")
    if found.line is None or not isinstance(items, list) or not items:
        return Words(summary, summary + ".")
    lines = [f"- {found.line(item, said)}" for item in items[:LIST_SHOWN]]
    more = said.total - len(lines)
    tail = [f"- and {more} more"] if more > 0 else []
    return Words(summary, summary + ":\n" + "\n".join([*lines, *tail]))


def _contact_ids(data: dict[str, Any], args: dict[str, Any]) -> set[int]:
    found = {v for v in (data.get("contact_id"), args.get("contact_id")) if isinstance(v, int)}
    for item in data.get("items") or ():
        if isinstance(item, dict) and isinstance(item.get("contact_id"), int):
            found.add(item["contact_id"])
    return found


async def _names(runtime: Runtime, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    async with runtime.readers() as session:
        rows = await session.exec(select(Contact).where(col(Contact.id).in_(wanted)))
        return {
            r.id: f"{r.first_name} {r.last_name}".strip() for r in rows.all() if r.id is not None
        }


async def describe(
    runtime: Runtime,
    principal: Principal,
    locale: str,
    proc: Procedure,
    output: BaseModel,
    args: dict[str, Any],
    records: list[dict[str, Any]] | None = None,
) -> Words:
    """`words` for a call that just ran, with the names of the contacts it touched, and its
    record links labelled for the dock's cards."""
    data = output.model_dump(mode="json")
    recs = records or []
    touched = {r["id"] for r in recs if r.get("type") == "contact" and isinstance(r["id"], int)}
    names = await _names(runtime, _contact_ids(data, args) | touched)
    clock = Clock.of(principal.timezone, locale)
    said = Said(data, args, clock, names, principal.reads_clinical_text)
    found = words(proc, said)
    return Words(found.summary, found.reply, labelled(recs, said))
