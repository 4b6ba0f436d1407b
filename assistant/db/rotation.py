"""Re-encrypting stored clinical text under the primary key, in small transactions.

It is also the migration to the cell-bound form: plaintext and enc:v1 values come out as
enc:v2 values bound to their table, column and row.

Works on the raw column text (never through EncryptedText), one batch of rows per
transaction by primary-key range, and writes a row back only if it still holds the value
that was read: the app can keep running, and a row it changed meanwhile is left for the
next pass rather than overwritten.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import assistant.db.models  # noqa: F401 - registers every table, so every encrypted column is found
from assistant.db.types import EncryptedText
from assistant.privacy.crypto import (
    PREFIX,
    Cell,
    cell_of,
    decrypt,
    encrypt,
    is_encrypted,
    key_id_of,
)
from assistant.privacy.keys import Keyring, KeyringError, remove_keys

PLAINTEXT = "(plaintext)"
# Longest "enc:v1:<key id>:" prefix, so counting never reads whole ciphertexts.
_PREFIX_CHARS = 7 + 64 + 1
# (table, rows checked so far, rows re-encrypted so far), after each batch.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EncryptedTable:
    """A table's encrypted columns as raw Text, so reads and writes skip EncryptedText."""

    name: str
    raw: sa.TableClause
    pk: sa.ColumnClause[int]
    columns: tuple[sa.ColumnClause[str], ...]


def encrypted_tables(metadata: sa.MetaData | None = None) -> list[EncryptedTable]:
    found = []
    for table in (metadata or SQLModel.metadata).sorted_tables:
        names = [c.name for c in table.columns if isinstance(c.type, EncryptedText)]
        if not names:
            continue
        [pk] = table.primary_key.columns
        raw = sa.table(table.name, sa.column(pk.name, sa.Integer()))
        columns = tuple(sa.column(name, sa.Text()) for name in names)
        for column in columns:
            raw.append_column(column)
        found.append(EncryptedTable(table.name, raw, raw.c[pk.name], columns))
    return found


@dataclass
class ReencryptReport:
    checked: int = 0
    rewritten: int = 0
    changed_meanwhile: int = 0


def _needs_rewrite(value: str | None, primary_id: str, cell: Cell) -> bool:
    """Plaintext, v1, another key, or (never expected) another cell: rewrite it."""
    if value is None:
        return False
    return not (
        value.startswith(PREFIX) and key_id_of(value) == primary_id and cell_of(value) == str(cell)
    )


def _reencrypt_value(value: str, keyring: Keyring, cell: Cell) -> str:
    """Under the primary key, bound to `cell`. A v2 value written for another cell is
    refused (DecryptionError), never laundered into a valid one here."""
    plain = decrypt(value, keyring, cell) if is_encrypted(value) else value
    return encrypt(plain, keyring, cell)


async def _batch(
    engine: AsyncEngine, table: EncryptedTable, keyring: Keyring, after: int, size: int
) -> tuple[int | None, int, int, int]:
    """One transaction: (last id seen or None when done, rows read, rewritten, skipped)."""
    primary_id, _ = keyring.primary()
    query = (
        sa.select(table.pk, *table.columns).where(table.pk > after).order_by(table.pk).limit(size)
    )
    rewritten = skipped = 0
    async with engine.begin() as conn:
        rows = (await conn.execute(query)).all()
        for row in rows:
            cells = {c.name: Cell(table.name, c.name, int(row[0])) for c in table.columns}
            old = {c.name: row._mapping[c.name] for c in table.columns}
            stale = {k: v for k, v in old.items() if _needs_rewrite(v, primary_id, cells[k])}
            if not stale:
                continue
            new = {k: _reencrypt_value(v, keyring, cells[k]) for k, v in stale.items()}
            unchanged = [table.raw.c[k] == v for k, v in stale.items()]
            result = await conn.execute(
                table.raw.update().where(table.pk == row[0], *unchanged).values(**new)
            )
            if result.rowcount == 1:
                rewritten += 1
            else:
                skipped += 1
    last = rows[-1][0] if rows else None
    return last, len(rows), rewritten, skipped


async def reencrypt(
    engine: AsyncEngine,
    keyring: Keyring,
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> ReencryptReport:
    """Bring every encrypted column (legacy plaintext included) under the primary key."""
    report = ReencryptReport()
    for table in encrypted_tables():
        after, seen, done = 0, 0, 0
        while True:
            last, read, rewritten, skipped = await _batch(engine, table, keyring, after, batch_size)
            if last is None:
                break
            after, seen, done = last, seen + read, done + rewritten
            report.checked += read
            report.rewritten += rewritten
            report.changed_meanwhile += skipped
            if progress:
                progress(table.name, seen, done)
    return report


async def count_by_key(engine: AsyncEngine, *, batch_size: int = 5000) -> dict[str, Counter[str]]:
    """`table.column` -> {key id or PLAINTEXT: rows}; reads only each value's prefix."""
    counts: dict[str, Counter[str]] = {}
    for table in encrypted_tables():
        prefixes = [sa.func.substr(c, 1, _PREFIX_CHARS).label(c.name) for c in table.columns]
        for column in table.columns:
            counts[f"{table.name}.{column.name}"] = Counter()
        after = 0
        async with engine.connect() as conn:
            while True:
                query = (
                    sa.select(table.pk, *prefixes)
                    .where(table.pk > after)
                    .order_by(table.pk)
                    .limit(batch_size)
                )
                rows = (await conn.execute(query)).all()
                if not rows:
                    break
                after = rows[-1][0]
                for row in rows:
                    for column in table.columns:
                        value = row._mapping[column.name]
                        if value is not None:
                            key = key_id_of(value) or PLAINTEXT
                            counts[f"{table.name}.{column.name}"][key] += 1
    return counts


def totals(counts: dict[str, Counter[str]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for per_column in counts.values():
        total.update(per_column)
    return total


async def retire_unused_keys(engine: AsyncEngine, keyring: Keyring, path: Path) -> list[str]:
    """Remove every non-primary key from the file, refusing while any value still uses one."""
    keyring.refresh(force=True)
    used = totals(await count_by_key(engine))
    old = sorted(k for k in keyring.keys if k != keyring.primary_id)
    still = {k: used[k] for k in old if used.get(k)}
    if still:
        rows = ", ".join(f"{n} values under {k}" for k, n in sorted(still.items()))
        raise KeyringError(f"not retiring old keys: {rows}; run `assistant keys reencrypt`")
    return remove_keys(path, old)


async def retire_old_keys(
    engine: AsyncEngine,
    keyring: Keyring,
    path: Path,
    *,
    since: float,
    grace_seconds: float,
    batch_size: int = 500,
) -> list[str]:
    """After a rotation: wait, re-encrypt stragglers, then retire the unused keys.

    Running processes pick up a new primary within the keyring's recheck interval; until
    then they may still write under an old key. So wait out `grace_seconds` after the
    rotation (`since`, a monotonic time) before the last pass and the check.
    """
    wait = since + grace_seconds - time.monotonic()
    if wait > 0:
        await asyncio.sleep(wait)
    keyring.refresh(force=True)
    await reencrypt(engine, keyring, batch_size=batch_size)
    return await retire_unused_keys(engine, keyring, path)
