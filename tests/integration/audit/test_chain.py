"""The audit chain: written by every call, verified by the CLI, broken by tampering (the
owner's page then says which event and what is wrong, in words), safe when several processes
append at once."""

from __future__ import annotations

import asyncio
import html
import os
import re
import subprocess
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import col, select

from assistant.audit import chain
from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import AuditEvent
from assistant.db.types import utcnow
from assistant.runtime import Runtime
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member, make_member
from tests.plugins.records import Records


def _cli(db_url: str, *args: str, key_file: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATABASE_URL"] = db_url
    env["ASSISTANT_KEY_FILE"] = str(key_file)  # every DB command of the CLI loads the key
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


async def _append(db_url: str, n: int) -> None:
    engine = create_engine(db_url)
    try:
        for i in range(n):
            async with session_factory(engine)() as session, session.begin():
                await chain.append(
                    session,
                    chain.Actor(kind="user", user_id=1, role="owner"),
                    source="http",
                    procedure="contacts.get",
                    record_ids={"contact_id": i},
                    outcome="ok",
                    now=utcnow(),
                )
    finally:
        await engine.dispose()


async def test_calls_are_audited_without_clinical_text(
    client: AsyncTestClient,
    staff: dict[str, Member],
    runtime: Runtime,  # type: ignore[type-arg]
) -> None:
    records = Records(client, staff["practitioner"])
    contact = await records.contact()
    secret = "patient disclosed a confidential diagnosis"
    note = await records.note(contact["id"], secret)
    denied = await client.post(
        "/api/rpc/notes.list", json={"contact_id": contact["id"]}, headers=staff["viewer"].headers
    )
    assert denied.status_code == 403
    async with runtime.sessions() as session:
        rows = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq)))).all()
    mine = [r for r in rows if r.actor_id == staff["practitioner"].user_id]
    added = next(
        r for r in mine if r.procedure == "notes.add" and r.record_ids.get("note_id") == note["id"]
    )
    assert added.record_ids == {"contact_id": contact["id"], "note_id": note["id"]}
    assert added.outcome == "ok" and added.source == "http" and added.actor_role == "practitioner"
    refused = [r for r in rows if r.actor_id == staff["viewer"].user_id and r.outcome == "denied"]
    assert any(r.procedure == "notes.list" for r in refused)
    assert not any(secret in str(r.model_dump()) for r in rows)


def test_verify_passes_then_names_the_tampered_event(empty_db_url: str, key_file: Path) -> None:
    migrate.upgrade(empty_db_url)
    asyncio.run(_append(empty_db_url, 5))
    ok = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert ok.returncode == 0 and "intact: 5 events" in ok.stdout

    async def tamper(sql: str) -> None:
        engine = create_engine(empty_db_url)
        async with engine.begin() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(tamper("UPDATE audit_events SET outcome = 'denied' WHERE seq = 3"))
    broken = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert broken.returncode == 1
    assert "broken at event 3" in broken.stderr and "do not match its hash" in broken.stderr
    assert "Traceback" not in broken.stderr

    asyncio.run(tamper("UPDATE audit_events SET outcome = 'ok' WHERE seq = 3"))
    assert _cli(empty_db_url, "audit", "verify", key_file=key_file).returncode == 0
    asyncio.run(tamper("DELETE FROM audit_events WHERE seq = 2"))
    gone = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert gone.returncode == 1 and "broken at event 2" in gone.stderr


def test_two_processes_appending_at_once_keep_the_chain(
    empty_db_url: str, tmp_path: Path, key_file: Path
) -> None:
    migrate.upgrade(empty_db_url)
    script = tmp_path / "writer.py"
    script.write_text(
        textwrap.dedent("""
        import asyncio, sys
        from tests.integration.audit.test_chain import _append
        asyncio.run(_append(sys.argv[1], 40))
    """)
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), empty_db_url], env=env, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    result = _cli(empty_db_url, "audit", "verify", key_file=key_file)
    assert result.returncode == 0, result.stderr
    assert "intact: 80 events" in result.stdout


# --- the owner's audit page on a broken chain ----------------------------------------------

NO_DATE = "not a date"
TAMPERING = [
    (
        "UPDATE audit_events SET outcome = 'denied' WHERE seq = 3",
        "Event #3 has been changed since it was written: what it records no longer matches "
        "the seal (hash) it was written with.",
        "As it reads now, event #3 says: contacts.get by ",
    ),
    (
        "DELETE FROM audit_events WHERE seq = 3",
        "Event #3 has been deleted: the events either side of it no longer link up.",
        None,
    ),
    (
        "UPDATE audit_events SET prev_hash = hash WHERE seq = 3",
        "Event #3 no longer follows on from the event before it",
        "As it reads now, event #3 says: contacts.get",
    ),
    (
        "UPDATE audit_events SET hash_version = 99 WHERE seq = 3",
        "Event #3 has been rewritten: it claims a format this system never writes there.",
        "As it reads now, event #3 says",
    ),
]


@asynccontextmanager
async def _app(
    url: str, redis_url: str, key_file: Path, tmp_path: Path
) -> AsyncIterator[tuple[AsyncTestClient[Litestar], Member]]:
    """The app on a database of its own (tampering the shared one would break other tests),
    five events in its trail, checked intact once before the test tampers with it."""
    await asyncio.to_thread(migrate.upgrade, url)  # alembic runs a loop of its own
    settings = Settings(
        environment="test", data_dir=tmp_path, key_file=key_file, secret_key=uuid.uuid4().hex,
        database={"url": url}, redis={"url": redis_url},
        jobs={"queue": f"assistant:test-queue:{uuid.uuid4().hex[:8]}"},
    )  # fmt: skip
    owner = await make_member(settings, "owner")
    await _append(url, 5)
    async with AsyncTestClient(app=create_app(settings)) as client:
        intact = await client.get("/admin/audit", headers=owner.headers)
        assert intact.status_code == 200, intact.text[-1000:]
        assert "The audit trail is intact" in intact.text
        yield client, owner


async def _tamper(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def test_an_unreadable_event_is_named_and_the_page_still_opens(
    empty_db_url: str, redis_url: str, key_file: Path, tmp_path: Path
) -> None:
    """Only SQLite can hold a date that is no date (PostgreSQL refuses it on the way in)."""
    if not empty_db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL refuses to store a date that is no date")
    async with _app(empty_db_url, redis_url, key_file, tmp_path) as (client, owner):
        await _tamper(
            empty_db_url, "UPDATE audit_events SET created_at = 'not a date' WHERE seq = 3"
        )
        page = await client.get("/admin/audit", headers=owner.headers)
    assert page.status_code == 200, page.text[-1000:]
    alert = _alert(page.text)
    assert "Event #3 cannot be read: it holds a value this system never writes." in alert
    assert "The 2 events before it check out." in alert
    assert "one of them cannot be read" in page.text
    assert "Invalid isoformat" not in page.text and "ValueError" not in page.text


def _alert(page: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no alert on the audit page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


@pytest.mark.parametrize(("sql", "what", "reads"), TAMPERING)
async def test_a_broken_chain_is_named_in_words_on_the_audit_page(
    empty_db_url: str, redis_url: str, key_file: Path, tmp_path: Path,
    sql: str, what: str, reads: str | None,
) -> None:  # fmt: skip
    async with _app(empty_db_url, redis_url, key_file, tmp_path) as (client, owner):
        await _tamper(empty_db_url, sql)
        page = await client.get("/admin/audit", headers=owner.headers)
    assert page.status_code == 200, page.text[-1000:]
    alert = _alert(page.text)
    assert alert.startswith("The audit trail has been tampered with")
    assert what in alert
    if reads:
        assert reads in alert
    assert "The 2 events before it check out." in alert
    for raw in ("Traceback", "Error", "hash does not match", "do not match its hash"):
        assert raw not in alert
