"""`assistant serve` and `assistant worker`: the long-running processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import typer

from assistant.privacy.keys import load_keyring
from assistant.privacy.logging import uvicorn_config_options
from assistant.privacy.scrubber import Scrubber
from assistant.privacy.setup import serving_level
from assistant.redis_server import EmbeddedRedis
from assistant.settings import Settings, get_settings


@contextlib.contextmanager
def _redis_for(settings: Settings) -> Iterator[Settings]:
    """Settings with a Redis URL: the configured one, or a server started for this run."""
    if settings.redis.url:
        yield settings
        return
    with EmbeddedRedis() as server:
        typer.echo(
            f"started a Redis-compatible server on {server.socket} "
            "(private socket, password, keeps nothing on disk)"
        )
        yield settings.model_copy(
            update={"redis": settings.redis.model_copy(update={"url": server.url})}
        )


@contextlib.contextmanager
def _worker_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    assert settings.redis.url
    env = settings.child_env(redis_url=settings.redis.url)
    process = subprocess.Popen([sys.executable, "-m", "assistant", "worker"], env=env)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _scrubber(ctx: typer.Context) -> Scrubber | None:
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    scrubber = obj.get("scrubber")
    return scrubber if isinstance(scrubber, Scrubber) else None


def _announce(host: str, port: int) -> None:
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    typer.echo(
        f"\nThe clinic co-pilot is ready: open http://{shown}:{port} in your browser.\n"
        "Sign in with a demo user: their passwords were printed above by `assistant demo seed`\n"
        "the first time it ran (lost them? `assistant users set-password EMAIL`).\n"
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _announcing_server(config: Any) -> Any:
    """uvicorn's server, saying where to go once it is listening (not before)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                _announce(config.host, config.port)

    return Server(config)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    with_worker: bool = typer.Option(
        False, "--with-worker", help="Also run the background worker as a child process."
    ),
) -> None:
    """Serve the app (and, with --with-worker, the worker); Ctrl-C stops everything."""
    import uvicorn

    from server.app import create_app

    serving_level(get_settings())
    load_keyring(get_settings().keys_path)  # refuse to start without a key, in one line
    # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit it lets main()
    # drain the log queue instead of the process dying with records still queued.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with contextlib.ExitStack() as stack:
        settings = stack.enter_context(_redis_for(get_settings()))
        if with_worker:
            stack.enter_context(_worker_process(settings))
        config = uvicorn.Config(
            create_app(settings, scrubber=_scrubber(ctx)),
            host=host,
            port=port,
            lifespan="on",
            **uvicorn_config_options(),
        )
        _announcing_server(config).run()


def worker(ctx: typer.Context) -> None:
    """Run the background worker (jobs, approvals, enrichment, cron) until stopped."""
    settings = get_settings()
    if not settings.redis.url:
        raise typer.BadParameter("ASSISTANT_REDIS_URL must be set for a standalone worker")
    serving_level(settings)
    load_keyring(settings.keys_path)
    asyncio.run(_run_worker(settings, _scrubber(ctx)))


async def _run_worker(settings: Settings, scrubber: Scrubber | None) -> None:
    from assistant import compose
    from assistant.worker import build_worker

    worker = build_worker(settings, compose.procedures(), compose.job_kinds(), scrubber=scrubber)
    try:
        await worker.async_run()
    except asyncio.CancelledError:
        typer.echo("worker stopped", err=True)  # SIGINT/SIGTERM: arq cancels its main task
    finally:
        await worker.close()
