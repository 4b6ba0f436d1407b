"""`assistant db ...`: schema migrations."""

from __future__ import annotations

import typer

from assistant.db import migrate
from assistant.settings import get_settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    migrate.upgrade(get_settings().database_url, revision)
    typer.echo(
        f"database at revision {migrate.head_revision() if revision == 'head' else revision}"
    )


@db_app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(get_settings().database_url, revision)
    typer.echo(f"database at revision {revision}")
