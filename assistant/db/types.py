"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from assistant.privacy.crypto import decrypt, encrypt, is_encrypted
from assistant.privacy.keys import Keyring, KeyringMissing

# Where an engine keeps its keyring: the dialect is what a TypeDecorator is handed.
KEYRING_ATTR = "assistant_keyring"


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


def attach_keyring(dialect: Dialect, keyring: Keyring) -> None:
    setattr(dialect, KEYRING_ATTR, keyring)


def dialect_keyring(dialect: Dialect) -> Keyring:
    keyring: Keyring | None = getattr(dialect, KEYRING_ATTR, None)
    if keyring is None:
        raise KeyringMissing(
            "this database engine has no encryption keyring; clinical text is never "
            "written or read without one (pass keyring= to create_engine)"
        )
    return keyring


class EncryptedText(TypeDecorator[str]):
    """Clinical text, AES-GCM encrypted with the engine's keyring before it reaches the
    database. Values without the enc:v1 prefix are legacy plaintext from before encryption:
    read as they are, and encrypted by `assistant keys rotate` or `keys reencrypt`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return encrypt(value, dialect_keyring(dialect))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text: str = value
        return decrypt(text, dialect_keyring(dialect)) if is_encrypted(text) else text


def utcnow() -> datetime:
    return datetime.now(UTC)
