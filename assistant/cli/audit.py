"""`assistant audit verify`: the owner's `audit.verify`, called as the CLI's system principal."""

from __future__ import annotations

import typer

from assistant.cli._common import call_procedure, fail
from assistant.settings import get_settings

audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def verify_command() -> None:
    """Check every link of the audit chain; exit 1 naming the first broken one."""
    report = call_procedure(get_settings(), "audit.verify", {})
    if not report["ok"]:
        fail(
            f"audit chain broken at event {report['broken_seq']}: {report['reason']} "
            f"({report['count']} events before it are intact)"
        )
    typer.echo(f"audit chain intact: {report['count']} events")
