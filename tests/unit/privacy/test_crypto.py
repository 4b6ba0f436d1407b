"""AES-256-GCM values: round trip, a fresh nonce each time, and loud failure on any doubt."""

from __future__ import annotations

import base64
import secrets

import pytest

from assistant.privacy.crypto import (
    PREFIX,
    PREFIX_V1,
    Cell,
    DecryptionError,
    decrypt,
    encrypt,
    is_encrypted,
    key_id_of,
)
from assistant.privacy.keys import Keyring

NOTE = Cell("notes", "body", 7)


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.mark.parametrize("text", ["", "knee pain", "Schmerz im Knie, 37,5 °C 🩺", "x" * 100_000])
def test_round_trip(keyring: Keyring, text: str) -> None:
    value = encrypt(text, keyring, NOTE)
    assert value.startswith(f"{PREFIX}{keyring.primary_id}:notes.body#7:")
    assert decrypt(value, keyring) == text


def test_same_text_encrypts_differently_each_time(keyring: Keyring) -> None:
    first, second = encrypt("same note", keyring, NOTE), encrypt("same note", keyring, NOTE)
    assert first != second
    assert "same note" not in first


@pytest.mark.parametrize(
    ("value", "encrypted", "key_id"),
    [
        ("enc:v2:k1:notes.body#7:AAAA", True, "k1"),
        ("enc:v1:k1:AAAA", True, "k1"),
        ("enc:v1:k1", True, None),
        ("plain note", False, None),
        ("ENC:v1:k1:AAAA", False, None),
    ],
)
def test_format_is_self_describing(value: str, encrypted: bool, key_id: str | None) -> None:
    assert is_encrypted(value) is encrypted
    assert key_id_of(value) == key_id


def test_wrong_key_with_the_same_id_fails_naming_the_key(keyring: Keyring) -> None:
    value = encrypt("private", keyring, NOTE)
    impostor = Keyring(keyring.primary_id, {keyring.primary_id: secrets.token_bytes(32)})
    with pytest.raises(DecryptionError, match=keyring.primary_id) as caught:
        decrypt(value, impostor)
    assert caught.value.key_id == keyring.primary_id


def test_unknown_key_id_fails_naming_it(keyring: Keyring) -> None:
    value = encrypt("private", keyring, NOTE)
    with pytest.raises(DecryptionError, match=f"no key {keyring.primary_id}"):
        decrypt(value, Keyring.generate())


def test_tampered_ciphertext_fails(keyring: Keyring) -> None:
    value = encrypt("private", keyring, NOTE)
    head, _, body = value.rpartition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError, match="tampered"):
        decrypt(f"{head}:{base64.b64encode(bytes(raw)).decode()}", keyring)


def test_relabelled_key_id_fails_because_the_id_is_authenticated() -> None:
    """Two ids with the same key bytes: the id is associated data, so a swap is detected."""
    key = secrets.token_bytes(32)
    keyring = Keyring("a", {"a": key, "b": key})
    value = encrypt("private", keyring, NOTE)
    with pytest.raises(DecryptionError, match="key b"):
        decrypt(value.replace("enc:v2:a:", "enc:v2:b:"), keyring)


@pytest.mark.parametrize(
    "elsewhere",
    [Cell("notes", "body", 8), Cell("notes", "title", 7), Cell("messages", "body", 7)],
    ids=["another row", "another column", "another table"],
)
def test_a_value_moved_to_another_cell_is_refused(keyring: Keyring, elsewhere: Cell) -> None:
    value = encrypt("Jane's diagnosis", keyring, NOTE)
    assert decrypt(value, keyring, NOTE) == "Jane's diagnosis"
    with pytest.raises(DecryptionError, match="moved or copied"):
        decrypt(value, keyring, elsewhere)


def test_relabelling_the_cell_fails_because_the_cell_is_authenticated(keyring: Keyring) -> None:
    value = encrypt("Jane's diagnosis", keyring, NOTE)
    forged = value.replace(":notes.body#7:", ":notes.body#8:")
    with pytest.raises(DecryptionError, match="tampered"):
        decrypt(forged, keyring, Cell("notes", "body", 8))


def test_v1_values_still_decrypt_for_the_migration(keyring: Keyring) -> None:
    """The legacy form (key id alone as associated data), as `keys reencrypt` reads it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key_id, key = keyring.primary()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, b"old note", f"{PREFIX_V1}{key_id}".encode())
    value = f"{PREFIX_V1}{key_id}:{base64.b64encode(nonce + sealed).decode()}"
    assert decrypt(value, keyring) == "old note"


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "enc:v1:",
        "enc:v1:KEY:not base64!",
        "enc:v1:KEY:AAAA",
        "enc:v2:KEY:AAAA",
        "enc:v2:KEY:notes.body#1:AAAA",
    ],
)
def test_malformed_values_fail(value: str) -> None:
    keyring = Keyring("KEY", {"KEY": secrets.token_bytes(32)})
    with pytest.raises(DecryptionError):
        decrypt(value, keyring)
