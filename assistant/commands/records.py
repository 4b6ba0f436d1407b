"""Notes, tasks, appointments and drafts named through their contact, a day and some words.

"cancel Sam's Tuesday appointment", "mark the insurance call for Priya as done", "delete the
last note on Jane": each kind says which rows are candidates (open tasks, booked appointments,
editable drafts), when a row happened, and what text the words are matched against. One
matching row is the answer; several are a question listing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Appointment, EmailDraft, Note, Task

WORDS_MIN = 70.0
"""rapidfuzz partial score for words of a title or note to count as naming it."""
LATEST_WORDS = ("last", "latest", "newest", "most recent", "recent")


@dataclass(frozen=True, slots=True)
class RecordKind:
    model: type[SQLModel]
    when: str
    """The column that dates a row (created, due or start)."""
    text: Callable[[Any], str]
    label: Callable[[Any, ZoneInfo], str]
    open_only: Callable[[], Any] | None = None
    upcoming_first: bool = False


def _day(value: datetime | None, tz: ZoneInfo, with_time: bool = False) -> str:
    if value is None:
        return "no date"
    local = value.astimezone(tz)
    return local.strftime("%a %d %b %H:%M" if with_time else "%a %d %b")


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


RECORD_KINDS: dict[str, RecordKind] = {
    "note": RecordKind(
        Note,
        "created_at",
        text=lambda n: n.body,
        label=lambda n, tz: f"{_day(n.created_at, tz)}: {_short(n.body)}",
    ),
    "task": RecordKind(
        Task,
        "due_at",
        text=lambda t: t.title,
        label=lambda t, tz: f"{_short(t.title)} (due {_day(t.due_at, tz)})",
        open_only=lambda: col(Task.status) == "open",
    ),
    "appointment": RecordKind(
        Appointment,
        "starts_at",
        text=lambda a: a.kind,
        label=lambda a, tz: f"{_day(a.starts_at, tz, with_time=True)} ({a.kind})",
        open_only=lambda: col(Appointment.status) == "booked",
        upcoming_first=True,
    ),
    "draft": RecordKind(
        EmailDraft,
        "updated_at",
        text=lambda d: f"{d.purpose.replace('_', ' ')} {d.subject}",
        label=lambda d, tz: f"{d.purpose.replace('_', '-')} e-mail: {_short(d.subject)}",
        open_only=lambda: col(EmailDraft.status).in_(("pending", "ready", "failed")),
    ),
}


@dataclass(frozen=True, slots=True)
class RecordQuery:
    kind: str
    contact_id: int | None
    start: datetime | None = None
    end: datetime | None = None
    at: time | None = None
    words: str | None = None


async def find_records(
    session: AsyncSession, query: RecordQuery, tz: ZoneInfo, now: datetime
) -> list[tuple[int, str]]:
    """(id, label) of the rows the query names, best first; several means: ask."""
    kind = RECORD_KINDS[query.kind]
    model: Any = kind.model
    column = col(getattr(model, kind.when))
    stmt = select(model)
    if query.contact_id is not None:
        stmt = stmt.where(col(model.contact_id) == query.contact_id)
    if kind.open_only is not None:
        stmt = stmt.where(kind.open_only())
    if query.start is not None and query.end is not None:
        stmt = stmt.where(column >= query.start, column < query.end)
    rows = list((await session.exec(stmt.order_by(column.desc(), col(model.id).desc()))).all())
    if query.at is not None:
        rows = [r for r in rows if _local_time(getattr(r, kind.when), tz) == query.at]
    latest = False
    if query.words:
        words = query.words.lower()
        latest = any(w in words for w in LATEST_WORDS)
        rows = _by_words(rows, _strip_latest(words), kind) if _strip_latest(words) else rows
    if kind.upcoming_first and query.start is None:
        upcoming = [r for r in rows if getattr(r, kind.when) >= now]
        rows = sorted(upcoming, key=lambda r: getattr(r, kind.when)) or rows
    if latest and rows:
        rows = rows[:1]
    return [(int(r.id), kind.label(r, tz)) for r in rows]


def _local_time(value: datetime | None, tz: ZoneInfo) -> time | None:
    return value.astimezone(tz).time().replace(second=0, microsecond=0) if value else None


def _strip_latest(words: str) -> str:
    for word in (*LATEST_WORDS, "the", "one", "note", "task", "appointment", "draft", "email"):
        words = f" {words} ".replace(f" {word} ", " ").strip()
    return words


def _by_words(rows: list[Any], words: str, kind: RecordKind) -> list[Any]:
    from rapidfuzz import fuzz

    scored = [(fuzz.partial_ratio(words, kind.text(r).lower()), r) for r in rows]
    good = [(s, r) for s, r in scored if s >= WORDS_MIN]
    if not good:
        return []
    best = max(s for s, _ in good)
    return [r for s, r in good if s >= best - 5]
