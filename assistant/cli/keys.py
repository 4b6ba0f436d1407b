"""`assistant keys ...`: the encryption key file, rotation and re-encryption."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from assistant.audit import chain
from assistant.cli._common import run
from assistant.db import rotation
from assistant.db.engine import create_engine, session_factory
from assistant.db.types import utcnow
from assistant.privacy.keys import (
    RECHECK_SECONDS,
    Keyring,
    add_key,
    create_key_file,
    load_keyring,
)
from assistant.procedures.system import CLI
from assistant.settings import Settings, get_settings

app = typer.Typer(help="Encryption keys for clinical text at rest.", no_args_is_help=True)

BatchSize = typer.Option(500, "--batch-size", min=1, max=100_000, help="Rows per transaction.")


@asynccontextmanager
async def _engine(settings: Settings, keyring: Keyring) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url, keyring=keyring)
    try:
        yield engine
    finally:
        await engine.dispose()


def _progress(table: str, seen: int, rewritten: int) -> None:
    typer.echo(f"  {table}: {seen} rows checked, {rewritten} re-encrypted")


def _reencrypt(
    settings: Settings, keyring: Keyring, batch_size: int, action: str = "keys.reencrypt"
) -> None:
    async def go() -> rotation.ReencryptReport:
        async with _engine(settings, keyring) as engine:
            report = await rotation.reencrypt(
                engine, keyring, batch_size=batch_size, progress=_progress
            )
            async with session_factory(engine)() as session, session.begin():
                await chain.append(
                    session,
                    chain.Actor(kind="system", name=CLI.name),
                    source="cli",
                    procedure=action,
                    record_ids={"rows_rewritten": report.rewritten},
                    outcome="ok",
                    now=utcnow(),
                )
            return report

    report = run(go())
    typer.echo(
        f"re-encrypted {report.rewritten} of {report.checked} rows under key {keyring.primary_id}"
    )
    if report.changed_meanwhile:
        typer.echo(
            f"{report.changed_meanwhile} rows changed while running; "
            "run `assistant keys reencrypt` to finish them"
        )


@app.command("create")
def create() -> None:
    """Create the key file (mode 0600) if it is missing; an existing valid one is kept."""
    path = get_settings().keys_path
    if path.exists():
        load_keyring(path)  # a broken or world-readable file fails here, not at startup
        typer.echo(f"key file already exists: {path}")
        return
    key_id = create_key_file(path)
    typer.echo(f"created key file {path} (key {key_id}, mode 0600); back it up separately")


@app.command("status")
def status() -> None:
    """Show the key ids, the primary one, and how many stored values each encrypts."""
    settings = get_settings()
    keyring = load_keyring(settings.keys_path)

    async def go() -> dict[str, Counter[str]]:
        async with _engine(settings, keyring) as engine:
            return await rotation.count_by_key(engine)

    counts = run(go())
    total = rotation.totals(counts)
    typer.echo(f"key file: {settings.keys_path}")
    for key_id in sorted(keyring.keys):
        mark = " (primary)" if key_id == keyring.primary_id else ""
        typer.echo(f"  {key_id}{mark}: {total.get(key_id, 0)} values")
    for key_id in sorted(set(total) - set(keyring.keys)):
        typer.echo(f"  {key_id} (not in the key file!): {total[key_id]} values")
    for column, per_key in counts.items():
        detail = ", ".join(f"{k} {n}" for k, n in sorted(per_key.items())) or "empty"
        typer.echo(f"  {column}: {detail}")


@app.command("reencrypt")
def reencrypt(batch_size: int = BatchSize) -> None:
    """Encrypt every value not yet under the primary key (legacy plaintext included)."""
    settings = get_settings()
    _reencrypt(settings, load_keyring(settings.keys_path), batch_size)


@app.command("rotate")
def rotate(
    batch_size: int = BatchSize,
    retire_old: bool = typer.Option(
        False, "--retire-old", help="Then remove the old keys, once no value uses them."
    ),
    grace_seconds: float = typer.Option(
        2 * RECHECK_SECONDS + 5,
        "--grace-seconds",
        min=0,
        help="With --retire-old: how long running processes get to adopt the new key.",
    ),
    add_only: bool = typer.Option(
        False,
        "--add-only",
        help="Only add the new primary key (no database needed): for a key file handed to "
        "the processes as a secret; hand it out, then run `assistant keys reencrypt`.",
    ),
) -> None:
    """Add a new primary key and re-encrypt everything under it, in batches.

    Safe while the app runs: old keys stay in the file and decrypt until this finishes.
    """
    if add_only and retire_old:
        raise typer.BadParameter("--add-only and --retire-old do not go together")
    settings = get_settings()
    path = settings.keys_path
    load_keyring(path)  # refuse early on a missing or unsafe file
    key_id = add_key(path)
    added_at = time.monotonic()
    typer.echo(f"added key {key_id} as primary")
    if add_only:
        return
    keyring = load_keyring(path)
    _reencrypt(settings, keyring, batch_size, "keys.rotate")
    if not retire_old:
        return

    async def retire() -> list[str]:
        async with _engine(settings, keyring) as engine:
            return await rotation.retire_old_keys(
                engine,
                keyring,
                path,
                since=added_at,
                grace_seconds=grace_seconds,
                batch_size=batch_size,
            )

    removed = run(retire())
    typer.echo(f"retired {len(removed)} old keys: {', '.join(removed) or 'none'}")
