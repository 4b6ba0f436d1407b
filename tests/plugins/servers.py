"""Real `assistant serve` processes for tests that cross process boundaries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from typing import Any

import httpx

from assistant.settings import Settings


class Inbox:
    """An aiosmtpd handler that keeps every message it is given (a real SMTP server)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Session-scoped staff make every request of a test run, so the limits a clinic wants would
# trip: every app the tests build raises them. The limits' own tests
# (tests/integration/server/test_rate_limits.py) set their own.
HIGH_RATE_LIMITS = {"chat_per_minute": 1_000_000, "v1_per_minute": 1_000_000, "streams": 10_000}


def server_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_ENVIRONMENT="test",
        ASSISTANT_DATABASE_URL=settings.database_url,
        ASSISTANT_REDIS_URL=settings.redis.url or "",
        ASSISTANT_DATA_DIR=str(settings.data_dir),
        ASSISTANT_KEY_FILE=str(settings.keys_path),
        ASSISTANT_EVENTS_KEEPALIVE_SECONDS="0.5",
        # The settings' own secret and sign-in limits: throttle keys are keyed by the secret,
        # so a shared one would count every earlier run's failed sign-ins from 127.0.0.1.
        ASSISTANT_SECRET_KEY=settings.secret_key.get_secret_value(),
        ASSISTANT_AUTH_LOGIN_MAX_FAILURES=str(settings.auth.login_max_failures),
        ASSISTANT_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT=str(
            settings.auth.login_max_failures_per_client
        ),
        ASSISTANT_AUTH_LOGIN_LOCKOUT_SECONDS=str(settings.auth.login_lockout_seconds),
        **{f"ASSISTANT_RATE_{key.upper()}": str(value) for key, value in HIGH_RATE_LIMITS.items()},
    )
    env.update(extra)
    return env


@contextmanager
def running_server(settings: Settings, **extra: str) -> Iterator[str]:
    """`assistant serve` on a free port until the block ends. Its output goes to a file, never
    a pipe: a pipe nobody reads until teardown fills at 64 KB and then blocks the server's
    every write (a log line, so a request), which reads as a hung server."""
    port = free_port()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
            env=server_env(settings, **extra),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass  # not listening yet
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    raise RuntimeError(f"server did not start: {output.read()[-20_000:]}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


@dataclass
class SSE:
    id: str | None
    event: str
    data: dict[str, Any]


async def sse_events(response: httpx.Response) -> AsyncIterator[SSE | None]:
    """Parse an SSE stream; yields None for a keep-alive comment."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line.startswith(":"):
            yield None
        elif line == "":
            if "data" in fields:
                yield SSE(
                    fields.get("id"), fields.get("event", "message"), json.loads(fields["data"])
                )
            fields = {}
        else:
            key, _, value = line.partition(":")
            fields[key] = value.removeprefix(" ")
