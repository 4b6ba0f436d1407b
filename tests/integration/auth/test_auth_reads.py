"""Authentication only reads. Every request passes it, and on SQLite a read need not wait for
the one write lock: a signed-in request is answered while another connection (the worker, a
long write) holds it. A token's last use is still written, in a short write of its own."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar.testing import AsyncTestClient
from sqlalchemy import event, text
from sqlmodel import select

from assistant.auth.authenticate import Credential, authenticate, login
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import ApiToken
from assistant.db.point_reads import PointReader
from assistant.runtime import Runtime
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import make_member

PASSWORD = "correct horse battery"


@asynccontextmanager
async def writer_holding_locks(url: str) -> AsyncIterator[None]:
    """Another connection's open write transaction: on SQLite it holds the database's write
    lock (BEGIN IMMEDIATE); on PostgreSQL it holds the sessions' and tokens' rows FOR UPDATE,
    which a read passes by and a write of them waits for."""
    lock = "" if url.startswith("sqlite") else " FOR UPDATE"
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session, session.begin():
            connection = await session.connection()
            await connection.execute(text(f"SELECT id FROM web_sessions{lock}"))
            await connection.execute(text(f"SELECT id FROM api_tokens{lock}"))
            yield
    finally:
        await engine.dispose()


async def test_signed_in_requests_pass_while_a_writer_holds_the_lock(
    app_settings: Settings, runtime: Runtime
) -> None:
    member = await make_member(app_settings, "practitioner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        signed_in = await client.post("/login", json={"email": member.email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        # The token's first use is recorded (a write); its next use, a moment later, is not due.
        assert (await client.get("/api/me", headers=member.headers)).status_code == 200
        async with writer_holding_locks(app_settings.database_url), asyncio.timeout(5):
            # Before, each waited SQLite's busy timeout (10 s) for the write lock, then failed.
            by_cookie = await client.get("/api/me")
            by_token = await client.get("/api/me", headers=member.headers)
        assert by_cookie.status_code == 200 and by_cookie.json()["user_id"] == member.user_id
        assert by_token.status_code == 200 and by_token.json()["user_id"] == member.user_id
    async with runtime.readers() as session:
        [used] = (
            await session.exec(
                select(ApiToken.last_used_at).where(ApiToken.user_id == member.user_id)
            )
        ).all()
    assert used is not None


async def test_a_credential_and_its_user_are_read_in_one_query(
    app_settings: Settings, runtime: Runtime
) -> None:
    """Every request's first byte waits for authentication; on aiosqlite each statement costs
    several hops to the driver's thread."""
    member = await make_member(app_settings, "practitioner", PASSWORD)
    now = runtime.clock.now()
    async with runtime.sessions() as session:
        _, cookie, _ = await login(session, email=member.email, password=PASSWORD, now=now, hours=1)
    selects: list[str] = []

    def record(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(runtime.db.sync_engine, "before_cursor_execute", record)
    try:
        for credential in (Credential("token", member.token), Credential("session", cookie)):
            selects.clear()
            async with runtime.readers() as session:
                found = await authenticate(session, credential, now)
            assert found.principal.user_id == member.user_id
            assert len(selects) == 1, selects
    finally:
        event.remove(runtime.db.sync_engine, "before_cursor_execute", record)


async def test_sqlite_reads_a_credential_on_the_event_loop(app_settings: Settings) -> None:
    """On SQLite a request's credential is read by the point reader, with no trip to
    aiosqlite's thread before the first byte (db/point_reads.py); PostgreSQL has none."""
    member = await make_member(app_settings, "practitioner", PASSWORD)
    app = create_app(app_settings)
    async with AsyncTestClient(app=app) as client:
        runtime: Runtime = app.state.runtime
        if not app_settings.database_url.startswith("sqlite"):
            assert runtime.point_reads is None
            return
        assert runtime.point_reads is not None
        # The first use records the token's last use (a write, through the async engine).
        assert (await client.get("/api/me", headers=member.headers)).status_code == 200
        async_reads: list[str] = []
        point_reads: list[str] = []

        def into(seen: list[str]):  # type: ignore[no-untyped-def]
            def record(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
                if "api_tokens" in statement:
                    seen.append(statement)

            return record

        listeners = [(runtime.db.sync_engine, into(async_reads)),
                     (runtime.point_reads.engine, into(point_reads))]  # fmt: skip
        for engine, listener in listeners:
            event.listen(engine, "before_cursor_execute", listener)
        try:
            me = await client.get("/api/me", headers=member.headers)
        finally:
            for engine, listener in listeners:
                event.remove(engine, "before_cursor_execute", listener)
        assert me.status_code == 200 and me.json()["user_id"] == member.user_id
        assert async_reads == [] and len(point_reads) == 1


async def test_a_locked_sqlite_file_is_read_through_the_async_engine(
    app_settings: Settings, tmp_path: Path
) -> None:
    """While the point reader's file is locked the request still passes: authentication
    gives up on it within a few milliseconds and reads through a reader session, which
    waits as long as it must."""
    if not app_settings.database_url.startswith("sqlite"):
        return  # PostgreSQL has no point reader (the test above checks so)
    member = await make_member(app_settings, "practitioner", PASSWORD)
    locked = tmp_path / "locked.db"  # outside WAL, where an exclusive lock blocks readers
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("CREATE TABLE api_tokens (id INTEGER)")
    stand_in = PointReader.for_url(f"sqlite:///{locked}")
    assert stand_in is not None
    app = create_app(app_settings)
    try:
        async with AsyncTestClient(app=app) as client:
            runtime: Runtime = app.state.runtime
            own, runtime.point_reads = runtime.point_reads, stand_in
            holder.execute("BEGIN EXCLUSIVE")
            try:
                me = await client.get("/api/me", headers=member.headers)
            finally:
                runtime.point_reads = own
            assert me.status_code == 200 and me.json()["user_id"] == member.user_id
    finally:
        holder.close()
        stand_in.close()
