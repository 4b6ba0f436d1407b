"""AES-256-GCM for clinical text, in a self-describing text form stored in ordinary columns.

`enc:v1:<key id>:<base64(nonce + ciphertext + tag)>`: the key id says which key decrypts,
so keys can rotate row by row; it is also the associated data, so a value relabelled with
another key id fails authentication instead of decrypting under the wrong key.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assistant.errors import ServiceUnavailable
from assistant.privacy.keys import Keyring

PREFIX = "enc:v1:"
NONCE_BYTES = 12


class DecryptionError(ServiceUnavailable):
    """A stored value did not decrypt: unknown key id, wrong key or tampered text. Raised
    rather than returning garbage or the ciphertext."""

    code = "decryption_failed"

    def __init__(self, message: str, *, key_id: str | None) -> None:
        super().__init__(message)
        self.key_id = key_id


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    """The key id of an encrypted value; None for legacy plaintext."""
    if not is_encrypted(value):
        return None
    key_id, sep, _ = value[len(PREFIX) :].partition(":")
    return key_id if sep else None


def _associated_data(key_id: str) -> bytes:
    return f"{PREFIX}{key_id}".encode("ascii")


def encrypt(plaintext: str, keyring: Keyring) -> str:
    """Encrypt under the keyring's primary key with a fresh random nonce."""
    key_id, key = keyring.primary()
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _associated_data(key_id))
    return f"{PREFIX}{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(value: str, keyring: Keyring) -> str:
    """The plaintext of an `enc:v1:` value; DecryptionError naming the key id otherwise."""
    key_id = key_id_of(value)
    if key_id is None:
        raise DecryptionError("value is not in the enc:v1 format", key_id=None)
    key = keyring.get(key_id)
    if key is None:
        raise DecryptionError(
            f"no key {key_id} in the keyring; restore the key file that holds it",
            key_id=key_id,
        )
    try:
        raw = base64.b64decode(value[len(PREFIX) + len(key_id) + 1 :], validate=True)
        if len(raw) < NONCE_BYTES + 16:
            raise ValueError("too short")
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(key_id))
        return plain.decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError):
        raise DecryptionError(
            f"value under key {key_id} failed to decrypt (wrong key or tampered data)",
            key_id=key_id,
        ) from None
