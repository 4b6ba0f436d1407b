"""The key file: created 0600, refused when unsafe or malformed, rotated atomically."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from assistant.errors import AppError
from assistant.privacy.crypto import Cell, decrypt, encrypt
from assistant.privacy.keys import (
    KeyFileExists,
    Keyring,
    KeyringInvalid,
    KeyringMissing,
    add_key,
    create_key_file,
    load_keyring,
    remove_keys,
)

KEY = base64.b64encode(b"k" * 32).decode()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "nested" / "keys.json"
    create_key_file(path)
    return path


def test_created_file_is_private_and_loads(key_file: Path) -> None:
    assert _mode(key_file) == 0o600
    keyring = load_keyring(key_file)
    assert list(keyring.keys) == [keyring.primary_id]
    assert len(keyring.keys[keyring.primary_id]) == 32


def test_create_refuses_to_overwrite(key_file: Path) -> None:
    before = key_file.read_bytes()
    with pytest.raises(KeyFileExists, match="refusing to overwrite"):
        create_key_file(key_file)
    assert key_file.read_bytes() == before


def test_missing_file_is_a_typed_error_that_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KeyringMissing, match="assistant keys create") as caught:
        load_keyring(tmp_path / "keys.json")
    assert isinstance(caught.value, AppError)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o606])
def test_file_open_to_group_or_others_is_refused(key_file: Path, mode: int) -> None:
    key_file.chmod(mode)
    with pytest.raises(KeyringInvalid, match=f"chmod 600 {key_file}"):
        load_keyring(key_file)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", 'no "keys" object'),
        (json.dumps({"keys": {"a": KEY}}), 'no "primary"'),
        (json.dumps({"primary": "a", "keys": {}}), "holds no keys"),
        (json.dumps({"primary": "a", "keys": {"a": "%%%"}}), "not base64"),
        (json.dumps({"primary": "a", "keys": {"a": base64.b64encode(b"short").decode()}}), "32"),
        (json.dumps({"primary": "a:b", "keys": {"a:b": KEY}}), "key id"),
        (json.dumps({"primary": "b", "keys": {"a": KEY}}), "primary key 'b'"),
    ],
)
def test_malformed_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(KeyringInvalid, match=message):
        load_keyring(path)


def test_add_key_makes_a_new_primary_and_keeps_the_old(key_file: Path) -> None:
    old = load_keyring(key_file)
    new_id = add_key(key_file)
    new = load_keyring(key_file)
    assert new.primary_id == new_id != old.primary_id
    assert new.keys[old.primary_id] == old.keys[old.primary_id]
    assert _mode(key_file) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["keys.json"]  # no temp file left


def test_remove_keys_never_removes_the_primary(key_file: Path) -> None:
    old_id = load_keyring(key_file).primary_id
    new_id = add_key(key_file)
    with pytest.raises(KeyringInvalid, match="primary"):
        remove_keys(key_file, [new_id])
    assert remove_keys(key_file, [old_id]) == [old_id]
    assert list(load_keyring(key_file).keys) == [new_id]


def test_a_running_keyring_reads_values_written_under_a_newer_key(key_file: Path) -> None:
    """A server started before `keys rotate` still decrypts rows the rotation wrote."""
    running = load_keyring(key_file)
    add_key(key_file)
    written = encrypt("after rotation", load_keyring(key_file), Cell("notes", "body", 1))
    assert decrypt(written, running) == "after rotation"


def test_a_running_keyring_adopts_the_new_primary(key_file: Path) -> None:
    running = load_keyring(key_file)
    running.recheck_seconds = 0
    new_id = add_key(key_file)
    assert running.primary()[0] == new_id


def test_in_memory_keyrings_are_independent() -> None:
    a, b = Keyring.generate(), Keyring.generate()
    assert a.keys[a.primary_id] != b.keys[b.primary_id]
