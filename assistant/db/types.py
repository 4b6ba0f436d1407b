"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, DateTime, Text, event, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.types import TypeDecorator

from assistant.privacy.crypto import (
    Cell,
    DecryptionError,
    decrypt,
    encrypt,
    is_encrypted,
    is_legacy,
    key_id_of,
    open_claimed,
)
from assistant.privacy.keys import Keyring, KeyringMissing

# Where an engine keeps its keyring: the dialect is what a TypeDecorator is handed.
KEYRING_ATTR = "assistant_keyring"
LEGACY_ATTR = "assistant_accept_legacy"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; SQLite would otherwise drop the offset."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)


def attach_keyring(dialect: Dialect, keyring: Keyring, *, accept_legacy: bool = False) -> None:
    setattr(dialect, KEYRING_ATTR, keyring)
    setattr(dialect, LEGACY_ATTR, accept_legacy)


def dialect_keyring(dialect: Dialect) -> Keyring:
    keyring: Keyring | None = getattr(dialect, KEYRING_ATTR, None)
    if keyring is None:
        raise KeyringMissing(
            "this database engine has no encryption keyring; clinical text is never "
            "written or read without one (pass keyring= to create_engine)"
        )
    return keyring


class UnboundWrite(DecryptionError):
    """Clinical text written without its cell (a Core statement, not the ORM)."""

    code = "unbound_write"


class Sealed(str):
    """Plaintext on its way into one cell (set by the ORM events below)."""

    cell: Cell

    def __new__(cls, text: str, cell: Cell) -> Sealed:
        made = super().__new__(cls, text)
        made.cell = cell
        return made


class Opened(str):
    """Plaintext read from the database, with the cell its ciphertext claims (None: legacy)."""

    claimed: str | None

    def __new__(cls, text: str, claimed: str | None) -> Opened:
        made = super().__new__(cls, text)
        made.claimed = claimed
        return made


class EncryptedText(TypeDecorator[str]):
    """Clinical text, AES-GCM encrypted with the engine's keyring before it reaches the
    database, bound to its table, column and row (see assistant.privacy.crypto).

    Values are written through the ORM, whose events (`bind_cells`) tell each value its
    cell; a value read back is checked against the row it came from when the row loads.
    Plaintext or v1 values are refused unless the engine was made with accept_legacy
    (ASSISTANT_ENCRYPTION_ACCEPT_LEGACY, while `assistant keys reencrypt` migrates them)."""

    impl = Text
    cache_ok = True

    def seal(self, value: Any, cell: Cell) -> Any:
        """The value as the ORM hands it to the column: bound to its cell."""
        return Sealed(str(value), cell)

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Sealed):
            raise UnboundWrite(
                "clinical text must be written through the ORM, which binds it to its row",
                key_id=None,
            )
        return encrypt(value, dialect_keyring(dialect), value.cell)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text: str = value
        keyring = dialect_keyring(dialect)
        if not is_legacy(text):
            plain, claimed = open_claimed(text, keyring)
            return Opened(plain, claimed)
        if not getattr(dialect, LEGACY_ATTR, False):
            raise DecryptionError(
                "found plaintext or an enc:v1 value where enc:v2 ciphertext is expected; run "
                "`assistant keys reencrypt` (set ASSISTANT_ENCRYPTION_ACCEPT_LEGACY=true to "
                "read such values meanwhile)",
                key_id=key_id_of(text),
            )
        return Opened(decrypt(text, keyring) if is_encrypted(text) else text, None)


@cache
def _encrypted(mapper: Mapper[Any]) -> tuple[tuple[str, Column[Any]], ...]:
    """(attribute key, column) of a mapper's encrypted columns; () for most tables."""
    return tuple(
        (mapper.get_property_by_column(column).key, column)
        for column in mapper.columns
        if isinstance(column.type, EncryptedText)
    )


def _row_id(mapper: Mapper[Any], target: Any) -> int | None:
    [pk] = mapper.primary_key
    value = getattr(target, mapper.get_property_by_column(pk).key)
    return int(value) if value is not None else None


def _cell(mapper: Mapper[Any], column: Column[Any], row_id: int | None) -> Cell:
    return Cell(str(mapper.local_table.name), column.name, row_id)  # type: ignore[attr-defined]


def _seal(column: Column[Any], value: Any, cell: Cell) -> Any:
    kind = column.type
    assert isinstance(kind, EncryptedText)
    return kind.seal(value, cell)


def _before_insert(mapper: Mapper[Any], _: Connection, target: Any) -> None:
    if not _encrypted(mapper):
        return
    row_id = _row_id(mapper, target)
    for key, column in _encrypted(mapper):
        value = getattr(target, key)
        if value is not None:
            setattr(target, key, _seal(column, value, _cell(mapper, column, row_id)))


def _after_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    """A new row's id is known only now: re-seal its values for the row they belong to."""
    if not _encrypted(mapper):
        return
    row_id = _row_id(mapper, target)
    values = {}
    for key, column in _encrypted(mapper):
        value = getattr(target, key)
        cell = getattr(value, "cell", None)
        if isinstance(cell, Cell) and cell.row_id is None:
            sealed = _seal(column, value, _cell(mapper, column, row_id))
            values[column.name] = sealed
            set_committed_value(target, key, sealed)
    if values:
        [pk] = mapper.primary_key
        table = mapper.local_table
        connection.execute(table.update().where(pk == row_id).values(values))  # type: ignore[attr-defined]


def _before_update(mapper: Mapper[Any], _: Connection, target: Any) -> None:
    if not _encrypted(mapper):
        return
    row_id = _row_id(mapper, target)
    state = inspect(target)
    for key, column in _encrypted(mapper):
        value = getattr(target, key)
        if value is not None and state.attrs[key].history.has_changes():
            setattr(target, key, _seal(column, value, _cell(mapper, column, row_id)))


def check_cells(mapper: Mapper[Any], target: Any, keys: Any = None) -> None:
    """Refuse a loaded value whose ciphertext was written for another cell."""
    if not _encrypted(mapper):
        return
    row_id = _row_id(mapper, target)
    values = inspect(target).dict
    for key, column in _encrypted(mapper):
        if keys is not None and key not in keys:
            continue
        value = values.get(key)
        claimed = getattr(value, "claimed", None)  # Opened text or OpenedJSON
        if claimed is not None:
            expected = str(_cell(mapper, column, row_id))
            if value.claimed != expected:
                raise DecryptionError(
                    f"value for {claimed} found in {expected}: "
                    "it was moved or copied, not written here",
                    key_id=None,
                )


def _on_load(target: Any, _: Any) -> None:
    check_cells(inspect(target).mapper, target)


def _on_refresh(target: Any, _: Any, keys: Any) -> None:
    check_cells(inspect(target).mapper, target, keys)


_EVENTS: tuple[tuple[str, Any], ...] = (
    ("before_insert", _before_insert),
    ("after_insert", _after_insert),
    ("before_update", _before_update),
    ("load", _on_load),
    ("refresh", _on_refresh),
)


def bind_cells() -> None:
    """Install the ORM events that bind encrypted values to their rows (idempotent)."""
    for name, listener in _EVENTS:
        if not event.contains(Mapper, name, listener):
            event.listen(Mapper, name, listener)


def utcnow() -> datetime:
    return datetime.now(UTC)


class SealedJSON(dict[str, Any]):
    """A JSON object on its way into one cell (set by the ORM events above)."""

    cell: Cell

    def __init__(self, value: dict[str, Any], cell: Cell) -> None:
        super().__init__(value)
        self.cell = cell


class OpenedJSON(dict[str, Any]):
    """A JSON object read from the database, with the cell its ciphertext claims."""

    claimed: str | None

    def __init__(self, value: dict[str, Any], claimed: str | None) -> None:
        super().__init__(value)
        self.claimed = claimed


class EncryptedJSON(EncryptedText):
    """A JSON object that can hold clinical text (a call's arguments or result, an event),
    encrypted and bound to its cell like EncryptedText; it stays a dict in memory."""

    cache_ok = True

    def seal(self, value: Any, cell: Cell) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"{cell} holds a JSON object, not {type(value).__name__}")
        return SealedJSON(value, cell)

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, SealedJSON):
            raise UnboundWrite(
                "clinical text must be written through the ORM, which binds it to its row",
                key_id=None,
            )
        text = json.dumps(value, separators=(",", ":"))
        return encrypt(text, dialect_keyring(dialect), value.cell)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        text = super().process_result_value(value, dialect)
        if text is None:
            return None
        return OpenedJSON(json.loads(text), getattr(text, "claimed", None))
