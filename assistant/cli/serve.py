"""`assistant serve` and `assistant worker`: the long-running processes."""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from assistant.cli._common import fail
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
                process.wait(timeout=settings.jobs.drain_seconds + 10)  # its jobs' drain
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _scrubber(ctx: typer.Context) -> Scrubber | None:
    obj = ctx.obj if isinstance(ctx.obj, dict) else {}
    scrubber = obj.get("scrubber")
    return scrubber if isinstance(scrubber, Scrubber) else None


def _announce(host: str, port: int, scheme: str) -> None:
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    typer.echo(
        f"\nThe clinic co-pilot is ready: open {scheme}://{shown}:{port} in your browser.\n"
        "Sign in with a demo user: their passwords were printed above by `assistant demo seed`\n"
        "the first time it ran (lost them? `assistant users set-password EMAIL`).\n"
    )


# uvloop's event loop and httptools' parser instead of asyncio's loop and h11: a streamed
# token wakes the loop and writes one chunk, and on a CPU box that work is taken from the
# engine's cores (benchmarks/README.md, "bench overhead").
LOOP = "asyncio" if sys.platform == "win32" else "uvloop"
HTTP = "httptools"


def uvicorn_config(app: Any, settings: Settings, host: str, port: int) -> Any:
    """How `assistant serve` runs `app` under uvicorn."""
    import uvicorn

    from server.access import access_logged

    return uvicorn.Config(
        access_logged(app),  # the access line, once each response has ended
        host=host,
        port=port,
        lifespan="on",
        # The app alone decides whom to believe (ASSISTANT_TRUSTED_PROXIES,
        # server/forwarded.py); uvicorn's own default trusts 127.0.0.1.
        proxy_headers=False,
        ssl_certfile=settings.tls.certfile,
        ssl_keyfile=settings.tls.keyfile,
        # The drain ends every stream by its deadline; this is uvicorn's backstop after it.
        timeout_graceful_shutdown=math.ceil(settings.server.drain_seconds) + 5,
        timeout_keep_alive=settings.server.keep_alive_seconds,
        loop=LOOP,
        http=HTTP,
        **uvicorn_config_options(),
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _server(config: Any, drain: Any) -> Any:
    """uvicorn's server, saying where to go once it is listening (not before), and beginning
    the app's drain (server/drain.py) as its own graceful shutdown starts."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                _announce(config.host, config.port, "https" if config.is_ssl else "http")

        async def shutdown(self, sockets: Any = None) -> None:
            drain.begin()
            await super().shutdown(sockets)

    return Server(config)


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    with_worker: bool = typer.Option(
        False, "--with-worker", help="Also run the background worker as a child process."
    ),
    certfile: Path | None = typer.Option(
        None, "--certfile", help="Serve HTTPS with this PEM certificate (ASSISTANT_TLS_CERTFILE)."
    ),
    keyfile: Path | None = typer.Option(
        None, "--keyfile", help="The certificate's PEM private key (ASSISTANT_TLS_KEYFILE)."
    ),
) -> None:
    """Serve the app (and, with --with-worker, the worker); Ctrl-C stops everything."""
    from server.app import create_app

    base = _with_tls(get_settings(), certfile, keyfile)
    serving_level(base)
    load_keyring(base.keys_path)  # refuse to start without a key, in one line
    # uvicorn re-raises SIGTERM after its graceful shutdown; as SystemExit it lets main()
    # drain the log queue instead of the process dying with records still queued.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with contextlib.ExitStack() as stack:
        settings = stack.enter_context(_redis_for(base))
        if with_worker:
            stack.enter_context(_worker_process(settings))
        app = create_app(settings, scrubber=_scrubber(ctx))
        _server(uvicorn_config(app, settings, host, port), app.state.drain).run()


def _with_tls(settings: Settings, certfile: Path | None, keyfile: Path | None) -> Settings:
    """The flags win over ASSISTANT_TLS_*; both files or neither, and both readable."""
    if certfile is None and keyfile is None:
        tls = settings.tls
    elif certfile is None or keyfile is None:
        fail("--certfile and --keyfile go together")
    else:
        tls = settings.tls.model_copy(update={"certfile": certfile, "keyfile": keyfile})
    for flag, path in (("--certfile", tls.certfile), ("--keyfile", tls.keyfile)):
        if path is not None and not path.is_file():
            fail(f"{flag}: no such file {path}")
    return settings.model_copy(update={"tls": tls})


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
