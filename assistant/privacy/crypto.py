"""AES-256-GCM for clinical text, in a self-describing text form stored in ordinary columns.

`enc:v2:<key id>:<cell>:<base64(nonce + ciphertext + tag)>`, where the cell is
`<table>.<column>#<row id>`. The key id says which key decrypts, so keys can rotate row by
row. Key id and cell are both associated data: a value relabelled with another key fails
authentication, and a value copied into another row, column or table is refused when read
there (the reader checks the cell it claims against the cell it came from), instead of
showing one client's note on another's record.

`enc:v1:<key id>:<...>` (key id only as associated data) and plaintext are legacy forms
from before: read only while a migration is under way, rewritten by `assistant keys
reencrypt`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.errors import ServiceUnavailable
from assistant.privacy.keys import Keyring

PREFIX_V1 = "enc:v1:"
PREFIX = "enc:v2:"
NONCE_BYTES = 12


class DecryptionError(ServiceUnavailable):
    """A stored value did not decrypt: unknown key id, wrong key, tampered text, or text
    from another cell. Raised rather than returning garbage or the ciphertext."""

    code = "decryption_failed"

    def __init__(self, message: str, *, key_id: str | None) -> None:
        super().__init__(message)
        self.key_id = key_id


@dataclass(frozen=True, slots=True)
class Cell:
    """Where a value lives; row_id None while a new row has no id yet."""

    table: str
    column: str
    row_id: int | None

    def __str__(self) -> str:
        return f"{self.table}.{self.column}#{'new' if self.row_id is None else self.row_id}"


def is_encrypted(value: str) -> bool:
    return value.startswith((PREFIX, PREFIX_V1))


def is_legacy(value: str) -> bool:
    """Plaintext or the v1 form: not bound to its cell."""
    return not value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    """The key id of an encrypted value; None for legacy plaintext."""
    for prefix in (PREFIX, PREFIX_V1):
        if value.startswith(prefix):
            key_id, sep, _ = value[len(prefix) :].partition(":")
            return key_id if sep else None
    return None


def cell_of(value: str) -> str | None:
    """The cell a v2 value claims (authenticated only by decrypting it)."""
    if not value.startswith(PREFIX):
        return None
    parts = value[len(PREFIX) :].split(":", 2)
    return parts[1] if len(parts) == 3 else None


def encrypt(plaintext: str, keyring: Keyring, cell: Cell) -> str:
    """Encrypt for one cell under the keyring's primary key, with a fresh random nonce."""
    key_id, key = keyring.primary()
    where = str(cell)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _ad_v2(key_id, where))
    return f"{PREFIX}{key_id}:{where}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(value: str, keyring: Keyring, cell: Cell | None = None) -> str:
    """The plaintext of an encrypted value; with `cell`, only if the value was written there.

    v1 values decrypt too (callers decide whether legacy is acceptable; see is_legacy).
    DecryptionError, naming the key id, for anything else."""
    if value.startswith(PREFIX):
        key_id, claimed, payload = _split_v2(value)
        if cell is not None and claimed != str(cell):
            raise DecryptionError(
                f"value for {claimed} found in {cell}: it was moved or copied, not written here",
                key_id=key_id,
            )
        return _open(keyring, key_id, payload, _ad_v2(key_id, claimed))
    legacy_id = key_id_of(value)
    if legacy_id is None:
        raise DecryptionError("value is not in the enc:v1 or enc:v2 format", key_id=None)
    payload = value[len(PREFIX_V1) + len(legacy_id) + 1 :]
    return _open(keyring, legacy_id, payload, f"{PREFIX_V1}{legacy_id}".encode("ascii"))


def open_claimed(value: str, keyring: Keyring) -> tuple[str, str]:
    """(plaintext, the cell it claims) of a v2 value: for readers that check the cell later."""
    key_id, claimed, payload = _split_v2(value)
    return _open(keyring, key_id, payload, _ad_v2(key_id, claimed)), claimed


def _ad_v2(key_id: str, cell: str) -> bytes:
    return f"{PREFIX}{key_id}:{cell}".encode()


def _split_v2(value: str) -> tuple[str, str, str]:
    parts = value[len(PREFIX) :].split(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise DecryptionError("value is not in the enc:v2 format", key_id=None)
    return parts[0], parts[1], parts[2]


def _open(keyring: Keyring, key_id: str, payload: str, associated: bytes) -> str:
    key = keyring.get(key_id)
    if key is None:
        raise DecryptionError(
            f"no key {key_id} in the keyring; restore the key file that holds it",
            key_id=key_id,
        )
    try:
        raw = base64.b64decode(payload, validate=True)
        if len(raw) < NONCE_BYTES + 16:
            raise ValueError("too short")
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
        return plain.decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(
            f"value under key {key_id} failed to decrypt (wrong key or tampered data)",
            key_id=key_id,
        ) from None
