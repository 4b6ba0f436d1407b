"""`assistant demo seed` writes through the executor: the audit trail of a demo run accounts
for every row it wrote, each audit row names its principal's kind, and the chain verifies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel, col, select

from assistant.audit import chain
from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Appointment, AuditEvent, Contact, ContactTag, Note, Task, User
from assistant.demo import seed_demo
from assistant.privacy.keys import create_key_file, load_keyring
from assistant.settings import Settings

# The table a demo write lands in -> the procedure that writes it and the audit id naming it.
WRITES: tuple[tuple[type[SQLModel], str, str], ...] = (
    (User, "users.create", "user_id"),
    (Contact, "contacts.create", "contact_id"),
    (Note, "notes.add", "note_id"),
    (Appointment, "appointments.book", "appointment_id"),
    (Task, "tasks.create", "task_id"),
)


async def _rows(url: str, keys: Path) -> tuple[list[AuditEvent], dict[str, set[int]], Any]:
    engine = create_engine(url, keyring=load_keyring(keys))
    try:
        async with session_factory(engine)() as session:
            audit = list(
                (await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq)))).all()
            )
            ids: dict[str, set[int]] = {}
            for model, _, _ in WRITES:
                rows = (await session.exec(select(model))).all()
                ids[model.__name__] = {int(getattr(r, "id")) for r in rows}  # noqa: B009
            tagged = {t.contact_id for t in (await session.exec(select(ContactTag))).all()}
            ids["tagged"] = tagged
            report = await chain.verify(session)
        return audit, ids, report
    finally:
        await engine.dispose()


def test_every_demo_write_is_audited_with_its_principal(empty_db_url: str, tmp_path: Path) -> None:
    migrate.upgrade(empty_db_url)
    keys = tmp_path / "keys.json"
    create_key_file(keys)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        key_file=keys,
        database={"url": empty_db_url},
        redis={"url": None},  # as `make run` seeds: before any Redis is started
    )
    report = asyncio.run(seed_demo(settings, datetime.now(UTC)))
    assert report.created and len(report.passwords) == 5

    audit, ids, verified = asyncio.run(_rows(empty_db_url, keys))
    assert verified.ok, verified
    assert audit and all(a.principal_kind in ("user", "system") for a in audit)
    assert all(a.outcome == "ok" for a in audit)
    assert {(a.procedure, a.principal_kind, a.principal_name, a.actor_role) for a in audit} == {
        ("users.create", "system", "cli", None),
        ("contacts.create", "user", None, "front_desk"),
        ("appointments.book", "user", None, "front_desk"),
        ("tasks.create", "user", None, "front_desk"),
        ("notes.add", "user", None, "practitioner"),
    }
    for model, procedure, key in WRITES:
        audited = [a.record_ids[key] for a in audit if a.procedure == procedure]
        assert sorted(audited) == sorted(ids[model.__name__]), model.__name__
    assert len(audit) == sum(len(ids[m.__name__]) for m, _, _ in WRITES)
    assert ids["tagged"] and ids["tagged"] <= ids["Contact"]  # tags came with contacts.create
    assert (len(ids["Contact"]), len(ids["Note"])) == (report.contacts, report.notes)
    assert (len(ids["Task"]), len(ids["Appointment"])) == (report.tasks, report.appointments)

    again = asyncio.run(seed_demo(settings, datetime.now(UTC)))
    assert not again.created
    assert len(asyncio.run(_rows(empty_db_url, keys))[0]) == len(audit)
