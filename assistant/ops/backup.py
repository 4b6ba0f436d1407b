"""`assistant backup create` and `assistant backup restore`: what they check and in which
order. The per-backend work (dump, stage, replace) is assistant/ops/stores.py's.

A restore replaces nothing until the backup has passed every check on a staged copy: its
schema revision is one this code knows (the copy is then migrated to the newest), and the
key file reads every encrypted value in it. Only then is the live database replaced, and the
restore appended to its audit trail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from assistant.audit import chain
from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.rotation import encrypted_tables
from assistant.ops.stores import BackupError, sniff, store_for
from assistant.privacy.crypto import Cell, DecryptionError, decrypt, is_encrypted
from assistant.privacy.keys import Keyring, KeyringError, load_keyring
from assistant.settings import Settings

BATCH = 1000


@dataclass(frozen=True)
class Created:
    backup: Path
    keys: Path | None


@dataclass
class Restored:
    revision: str
    migrated_to: str | None
    encrypted_values: int
    tables: list[str] = field(default_factory=list)


def default_out(settings: Settings, now: datetime, suffix: str) -> Path:
    folder = settings.backup.dir or settings.data_dir / "backups"
    return folder / f"assistant-{now.strftime('%Y%m%dT%H%M%S')}{suffix}"


def create(settings: Settings, now: datetime, out: Path | None, keys_out: Path | None) -> Created:
    """Back up the configured database (and, to a separate place, the key file)."""
    url = make_url(settings.database_url)
    store = store_for(url, settings.child_env())
    out = out or default_out(settings, now, store.suffix)
    if out.exists():
        raise BackupError(f"{out} exists; choose another --out")
    if keys_out is not None:
        if keys_out.resolve().parent == out.resolve().parent:
            raise BackupError(
                "--keys-out is in the same directory as the backup; keep the key file apart "
                "(whoever holds both can read every note)"
            )
        if keys_out.exists():
            raise BackupError(f"{keys_out} exists; choose another --keys-out")
        if not settings.keys_path.is_file():
            raise BackupError(f"no key file at {settings.keys_path}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        store.dump(url, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    out.chmod(0o600)  # clinical text, even if encrypted
    if keys_out is not None:
        keys_out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(settings.keys_path, keys_out)
        keys_out.chmod(0o600)
    return Created(out, keys_out)


def restore(settings: Settings, backup: Path, *, force: bool) -> Restored:
    """Check the backup on a staged copy, then replace the configured database with it."""
    import asyncio

    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    url = make_url(settings.database_url)
    store = store_for(url, settings.child_env())
    if sniff(backup) is not type(store):
        raise BackupError(
            f"{backup} is not a {url.get_backend_name()} backup made by `assistant backup create`"
        )
    if store.has_data(url) and not force:
        raise BackupError(
            "the database is not empty; restoring replaces everything in it: add --force"
        )
    keyring = load_keyring(settings.keys_path)
    with store.staged(url, backup) as staged:
        revision = asyncio.run(_revision(staged))
        migrated = _migrate(staged, revision)
        legacy = settings.encryption.accept_legacy
        values = asyncio.run(check_readable(staged, keyring, accept_plaintext=legacy))
        store.replace(url, backup, staged)
    if migrated is not None:
        migrate.upgrade(settings.database_url)
    asyncio.run(_record(settings.database_url, keyring, backup, revision))
    return Restored(revision, migrated, values, [t.name for t in encrypted_tables()])


async def _revision(url: str) -> str:
    engine = create_engine(url)
    try:
        revision = await migrate.current_revision(engine)
    finally:
        await engine.dispose()
    if revision is None:
        raise BackupError("the backup has no schema revision (alembic_version): not ours")
    return revision


def _migrate(staged: str, revision: str) -> str | None:
    """Refuse a revision this code does not know (a newer version's backup); bring an older
    one to the newest on the staged copy. The newest revision, or None if already there."""
    script = ScriptDirectory.from_config(migrate.alembic_config(staged))
    known = {rev.revision for rev in script.walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the backup's schema revision {revision} is unknown to this version "
            f"(newest here: {script.get_current_head()}); restore it with the version that made it"
        )
    head = script.get_current_head()
    if revision == head:
        return None
    migrate.upgrade(staged)
    return head


async def check_readable(url: str, keyring: Keyring, *, accept_plaintext: bool = False) -> int:
    """Decrypt every encrypted value with this key file; the count, or the first failure.
    Plaintext (from before encryption) passes only where the app would read it
    (ASSISTANT_ENCRYPTION_ACCEPT_LEGACY)."""
    engine = create_engine(url)
    checked = 0
    try:
        async with engine.connect() as conn:
            for table in encrypted_tables():
                after = 0
                while True:
                    query = (
                        sa.select(table.pk, *table.columns)
                        .where(table.pk > after)
                        .order_by(table.pk)
                        .limit(BATCH)
                    )
                    rows = (await conn.execute(query)).all()
                    if not rows:
                        break
                    after = rows[-1][0]
                    for row in rows:
                        for column in table.columns:
                            value = row._mapping[column.name]
                            if value is None:
                                continue
                            where = f"{table.name}.{column.name} of row {row[0]}"
                            if not is_encrypted(value):
                                if accept_plaintext:
                                    continue
                                raise BackupError(f"{where} is not encrypted; nothing replaced")
                            try:
                                decrypt(value, keyring, Cell(table.name, column.name, int(row[0])))
                            except (DecryptionError, KeyringError) as exc:
                                raise BackupError(
                                    f"the key file cannot read {where} ({exc}); nothing "
                                    "replaced: restore with the key file of the backup's time"
                                ) from None
                            checked += 1
    finally:
        await engine.dispose()
    return checked


async def _record(url: str, keyring: Keyring, backup: Path, revision: str) -> None:
    """The restore is the restored trail's next link (the file's name only, no path)."""
    engine = create_engine(url, keyring=keyring)
    try:
        async with session_factory(engine)() as session, session.begin():
            await chain.append(
                session,
                chain.Actor(kind="system", name="cli"),
                source="cli",
                procedure="backup.restore",
                record_ids={"backup": backup.name, "revision": revision},
                outcome="ok",
                now=datetime.now().astimezone(),
            )
    finally:
        await engine.dispose()
