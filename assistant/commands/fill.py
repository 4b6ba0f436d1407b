"""Mentions -> the procedure's arguments: one resolver per slot kind, in a registry.

`fill` walks a procedure's command slots in order; each resolver writes `args` (mentions as written,
literal values, dates as ISO 8601) and `resolved` (the procedure's input, ids included) or
returns an `Ask`: a question for a missing value, or numbered candidates for an ambiguity.
Without a database, references stay unresolved (`offline`) instead of failing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.commands import dates
from assistant.commands.records import LATEST_WORDS, RecordQuery, find_records
from assistant.commands.resolve import ContactDirectory, is_pronoun
from assistant.commands.result import Candidate
from assistant.procedures.command import Slot, choices
from assistant.procedures.context import Principal
from assistant.procedures.registry import Procedure

log = logging.getLogger(__name__)
MAX_CANDIDATES = 8


@dataclass(frozen=True, slots=True)
class Ask:
    slot: str | None
    question: str
    kind: Literal["choose", "value"] = "value"
    candidates: tuple[Candidate, ...] = ()


@dataclass
class Env:
    """What resolution needs besides the mentions: who asks, when, where, the DB."""

    principal: Principal
    now: datetime
    text: str
    session: AsyncSession | None
    page_contact: int | None = None
    chosen: dict[str, int] = field(default_factory=dict)
    linked: int | None = None
    """The one known contact the text names (assistant/nlu/contacts.py `linked`)."""
    _directory: ContactDirectory | None = None

    @property
    def tz(self) -> str:
        return self.principal.timezone or "UTC"

    async def contacts(self) -> ContactDirectory | None:
        if self.session is None:
            return None
        if self._directory is None:
            self._directory = await ContactDirectory.load(self.session)
        return self._directory


@dataclass
class State:
    env: Env
    proc: Procedure
    mentions: dict[str, Any]
    args: dict[str, Any] = field(default_factory=dict)
    resolved: dict[str, Any] = field(default_factory=dict)
    offline: bool = False


Resolver = Callable[[Slot, Any, State], Awaitable[Ask | None]]


def _put(slot: Slot, st: State, value: Any, *, arg: Any = None) -> None:
    """A literal value: args and resolved both hold it under the procedure's argument name."""
    for target in slot.target:
        st.resolved[target] = value
        st.args[target] = value if arg is None else arg


def _unreadable(slot: Slot, raw: Any, what: str = "the date") -> Ask:
    follow = slot.question or "What should it be?"
    return Ask(slot.name, f"I couldn't read {what} “{raw}”. {follow}")


async def _contact(slot: Slot, raw: Any, st: State) -> Ask | None:
    target = slot.target[0]
    directory = await st.env.contacts()
    chosen = st.env.chosen.get(slot.name)
    mention = str(raw).strip() if raw else None
    if mention:
        st.args[slot.name] = mention
    if chosen is None and (mention is None or is_pronoun(mention)):
        fallback = st.env.linked if mention is None else None
        chosen = (fallback or st.env.page_contact) if slot.required else None
        if chosen is None:
            return Ask(slot.name, slot.question) if slot.required else None
    if chosen is not None:
        if directory is not None and directory.get(chosen) is None:
            return Ask(slot.name, f"That contact no longer exists. {slot.question}")
        st.resolved[target] = chosen
        return None
    assert mention is not None
    if directory is None:
        st.offline = True
        return None
    match = directory.resolve(mention)
    log.debug("contact mention %r matched %d contact(s)", mention, len(match.rows))
    if match.one is not None:
        st.resolved[target] = match.one.id
        return None
    if not match.rows:
        follow = slot.question or "Who do you mean?"
        return Ask(slot.name, f"I couldn't find a contact called “{mention}”. {follow}")
    labels = directory.labels(match.rows[:MAX_CANDIDATES])
    options = tuple(Candidate(id=r.id, label=lb) for r, lb in zip(match.rows, labels, strict=False))
    listed = " ".join(f"{i}. {c.label}" for i, c in enumerate(options, 1))
    return Ask(slot.name, f"Which {mention}? {listed}", "choose", options)


async def _text(slot: Slot, raw: Any, st: State) -> Ask | None:
    value = str(raw).strip().strip("\"'“”").strip()
    if not value:
        return Ask(slot.name, slot.question) if slot.required else None
    _put(slot, st, value)
    return None


def _when(slot: Slot, raw: Any, st: State) -> dates.When | Ask:
    when = dates.parse_when(str(raw), st.env.now, st.env.tz)
    if when is None or (when.day is None and when.at is None):
        return _unreadable(slot, raw)
    return when


async def _datetime(slot: Slot, raw: Any, st: State) -> Ask | None:
    when = _when(slot, raw, st)
    if isinstance(when, Ask):
        return when
    local_now = st.env.now.astimezone(dates.zone(st.env.tz))
    day = when.day
    if day is None:  # only a time: today if still ahead, else tomorrow
        assert when.at is not None
        day = local_now.date() + timedelta(days=int(when.at <= local_now.time()))
    at = when.at
    if at is None:
        if slot.option == "needs_time":
            return Ask(slot.name, f"At what time on {day:%A %d %B}?")
        at = dates.DEFAULT_TASK_TIME
    _put(slot, st, dates.local_datetime(day, at, st.env.tz).isoformat())
    return None


def _span(slot: Slot, raw: Any, st: State) -> tuple[datetime, datetime] | Ask:
    when = _when(slot, raw, st)
    if isinstance(when, Ask):
        return when
    local_today = st.env.now.astimezone(dates.zone(st.env.tz)).date()
    return dates.span_range(dates.When(when.day or local_today, None, when.span), st.env.tz)


async def _range(slot: Slot, raw: Any, st: State) -> Ask | None:
    span = _span(slot, raw, st)
    if isinstance(span, Ask):
        return span
    for target, value in zip(slot.target, span, strict=True):
        st.resolved[target] = st.args[target] = value.isoformat()
    return None


async def _before(slot: Slot, raw: Any, st: State) -> Ask | None:
    span = _span(slot, raw, st)
    if isinstance(span, Ask):
        return span
    _put(slot, st, span[1].isoformat())
    return None


async def _day(slot: Slot, raw: Any, st: State) -> Ask | None:
    when = _when(slot, raw, st)
    if isinstance(when, Ask):
        return when
    if when.day is not None:
        st.args[slot.name] = when.day.isoformat()
    return None


async def _birthdate(slot: Slot, raw: Any, st: State) -> Ask | None:
    when = dates.parse_when(str(raw), st.env.now, st.env.tz, past=True)
    if when is None or when.day is None:
        return _unreadable(slot, raw)
    _put(slot, st, when.day.isoformat())
    return None


async def _duration(slot: Slot, raw: Any, st: State) -> Ask | None:
    minutes = raw if isinstance(raw, int) else dates.parse_duration(str(raw))
    if minutes is None:
        return _unreadable(slot, raw, "the length")
    _put(slot, st, minutes)
    return None


async def _tag(slot: Slot, raw: Any, st: State) -> Ask | None:
    from assistant.crm.common import normalise_tag

    try:
        _put(slot, st, normalise_tag(str(raw).strip("\"'")))
    except ValueError as exc:
        return Ask(slot.name, f"“{raw}” can't be a tag: {exc}. Which tag?")
    return None


async def _tags(slot: Slot, raw: Any, st: State) -> Ask | None:
    parts = raw if isinstance(raw, list) else re.split(r"\s*(?:,|\band\b)\s*", str(raw))
    _put(slot, st, [str(p).strip() for p in parts if str(p).strip()])
    return None


async def _choice(slot: Slot, raw: Any, st: State) -> Ask | None:
    """One of the values the argument's type allows: as said, by a synonym, or the default."""
    said = f"{raw or ''} {st.env.text}".lower()
    value = next((v for pattern, v in slot.synonyms if re.search(pattern, said)), slot.option)
    if raw in choices(st.proc.input, slot.target[0]):
        value = str(raw)
    _put(slot, st, value)
    return None


async def _name(slot: Slot, raw: Any, st: State) -> Ask | None:
    first, _, last = str(raw).strip().partition(" ")
    st.args[slot.name] = str(raw).strip()
    st.resolved["first_name"], st.resolved["last_name"] = first, last.strip()
    return None


async def _flag(slot: Slot, raw: Any, st: State) -> Ask | None:
    on = bool(raw) if raw is not None else bool(re.search(slot.option, st.env.text, re.I))
    if on:
        _put(slot, st, True)
    return None


async def _status(slot: Slot, raw: Any, st: State) -> Ask | None:
    text = st.env.text.lower()
    status = raw if raw in ("open", "done", "all") else None
    if status is None and re.search(r"\b(done|completed|finished|closed)\b", text):
        status = "done"
    elif status is None and re.search(r"\b(all|every|any)\b", text):
        status = "all"
    if status:
        _put(slot, st, status)
    return None


async def _record(slot: Slot, raw: Any, st: State) -> Ask | None:
    target = slot.target[0]
    if raw:
        st.args[slot.name] = str(raw)
    if slot.name in st.env.chosen:
        st.resolved[target] = st.env.chosen[slot.name]
        return None
    if st.env.session is None or st.offline:
        st.offline = True
        return None
    tz = dates.zone(st.env.tz)
    when_text = raw if slot.option == "appointment" else st.mentions.get("date")
    start = end = None
    at: time | None = None
    if when_text:
        when = dates.parse_when(str(when_text), st.env.now, st.env.tz)
        if when is not None and when.day is not None:
            start, end = dates.span_range(when, st.env.tz)
        at = when.at if when is not None else None
    words = None if slot.option == "appointment" else (str(raw) if raw else None)
    if words is None and any(re.search(rf"\b{w}\b", st.env.text, re.I) for w in LATEST_WORDS):
        words = "last"
    query = RecordQuery(slot.option, st.resolved.get("contact_id"), start, end, at, words)
    found = await find_records(st.env.session, query, tz, st.env.now)
    if len(found) == 1:
        st.resolved[target] = found[0][0]
        return None
    what = slot.option.replace("draft", "draft e-mail")
    if not found:
        described = f" matching “{raw}”" if raw else ""
        return Ask(slot.name, f"I couldn't find a {what}{described}. {slot.question}")
    options = tuple(Candidate(id=i, label=label) for i, label in found[:MAX_CANDIDATES])
    listed = " ".join(f"{n}. {c.label}" for n, c in enumerate(options, 1))
    return Ask(slot.name, f"Which {what}? {listed}", "choose", options)


KINDS: dict[str, Resolver] = {
    "contact": _contact,
    "text": _text,
    "email": _text,
    "phone": _text,
    "when": _datetime,
    "range": _range,
    "before": _before,
    "day": _day,
    "birthdate": _birthdate,
    "duration": _duration,
    "tag": _tag,
    "tags": _tags,
    "choice": _choice,
    "name": _name,
    "flag": _flag,
    "status": _status,
    "record": _record,
}
RUN_WITHOUT_MENTION = frozenset({"contact", "record", "flag", "status", "choice"})
"""Kinds that decide something even when nothing was said (page contact, "my", defaults)."""


async def _link_task(st: State) -> None:
    """A task is the caller's ("remind me"); its client may be named inside the title: the
    one known contact the message names, else a full or unique first name in the title."""
    caller = st.env.principal.user_id
    if caller >= 1:
        st.resolved["assignee_id"] = caller
    if "contact_id" in st.resolved:
        return
    directory = await st.env.contacts()
    if directory is None:
        return
    if st.env.linked is not None and directory.get(st.env.linked) is not None:
        st.resolved["contact_id"] = st.env.linked
        return
    title = st.resolved.get("title")
    row = directory.named_in(title) if title else None
    if row is not None:
        st.resolved["contact_id"] = row.id


FINISHERS: dict[str, Callable[[State], Awaitable[None]]] = {"task": _link_task}


@dataclass(frozen=True, slots=True)
class Filled:
    args: dict[str, Any]
    resolved: dict[str, Any]
    offline: bool
    ask: Ask | None


async def fill(proc: Procedure, mentions: dict[str, Any], env: Env) -> Filled:
    spec = proc.command
    assert spec is not None, f"{proc.name} declares no command"
    st = State(env, proc, dict(mentions))
    for slot in spec.slots:
        raw = st.mentions.get(slot.name)
        if raw in (None, "", []) and slot.kind not in RUN_WITHOUT_MENTION:
            if slot.required:
                return Filled(st.args, st.resolved, st.offline, Ask(slot.name, slot.question))
            continue
        ask = await KINDS[slot.kind](slot, raw, st)
        if ask is not None:
            return Filled(st.args, st.resolved, st.offline, ask)
    st.resolved = {**spec.defaults, **st.resolved}
    if spec.finish:
        await FINISHERS[spec.finish](st)
    return Filled(st.args, st.resolved, st.offline, None)
