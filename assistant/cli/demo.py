"""`assistant demo seed`."""

from __future__ import annotations

import typer

from assistant.cli._common import run
from assistant.clock import SystemClock
from assistant.demo import seed_demo
from assistant.settings import get_settings

demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)


@demo_app.command("seed")
def seed() -> None:
    """Add demo users and clinic data once; later runs change nothing."""

    report = run(seed_demo(get_settings(), SystemClock().now()))
    if not report.created:
        typer.echo("demo data already present; nothing changed")
        return
    typer.echo(
        f"seeded {report.contacts} contacts, {report.notes} notes, {report.tasks} tasks, "
        f"{report.appointments} appointments"
    )
    typer.echo("demo users (passwords are shown this once):")
    for email, password in report.passwords.items():
        typer.echo(f"  {email}  {password}")
