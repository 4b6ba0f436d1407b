"""A clinic for the command parser's tests: its own migrated database per backend, seeded with
demo-like contacts, staff and records, and a fixed `now` (Saturday 8 March 2025, noon in New
York, the day before the US DST change).

Register with `pytest_plugins = ["tests.plugins.commands"]` (it pulls in tests.plugins.nlu).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import ManualClock
from assistant.db.models import Appointment, Contact, EmailDraft, Note, Role, Task, User
from assistant.nlu.model import NLUModel
from assistant.procedures.context import Principal

NOW = datetime(2025, 3, 8, 17, 0, tzinfo=UTC)
TZ = "America/New_York"
CONTACTS = (
    ("Jane", "Doe", "jane.doe@example.com", "+1 212 555 0101"),
    ("Sam", "Lee", "sam.lee@example.com", "212-555-0102"),
    ("Sam", "Patel", "sam.patel@example.com", None),
    ("Priya", "Nair", "priya@example.com", None),
    ("Tom", "Reed", None, "(415) 555 0100"),
    ("Maria", "Garcia", "maria.g@example.com", None),
    ("Ann", "Smith", None, None),
    ("Omar", "Haddad", "omar@example.com", None),
    ("John", "Smith", "john.smith@example.com", None),
    ("Jon", "Smith", "jon@example.com", None),
)


@dataclass
class Clinic:
    sessions: async_sessionmaker[AsyncSession]
    contacts: dict[str, int]
    users: dict[str, Principal]
    records: dict[str, int] = field(default_factory=dict)

    def clock(self) -> ManualClock:
        return ManualClock(NOW)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def commands_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of the parser tests' own: other suites' contacts would make names ambiguous."""
    from assistant.db import migrate
    from tests.plugins.services import new_database

    with new_database(request.param, tmp_path_factory.mktemp("commands-db")) as url:
        migrate.upgrade(url)
        yield url


def _local(days: int, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    day = NOW.astimezone(ZoneInfo(TZ)).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(TZ))


@pytest.fixture(scope="session")
async def clinic(commands_db_url: str) -> AsyncIterator[Clinic]:
    from assistant.db.engine import create_engine, session_factory
    from assistant.privacy.keys import Keyring

    engine = create_engine(commands_db_url, keyring=Keyring.generate())
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        rows = {}
        for first, last, email, phone in CONTACTS:
            digits = "".join(ch for ch in phone if ch.isdigit()) if phone else None
            row = Contact(first_name=first, last_name=last, email=email, phone=phone,
                          phone_digits=digits)  # fmt: skip
            session.add(row)
            rows[f"{first} {last}"] = row
        users = {}
        for role in (Role.practitioner, Role.front_desk, Role.viewer, Role.owner):
            user = User(email=f"{role}@clinic.example.com", role=role, password_hash="x",
                        timezone=TZ)  # fmt: skip
            session.add(user)
            users[str(role)] = user
        await session.flush()
        ids = {name: int(row.id or 0) for name, row in rows.items()}
        me = int(users["practitioner"].id or 0)
        records: dict[str, object] = {
            "jane_note_old": Note(contact_id=ids["Jane Doe"], body="knee brace fitted",
                                  created_at=NOW - timedelta(days=5)),
            "jane_note_new": Note(contact_id=ids["Jane Doe"], body="prefers morning sessions",
                                  created_at=NOW - timedelta(days=1)),
            "priya_task": Task(title="insurance call about the claim", contact_id=ids["Priya Nair"],
                               assignee_id=me, due_at=_local(2, 9)),
            "priya_task_2": Task(title="send intake forms", contact_id=ids["Priya Nair"],
                                 assignee_id=me, due_at=_local(3, 9)),
            "sam_tuesday": Appointment(contact_id=ids["Sam Lee"], practitioner_id=me,
                                       starts_at=_local(3, 15)),
            "sam_thursday": Appointment(contact_id=ids["Sam Lee"], practitioner_id=me,
                                        starts_at=_local(5, 10, 30)),
            "omar_draft": EmailDraft(contact_id=ids["Omar Haddad"], purpose="follow_up",
                                     subject="Following up on your visit", body="Dear Omar",
                                     status="ready"),
        }  # fmt: skip
        for row in records.values():
            session.add(row)
        await session.flush()
        clinic = Clinic(
            sessions,
            ids,
            {role: Principal(int(u.id or 0), u.email, u.role, TZ) for role, u in users.items()},
            {name: int(getattr(row, "id", 0) or 0) for name, row in records.items()},
        )
    yield clinic
    await engine.dispose()


@pytest.fixture(scope="session")
def nlu_model(nlu_model_dir: Path) -> NLUModel:
    return NLUModel(nlu_model_dir)
