"""`assistant users ...` and `assistant tokens ...`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.auth import tokens as token_service
from assistant.auth import users as user_service
from assistant.auth.passwords import generate_password
from assistant.cli._common import db_session, read_secret_line, run
from assistant.settings import get_settings

users_app = typer.Typer(help="Manage staff accounts.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="Manage API tokens (Authorization: Bearer ...).", no_args_is_help=True
)


@users_app.command("create")
def create(
    email: str = typer.Option(..., "--email", help="Login e-mail."),
    role: str = typer.Option(..., "--role", help="owner, practitioner, front_desk or viewer."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    timezone: str = typer.Option("UTC", "--timezone", help="IANA timezone, e.g. Europe/London."),
    name: str = typer.Option("", "--name", help="Full name."),
) -> None:
    """Create a user; without --password-stdin a password is generated and printed once."""
    generated = not password_stdin
    password = generate_password() if generated else read_secret_line("password")

    async def go() -> int:
        async with db_session(get_settings()) as session:
            user = await user_service.create_user(
                session,
                email=email,
                role=role,
                password=password,
                full_name=name,
                timezone=timezone,
            )
            assert user.id is not None
            return user.id

    user_id = run(go())
    typer.echo(f"created user {user_id} {user_service.normalise_email(email)} ({role})")
    if generated:
        typer.echo(f"password: {password}")


@users_app.command("list")
def list_() -> None:
    """List users with role, timezone and whether they are active."""

    async def go() -> list[tuple[str, ...]]:
        async with db_session(get_settings()) as session:
            return [
                (str(u.id), u.email, u.role, u.timezone, "active" if u.is_active else "disabled")
                for u in await user_service.list_users(session)
            ]

    table = Table("id", "email", "role", "timezone", "status")
    for row in run(go()):
        table.add_row(*row)
    Console().print(table)


@users_app.command("disable")
def disable(email: str = typer.Argument(..., help="The user's e-mail.")) -> None:
    """Disable a user: logins, sessions and API tokens stop working."""

    async def go() -> None:
        async with db_session(get_settings()) as session:
            await user_service.disable_user(session, email)

    run(go())
    typer.echo(f"disabled {user_service.normalise_email(email)}")


@users_app.command("set-password")
def set_password(
    email: str = typer.Argument(..., help="The user's e-mail."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the new password from standard input."
    ),
) -> None:
    """Reset a password (generated and printed once unless --password-stdin); ends sessions."""
    generated = not password_stdin
    password = generate_password() if generated else read_secret_line("password")

    async def go() -> None:
        async with db_session(get_settings()) as session:
            await user_service.set_password(session, email, password)

    run(go())
    typer.echo(f"password changed for {user_service.normalise_email(email)}")
    if generated:
        typer.echo(f"password: {password}")


@tokens_app.command("create")
def create_token(
    user: str = typer.Option(..., "--user", help="E-mail of the user the token acts for."),
    name: str = typer.Option("", "--name", help="A label, e.g. the client using it."),
) -> None:
    """Create a token; it is printed once, alone on the last line."""

    async def go() -> tuple[int, str]:
        async with db_session(get_settings()) as session:
            owner = await user_service.require_by_email(session, user)
            row, token = await token_service.create_token(session, owner, name)
            assert row.id is not None
            return row.id, token

    token_id, token = run(go())
    typer.echo(
        f"created token {token_id} for {user_service.normalise_email(user)}; "
        "store it now, it is not shown again:"
    )
    typer.echo(token)


@tokens_app.command("list")
def list_tokens(
    user: str | None = typer.Option(None, "--user", help="Only this user's tokens."),
) -> None:
    """List tokens (prefix, owner, name, status); never the token itself."""

    async def go() -> list[tuple[str, ...]]:
        async with db_session(get_settings()) as session:
            owner = await user_service.require_by_email(session, user) if user else None
            emails = {u.id: u.email for u in await user_service.list_users(session)}
            return [
                (
                    str(t.id),
                    t.prefix + "...",
                    emails.get(t.user_id, "?"),
                    t.name,
                    t.created_at.isoformat(timespec="seconds"),
                    "revoked" if t.revoked_at else "active",
                )
                for t in await token_service.list_tokens(session, owner)
            ]

    table = Table("id", "prefix", "user", "name", "created", "status")
    for row in run(go()):
        table.add_row(*row)
    Console().print(table)


@tokens_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="The token's id (see tokens list).")) -> None:
    """Revoke a token; requests with it get 401 from then on."""

    async def go() -> None:
        async with db_session(get_settings()) as session:
            await token_service.revoke_token(session, token_id)

    run(go())
    typer.echo(f"revoked token {token_id}")
