"""`assistant policy list | set PROCEDURE auto|confirm|approve [--role ROLE]`: the clinic's
policy per procedure, through the owner's procedures (audited like any call)."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli._common import call_procedure
from assistant.db.models import Role
from assistant.settings import get_settings

app = typer.Typer(
    help="What runs at once (auto), asks its requester (confirm) or a second person (approve).",
    no_args_is_help=True,
)
ROLES = [r.value for r in Role]


@app.command("list")
def list_() -> None:
    """Each procedure's policy per role (a dash: the role may not call it)."""
    table = Table("procedure", "default", "floor", *ROLES)
    for p in call_procedure(get_settings(), "policies.list", {})["items"]:
        marks = [
            p["effective"].get(role, "-") + ("*" if role in p["by_role"] else "") for role in ROLES
        ]
        table.add_row(p["procedure"], p["default"], p["floor"], *marks)
    Console(width=120).print(table)
    typer.echo("* a role's own policy")


@app.command("set")
def set_(
    procedure: str = typer.Argument(..., help="The procedure, e.g. contacts.merge."),
    policy: str = typer.Argument(
        ..., help="auto, confirm or approve; `default` removes the clinic's choice."
    ),
    role: str | None = typer.Option(None, "--role", help="Only this role (default: every role)."),
) -> None:
    """Set a procedure's policy; never below its floor (critical ones stay `approve`)."""
    args: dict[str, str] = {"procedure": procedure, "policy": policy}
    if role is not None:
        args["role"] = role
    out = call_procedure(get_settings(), "policies.set", args)
    who = f"the {role} role" if role else "every role"
    now = (
        out["effective"].get(role, "-")
        if role
        else ", ".join(f"{r}: {level}" for r, level in out["effective"].items())
    )
    typer.echo(f"{out['procedure']} set to {policy} for {who} (now {now})")
