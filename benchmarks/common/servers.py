"""Servers a benchmark starts as real processes: ours (`assistant serve`, with its own SQLite
database, a signed-up user and an API token, rate limits off) and `python -m llama_cpp.server`
for comparison. Each is handed over once it is ready and then quiet (`quiet`); both are
stopped (terminate, then kill) when the block ends."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH_EMAIL = "bench@clinic.example.com"
BENCH_ROLE = "owner"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Running:
    url: str
    token: str = ""
    email: str = BENCH_EMAIL
    role: str = BENCH_ROLE
    log: Path | None = None
    pid: int | None = None
    quiet_after_s: float | None = None
    """Seconds from answering its readiness check to going quiet (`quiet`)."""


QUIET_SHARE = 0.05
"""Of one core: a server using less over `QUIET_WINDOW` is idle."""
QUIET_WINDOW = 1.0
QUIET_TIMEOUT = 120.0


async def quiet(pid: int, share: float = QUIET_SHARE, window: float = QUIET_WINDOW,
                give_up_s: float = QUIET_TIMEOUT) -> float:  # fmt: skip
    """Wait until process `pid` uses under `share` of one core over `window` seconds (or
    `give_up_s` passes); the seconds waited.

    Ready is not yet idle: ours loads its log scrubber (spaCy and Presidio) in a thread for
    about 6 s of a full core after /readyz first answers, and a request timed meanwhile
    shares the cores with it, and an engine with the cores is what a benchmark measures."""
    import psutil

    process = psutil.Process(pid)

    def used() -> float:
        times = process.cpu_times()
        return float(times.user + times.system)

    started = time.monotonic()
    last = used()
    while True:
        await asyncio.sleep(window)
        now = used()
        waited = time.monotonic() - started
        if now - last < share * window or waited >= give_up_s:
            return waited
        last = now


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"server did not start ({url}): {tail}")
        time.sleep(0.25)


@contextmanager
def _process(args: list[str], env: Mapping[str, str] | None, log: Path) -> Iterator[
    subprocess.Popen[bytes]
]:  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _prepare(settings: object) -> str:
    """Migrate the database, write a key file, add the bench user; return its API token."""
    from assistant.auth.tokens import create_token
    from assistant.auth.users import create_user
    from assistant.db import migrate
    from assistant.db.engine import create_engine, session_factory
    from assistant.privacy.keys import create_key_file, load_keyring
    from assistant.settings import Settings

    assert isinstance(settings, Settings)
    create_key_file(settings.keys_path)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    db = create_engine(settings.database_url, keyring=load_keyring(settings.keys_path))
    try:
        async with session_factory(db)() as session, session.begin():
            user = await create_user(
                session, email=BENCH_EMAIL, role=BENCH_ROLE, password="benchmark-password-1"
            )
            _, token = await create_token(session, user, name="benchmark")
    finally:
        await db.dispose()
    return token


@asynccontextmanager
async def our_server(env: Mapping[str, str], wait_s: float = 300) -> AsyncIterator[Running]:
    """`assistant serve` on a free port, its state in a temporary directory. `env` adds
    ASSISTANT_* settings (engine, model, threads...); rate limits are off (0) unless given."""
    from assistant.settings import Settings, get_settings

    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    overrides = {
        "environment": "development",
        "data_dir": str(work),
        "database_url": f"sqlite+aiosqlite:///{work / 'assistant.db'}",
        "key_file": str(work / "keys.json"),
        "rate_chat_per_minute": "0",
        "rate_v1_per_minute": "0",
        "rate_streams": "0",
    }
    child = get_settings().child_env(**overrides)
    child.update(env)
    settings = Settings(data_dir=work, key_file=work / "keys.json",
                        database={"url": overrides["database_url"]})  # fmt: skip
    token = await _prepare(settings)
    port = free_port()
    log = work / "server.log"
    command = [sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    with _process(command, child, log) as process:
        url = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(_wait, f"{url}/readyz", process, log, wait_s)
        yield Running(url, token, log=log, pid=process.pid, quiet_after_s=await quiet(process.pid))


@asynccontextmanager
async def llama_cpp_server(
    model: Path, threads: int | None, n_ctx: int, wait_s: float = 300
) -> AsyncIterator[Running]:
    """`python -m llama_cpp.server` on `model` (the peer our /v1 is compared with)."""
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-llama-server-")) / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx),
               "--verbose", "False"]  # fmt: skip
    if threads:
        command += ["--n_threads", str(threads), "--n_threads_batch", str(threads)]
    with _process(command, None, log) as process:
        url = f"http://127.0.0.1:{port}/v1"
        await asyncio.to_thread(_wait, f"{url}/models", process, log, wait_s)
        yield Running(url, log=log, pid=process.pid, quiet_after_s=await quiet(process.pid))
