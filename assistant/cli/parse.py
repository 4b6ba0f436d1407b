"""`assistant parse "TEXT" [--json] [--now ISO] [--tz ZONE] [--user EMAIL]`: what the
co-pilot understood.

Mounted by assistant/cli/__init__.py as `app.command("parse")(parse.parse_command)`. With
TEXT `-`, one utterance per line is read from stdin and the pipeline is loaded once.
`resolved` carries ids only when the configured database is reachable and migrated; then the
text is parsed as a real staff member (`--user`, else the first active owner), with their
role, timezone and "me", as the co-pilot would parse it for them. Without a database nothing
resolves and no account is looked up: the text is parsed for the owner's role only (every
procedure), by `OFFLINE`, which names no user and can reach no record.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import typer

from assistant.cli._common import fail
from assistant.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

    from assistant.commands import ParseResult
    from assistant.nlu.model import NLUModel
    from assistant.procedures.context import Principal
    from inference.base import Engine


def parse_command(
    text: str = typer.Argument(..., help="What staff would type; `-` reads lines from stdin."),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    now: str | None = typer.Option(None, "--now", help="Pretend it is this ISO 8601 time."),
    tz: str | None = typer.Option(
        None, "--tz", help="The user's timezone (default: theirs, or UTC without a database)."
    ),
    user: str | None = typer.Option(
        None,
        "--user",
        help="Parse as this staff member (e-mail): their role, timezone and 'me'. "
        "Default: the first active owner. Needs the database.",
    ),
) -> None:
    """Show how a command is understood: intent, path, mentions and resolved arguments."""
    from assistant.commands.dates import BadTimezone, zone
    from assistant.errors import AppError
    from assistant.nlu.data import DataError
    from inference.base import InferenceError

    try:
        if tz is not None:
            zone(tz)
        if now is not None:
            _moment(now, tz or "UTC")  # a bad --now fails before anything loads
        lines: Iterable[str] = sys.stdin if text == "-" else [text]
        asyncio.run(_run(get_settings(), lines, json_output, now, tz, user))
    except BadTimezone as exc:
        fail(f"--tz: {exc}")
    except (AppError, DataError, InferenceError, OSError) as exc:
        fail(str(getattr(exc, "message", exc)))


def _moment(now: str | None, timezone: str) -> datetime | None:
    if now is None:
        return None
    from assistant.commands.dates import zone

    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        fail(f"--now: {now!r} is not an ISO 8601 date-time (e.g. 2025-03-08T12:00:00-05:00)")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone(timezone))


class _FixedClock:
    def __init__(self, moment: datetime | None) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment or datetime.now(UTC)


async def _run(
    settings: Settings,
    lines: Iterable[str],
    as_json: bool,
    now: str | None,
    tz: str | None,
    email: str | None,
) -> None:
    from assistant import compose
    from assistant.commands import CommandParser

    async with _engine(settings) as engine, _sessions(settings) as sessions:
        principal = await _principal(sessions, email)
        if tz is not None:
            principal = replace(principal, timezone=tz)
        moment = _moment(now, principal.timezone)
        nlu = _nlu(settings, engine is not None)
        parser = CommandParser(nlu, engine, compose.procedures(), sessions, _FixedClock(moment))
        for line in lines:
            if line.strip():
                _print(await parser.parse(line, principal), as_json)


def _offline() -> Principal:
    """Who a parse without a database is for: the owner's role (every procedure may be
    named), no account: with no database there is no record it could resolve or reach."""
    from assistant.db.models import Role
    from assistant.procedures.context import Principal

    return Principal(user_id=0, email="", role=Role.owner, timezone="UTC", kind="system")


async def _principal(
    sessions: async_sessionmaker[AsyncSession] | None, email: str | None
) -> Principal:
    """The staff member the text is parsed for: `--user`, else the first active owner."""
    from sqlmodel import col, select

    from assistant.auth.users import get_by_email
    from assistant.db.models import Role, User
    from assistant.procedures.context import Principal

    if sessions is None:
        if email is not None:
            fail("--user needs the database (run `assistant db upgrade`)")
        return _offline()
    async with sessions() as session:
        if email is not None:
            user = await get_by_email(session, email)
            if user is None or not user.is_active:
                fail(f"--user: no active user {email!r}")
            return Principal.of(user)
        first_owner = (
            select(User)
            .where(col(User.is_active).is_(True), col(User.role) == Role.owner)
            .order_by(col(User.id))
            .limit(1)
        )
        owner = (await session.exec(first_owner)).first()
    # A migrated database with no staff yet has nothing that could resolve either.
    return _offline() if owner is None else Principal.of(owner)


def _nlu(settings: Settings, have_engine: bool) -> NLUModel | None:
    path = settings.nlu_dir
    if not (path / "config.cfg").is_file():
        if have_engine:
            return None
        fail(f"no NLU model at {path}; run `assistant nlu build` first (or configure an engine)")
    from assistant.nlu.model import NLUModel

    return NLUModel(path)


@asynccontextmanager
async def _engine(settings: Settings) -> AsyncIterator[Engine | None]:
    from assistant.llm import build_engine

    engine = build_engine(settings) if settings.engine != "none" else None
    if engine is None:
        yield None
        return
    await engine.start()
    try:
        yield engine
    finally:
        await engine.close()


@asynccontextmanager
async def _sessions(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession] | None]:
    """A session factory when the database exists and is migrated; None otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import select

    from assistant.db.engine import create_engine, session_factory
    from assistant.db.models import Contact
    from assistant.privacy.keys import load_keyring

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and _exists(url.database)):
        yield None  # do not create an empty database file just to look into it
        return
    keys = settings.keys_path
    engine = create_engine(
        settings.database_url, keyring=load_keyring(keys) if keys.is_file() else None
    )
    try:
        factory: async_sessionmaker[AsyncSession] | None = session_factory(engine)
        try:
            async with session_factory(engine)() as session:
                await session.exec(select(Contact.id).limit(1))
        except (SQLAlchemyError, OSError):
            factory = None
        yield factory
    finally:
        await engine.dispose()


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def _print(result: ParseResult, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.contract(), ensure_ascii=False))
        return
    typer.echo(f"intent:    {result.intent} ({result.confidence:.2f}, {result.path})")
    typer.echo(f"args:      {json.dumps(result.args, ensure_ascii=False)}")
    resolved = "null" if result.resolved is None else json.dumps(result.resolved)
    typer.echo(f"resolved:  {resolved}")
    if result.missing:
        typer.echo(f"missing:   {', '.join(result.missing)}")
    if result.question:
        typer.echo(f"question:  {result.question}")
