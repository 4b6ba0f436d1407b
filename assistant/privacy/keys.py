"""The encryption keyring: data keys live in a 0600 JSON file outside the database.

A key file looks like {"version": 1, "primary": "k...", "keys": {"k...": "<base64 32 bytes>"}}.
New rows are encrypted under the primary key; every key in the file still decrypts, which is
what lets `assistant keys rotate` re-encrypt in batches while the app keeps running.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import ServiceUnavailable

KEY_BYTES = 32
FORMAT_VERSION = 1
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# How often a long-running process looks for a new primary key written by `keys rotate`.
RECHECK_SECONDS = 10.0


class KeyringError(ServiceUnavailable):
    """Without its keys the app cannot read or write clinical text, so it stops (503)."""

    code = "keyring"


class KeyringMissing(KeyringError):
    code = "keyring_missing"


class KeyringInvalid(KeyringError):
    code = "keyring_invalid"


class KeyFileExists(KeyringError):
    code = "key_file_exists"


@dataclass(frozen=True)
class _Snapshot:
    primary_id: str
    keys: Mapping[str, bytes]
    stamp: tuple[int, int, int] | None


class Keyring:
    """Key id -> 32-byte key, one of them primary; re-reads its file when the file changes."""

    def __init__(
        self,
        primary_id: str,
        keys: Mapping[str, bytes],
        *,
        path: Path | None = None,
        stamp: tuple[int, int, int] | None = None,
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        _validate(primary_id, keys, path)
        self.path = path
        self.recheck_seconds = recheck_seconds
        self._snapshot = _Snapshot(primary_id, dict(keys), stamp)
        self._checked_at = time.monotonic()

    @property
    def primary_id(self) -> str:
        return self._snapshot.primary_id

    @property
    def keys(self) -> Mapping[str, bytes]:
        return self._snapshot.keys

    def primary(self) -> tuple[str, bytes]:
        """The key new ciphertext uses; picks up a rotation by another process within
        `recheck_seconds`, so running servers stop writing under a key being retired."""
        if self.path and time.monotonic() - self._checked_at >= self.recheck_seconds:
            self.refresh()
        snap = self._snapshot
        return snap.primary_id, snap.keys[snap.primary_id]

    def get(self, key_id: str) -> bytes | None:
        """The key with this id; an unknown id re-reads the file once (a rotation may have
        added it since this process started) before giving up."""
        key = self._snapshot.keys.get(key_id)
        if key is None and self.path:
            self.refresh(force=True)
            key = self._snapshot.keys.get(key_id)
        return key

    def refresh(self, *, force: bool = False) -> None:
        """Reload the file if it changed (or always, with force); a broken file raises."""
        if self.path is None:
            return
        self._checked_at = time.monotonic()
        if force or _stamp(self.path) != self._snapshot.stamp:
            self._snapshot = load_keyring(self.path)._snapshot

    @classmethod
    def generate(cls) -> Keyring:
        """An in-memory keyring with one new key (tests, throwaway databases)."""
        key_id = new_key_id(())
        return cls(key_id, {key_id: secrets.token_bytes(KEY_BYTES)})


def new_key_id(taken: Iterable[str]) -> str:
    """Sortable by creation time, so `keys status` lists them in order."""
    used = set(taken)
    while True:
        key_id = f"k{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        if key_id not in used:
            return key_id


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _validate(primary_id: str, keys: Mapping[str, bytes], path: Path | None) -> None:
    where = f"key file {path}" if path else "keyring"
    if not keys:
        raise KeyringInvalid(f"{where} holds no keys")
    for key_id, key in keys.items():
        if not KEY_ID.match(key_id):
            raise KeyringInvalid(f"{where}: key id {key_id!r} is not 1-64 of A-Z a-z 0-9 _ . -")
        if len(key) != KEY_BYTES:
            raise KeyringInvalid(f"{where}: key {key_id} is not {KEY_BYTES} bytes")
    if primary_id not in keys:
        raise KeyringInvalid(f"{where}: primary key {primary_id!r} is not among its keys")


def _check_permissions(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyringInvalid(
            f"key file {path} is accessible by group or others (mode {mode:o}); "
            f"run `chmod 600 {path}`"
        )


def _parse(path: Path, text: str, stamp: tuple[int, int, int] | None) -> Keyring:
    try:
        data: Any = json.loads(text)
    except ValueError as exc:
        raise KeyringInvalid(f"key file {path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        raise KeyringInvalid(f'key file {path} has no "keys" object')
    primary = data.get("primary")
    if not isinstance(primary, str):
        raise KeyringInvalid(f'key file {path} has no "primary" key id')
    keys: dict[str, bytes] = {}
    for key_id, encoded in data["keys"].items():
        try:
            keys[key_id] = base64.b64decode(str(encoded), validate=True)
        except (binascii.Error, ValueError):
            raise KeyringInvalid(f"key file {path}: key {key_id} is not base64") from None
    return Keyring(primary, keys, path=path, stamp=stamp)


def load_keyring(path: Path) -> Keyring:
    """The keyring in `path`; a typed error naming the file (and the fix) otherwise."""
    try:
        _check_permissions(path)
        stamp = _stamp(path)  # before reading: a change in between is seen next time
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyringMissing(
            f"no encryption key file at {path}; create one with `assistant keys create` "
            "(the app never stores clinical text unencrypted)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyringInvalid(f"cannot read key file {path}: {exc}") from None
    return _parse(path, text, stamp)


def _serialise(primary_id: str, keys: Mapping[str, bytes]) -> bytes:
    data = {
        "version": FORMAT_VERSION,
        "primary": primary_id,
        "keys": {k: base64.b64encode(v).decode("ascii") for k, v in sorted(keys.items())},
    }
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def create_key_file(path: Path) -> str:
    """Write a new key file (mode 0600) with one key; never overwrites. Returns the key id."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_id = new_key_id(())
    content = _serialise(key_id, {key_id: secrets.token_bytes(KEY_BYTES)})
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileExists(f"key file {path} already exists; refusing to overwrite it") from None
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return key_id


def _replace(path: Path, primary_id: str, keys: Mapping[str, bytes]) -> None:
    """Temp file + rename: a reader (a running server) sees the old file or the new one."""
    _validate(primary_id, keys, path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(_serialise(primary_id, keys))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def add_key(path: Path) -> str:
    """Add a new key and make it primary; the old keys stay so they still decrypt."""
    keyring = load_keyring(path)
    key_id = new_key_id(keyring.keys)
    _replace(path, key_id, {**keyring.keys, key_id: secrets.token_bytes(KEY_BYTES)})
    return key_id


def remove_keys(path: Path, key_ids: Iterable[str]) -> list[str]:
    """Drop the given (non-primary) keys from the file; returns those removed."""
    keyring = load_keyring(path)
    drop = set(key_ids) & set(keyring.keys)
    if keyring.primary_id in drop:
        raise KeyringInvalid(f"refusing to remove the primary key {keyring.primary_id}")
    _replace(path, keyring.primary_id, {k: v for k, v in keyring.keys.items() if k not in drop})
    return sorted(drop)
