"""`assistant ...`: the command line. Each sub-module owns one group of commands."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError, ProgrammingError

from assistant.cli import (
    audit,
    backup,
    bench,
    db,
    demo,
    keys,
    models,
    nlu,
    parse,
    policy,
    privacy,
    serve,
    users,
)
from assistant.errors import AppError
from assistant.privacy.setup import one_shot_level, start_logging
from assistant.redis_server import RedisServerError
from assistant.settings import get_settings

app = typer.Typer(
    help="Self-hosted, privacy-first AI co-pilot for clinic CRMs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.command("worker")(serve.worker)
app.add_typer(db.db_app, name="db")
app.add_typer(demo.demo_app, name="demo")
app.add_typer(users.users_app, name="users")
app.add_typer(users.tokens_app, name="tokens")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(models.app, name="models")
app.command("chat")(models.chat_command)
app.add_typer(privacy.app, name="privacy")
app.command("parse")(parse.parse_command)
app.add_typer(nlu.app, name="nlu")
app.add_typer(keys.app, name="keys")
app.add_typer(policy.app, name="policy")
app.add_typer(bench.bench_app, name="bench")
app.add_typer(backup.backup_app, name="backup")


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.message
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"invalid configuration {where}: {first['msg']}"
    if isinstance(exc, OperationalError | ProgrammingError):
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        if "no such table" in reason or "does not exist" in reason:
            return f"the database is not set up ({reason}); run `assistant db upgrade` first"
        return f"database error: {reason}"
    return str(exc)


def main() -> None:
    """Entry point: typed errors become one clear line on stderr and exit code 1.

    Every process logs through the scrubbed pipeline; the scrubber reaches `serve` and
    `worker` through typer's context object so they can keep its deny-list fresh.
    """
    handle = None
    try:
        settings = get_settings()
        handle, scrubber = start_logging(settings, one_shot_level(settings))
        app(obj={"scrubber": scrubber})
    except (
        AppError,
        ValidationError,
        OperationalError,
        ProgrammingError,
        RedisServerError,
        OSError,
    ) as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        sys.exit(1)
    finally:
        if handle is not None:
            handle.close()
