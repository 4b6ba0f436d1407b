"""`assistant users` and `assistant tokens` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib

from sqlmodel import select

from assistant.auth.passwords import verify_password
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import ApiToken, User
from tests.integration.cli.conftest import Cli


async def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.exec(select(model))).all())
    finally:
        await engine.dispose()


def test_user_lifecycle(cli: Cli, empty_db_url: str) -> None:
    out = cli(
        "users",
        "create",
        "--email",
        "Pat@Clinic.example.com",
        "--role",
        "practitioner",
        "--timezone",
        "Europe/London",
    ).stdout
    assert "created user 1 pat@clinic.example.com (practitioner)" in out
    generated = out.strip().splitlines()[-1].removeprefix("password: ")

    [user] = asyncio.run(_rows(empty_db_url, User))
    assert user.timezone == "Europe/London"
    assert user.is_active
    assert verify_password(user.password_hash, generated)
    assert generated not in user.password_hash

    listed = cli("users", "list").stdout
    assert "pat@clinic.example.com" in listed and "active" in listed

    cli(
        "users",
        "set-password",
        "pat@clinic.example.com",
        "--password-stdin",
        stdin="a brand new passphrase\n",
    )
    [user] = asyncio.run(_rows(empty_db_url, User))
    assert verify_password(user.password_hash, "a brand new passphrase")
    assert not verify_password(user.password_hash, generated)

    cli("users", "disable", "pat@clinic.example.com")
    [user] = asyncio.run(_rows(empty_db_url, User))
    assert not user.is_active
    assert "disabled" in cli("users", "list").stdout


def test_token_lifecycle_stores_only_a_hash(cli: Cli, empty_db_url: str) -> None:
    cli("users", "create", "--email", "olivia@clinic.example.com", "--role", "owner")
    out = cli("tokens", "create", "--user", "olivia@clinic.example.com", "--name", "openwebui")
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("cca_") and len(token) > 30

    [row] = asyncio.run(_rows(empty_db_url, ApiToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.name == "openwebui" and row.revoked_at is None

    listed = cli("tokens", "list", "--user", "olivia@clinic.example.com").stdout
    assert row.prefix in listed and "active" in listed and token not in listed

    cli("tokens", "revoke", str(row.id))
    [row] = asyncio.run(_rows(empty_db_url, ApiToken))
    assert row.revoked_at is not None
    assert "revoked" in cli("tokens", "list").stdout


def test_errors_are_one_line_without_traceback(cli: Cli) -> None:
    cli("users", "create", "--email", "a@clinic.example.com", "--role", "owner")
    cases = [
        (
            ("users", "create", "--email", "a@clinic.example.com", "--role", "owner"),
            "already exists",
        ),
        (("users", "create", "--email", "not-an-email", "--role", "owner"), "valid e-mail"),
        (("users", "create", "--email", "b@clinic.example.com", "--role", "boss"), "unknown role"),
        (
            (
                "users",
                "create",
                "--email",
                "b@clinic.example.com",
                "--role",
                "viewer",
                "--timezone",
                "Mars/Olympus",
            ),
            "unknown timezone",
        ),
        (("users", "disable", "nobody@clinic.example.com"), "no user"),
        (("tokens", "revoke", "999"), "no API token"),
        (("tokens", "create", "--user", "nobody@clinic.example.com"), "no user"),
    ]
    for args, message in cases:
        result = cli(*args, check=False)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], (
            args,
            result.stderr,
        )
        assert "Traceback" not in result.stderr


def test_short_password_from_stdin_is_refused(cli: Cli) -> None:
    result = cli(
        "users",
        "create",
        "--email",
        "c@clinic.example.com",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="short\n",
        check=False,
    )
    assert result.returncode == 1
    assert "at least 10 characters" in result.stderr
    assert "c@clinic.example.com" not in cli("users", "list").stdout


def test_the_last_active_owner_cannot_be_disabled_or_demoted(cli: Cli) -> None:
    cli("users", "create", "--email", "only@clinic.example.com", "--role", "owner")
    for args in (
        ("users", "disable", "only@clinic.example.com"),
        ("users", "set-role", "only@clinic.example.com", "--role", "viewer"),
    ):
        result = cli(*args, check=False)
        assert result.returncode == 1 and "last active owner" in result.stderr, result.stderr
    cli("users", "create", "--email", "second@clinic.example.com", "--role", "owner")
    out = cli("users", "set-role", "only@clinic.example.com", "--role", "viewer").stdout
    assert "only@clinic.example.com is now viewer" in out
