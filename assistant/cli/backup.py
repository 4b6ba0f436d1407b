"""`assistant backup create [--out FILE] [--keys-out FILE]` and
`assistant backup restore FILE [--force]` (assistant/ops/backup.py does the work)."""

from __future__ import annotations

from pathlib import Path

import typer

from assistant.clock import SystemClock
from assistant.ops import backup
from assistant.settings import get_settings

backup_app = typer.Typer(help="Back up and restore the database.", no_args_is_help=True)


@backup_app.command("create")
def create(
    out: Path | None = typer.Option(
        None, "--out", help="The backup file (default: backups/ under the data directory)."
    ),
    keys_out: Path | None = typer.Option(
        None,
        "--keys-out",
        help="Also copy the key file here; it must not be the backup's directory.",
    ),
) -> None:
    """Back up the database while the app runs (SQLite's online backup API, or pg_dump)."""
    made = backup.create(get_settings(), SystemClock().now(), out, keys_out)
    typer.echo(f"backup written to {made.backup}")
    if made.keys is not None:
        typer.echo(f"key file copied to {made.keys}; keep it apart from the backup")
    else:
        typer.echo(
            "the key file is not in the backup: without it the notes cannot be read; "
            "back it up separately (--keys-out)"
        )


@backup_app.command("restore")
def restore(
    file: Path = typer.Argument(..., help="A file made by `assistant backup create`."),
    force: bool = typer.Option(
        False, "--force", help="Replace a database that already holds data."
    ),
) -> None:
    """Check a backup (schema revision, the key file reads it), then replace the database."""
    done = backup.restore(get_settings(), file, force=force)
    typer.echo(
        f"restored {file} (schema revision {done.revision}); "
        f"{done.encrypted_values} encrypted values read with the key file"
    )
    if done.migrated_to is not None:
        typer.echo(f"migrated to revision {done.migrated_to}")
