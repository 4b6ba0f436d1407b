"""`assistant users ...` and `assistant tokens ...`: the owner's procedures, called as the
CLI's system principal so every change is audited."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli._common import all_pages, call_procedure, read_secret_line
from assistant.settings import get_settings

users_app = typer.Typer(help="Manage staff accounts.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="Manage API tokens (Authorization: Bearer ...).", no_args_is_help=True
)


def _call(procedure: str, **args: Any) -> dict[str, Any]:
    return call_procedure(get_settings(), procedure, args)


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
    password = read_secret_line("password") if password_stdin else None
    made = _call(
        "users.create",
        email=email,
        role=role,
        full_name=name,
        timezone=timezone,
        password=password,
    )
    user = made["user"]
    typer.echo(f"created user {user['id']} {user['email']} ({user['role']})")
    if made["password"] is not None:
        typer.echo(f"password: {made['password']}")


@users_app.command("list")
def list_() -> None:
    """List users with role, timezone and whether they are active."""
    table = Table("id", "email", "role", "timezone", "status")
    for u in all_pages(get_settings(), "users.list", {}):
        status = "active" if u["is_active"] else "disabled"
        table.add_row(str(u["id"]), u["email"], u["role"], u["timezone"], status)
    Console().print(table)


@users_app.command("disable")
def disable(email: str = typer.Argument(..., help="The user's e-mail.")) -> None:
    """Disable a user: logins, sessions and API tokens stop working."""
    user = _call("users.disable", email=email)
    typer.echo(f"disabled {user['email']}")


@users_app.command("set-role")
def set_role(
    email: str = typer.Argument(..., help="The user's e-mail."),
    role: str = typer.Option(..., "--role", help="owner, practitioner, front_desk or viewer."),
) -> None:
    """Change a user's role; it applies to their next request."""
    user = _call("users.set_role", email=email, role=role)
    typer.echo(f"{user['email']} is now {user['role']}")


@users_app.command("set-password")
def set_password(
    email: str = typer.Argument(..., help="The user's e-mail."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the new password from standard input."
    ),
) -> None:
    """Reset a password (generated and printed once unless --password-stdin); ends sessions."""
    password = read_secret_line("password") if password_stdin else None
    done = _call("users.reset_password", email=email, password=password)
    typer.echo(f"password changed for {done['user']['email']}")
    if done["password"] is not None:
        typer.echo(f"password: {done['password']}")


@tokens_app.command("create")
def create_token(
    user: str = typer.Option(..., "--user", help="E-mail of the user the token acts for."),
    name: str = typer.Option("", "--name", help="A label, e.g. the client using it."),
) -> None:
    """Create a token; it is printed once, alone on the last line."""
    made = _call("tokens.create", email=user, name=name)
    typer.echo(
        f"created token {made['id']} for {made['user_email']}; store it now, it is not shown again:"
    )
    typer.echo(made["token"])


@tokens_app.command("list")
def list_tokens(
    user: str | None = typer.Option(None, "--user", help="Only this user's tokens."),
) -> None:
    """List tokens (prefix, owner, name, status); never the token itself."""
    table = Table("id", "prefix", "user", "name", "created", "status")
    for t in all_pages(get_settings(), "tokens.list", {"email": user} if user else {}):
        table.add_row(
            str(t["id"]),
            t["prefix"] + "...",
            t["user_email"],
            t["name"],
            t["created_at"][:19],
            "revoked" if t["revoked_at"] else "active",
        )
    Console().print(table)


@tokens_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="The token's id (see tokens list).")) -> None:
    """Revoke a token; requests with it get 401 from then on."""
    _call("tokens.revoke", token_id=token_id)
    typer.echo(f"revoked token {token_id}")
