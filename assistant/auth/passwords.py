"""Argon2id password hashing (argon2-cffi defaults follow RFC 9106's low-memory profile)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from assistant.errors import InvalidInput

_hasher = PasswordHasher()
MIN_LENGTH = 10


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown, so timing does not reveal it."""
    return _hasher.hash("not-a-real-password-0")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"password must have at least {MIN_LENGTH} characters",
            fields={"password": f"at least {MIN_LENGTH} characters"},
        )
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(12)
