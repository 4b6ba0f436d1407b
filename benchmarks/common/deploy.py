"""A throwaway deployment for load benchmarks: a data directory with its key, a migrated
database, the machine's Redis on a database number of the benchmark's own, and the project's
processes (`assistant serve`, workers) started from it with ASSISTANT_* settings.

Redis is shared with whatever else runs on the machine: a benchmark uses its own database
number and a queue name of its own, deletes only the keys it made, and never flushes.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Deployment:
    """Where the processes of one benchmark run keep their state, and how to start them."""

    work: Path
    database_url: str
    redis_url: str
    queue: str
    overrides: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a child process: these settings over the caller's own."""
        values = {
            "environment": "development",
            "data_dir": str(self.work),
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "key_file": str(self.work / "keys.json"),
            "jobs_queue": self.queue,
            "log_level": "WARNING",
            **self.overrides,
            **extra,
        }
        return self.settings().child_env(**values)

    def settings(self) -> Settings:
        """The same settings for work done in the benchmark's own process."""
        return Settings(
            data_dir=self.work,
            database={"url": self.database_url},
            redis={"url": self.redis_url},
            key_file=self.work / "keys.json",
            jobs={"queue": self.queue},
        )


@contextlib.contextmanager
def deployment(
    redis_url: str, database_url: str | None = None, **overrides: str
) -> Iterator[Deployment]:
    """A fresh data directory (a SQLite file in it unless `database_url`), migrated; the
    Redis keys under its queue name are deleted at the end."""
    from assistant.db import migrate
    from assistant.privacy.keys import create_key_file

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    url = database_url or f"sqlite+aiosqlite:///{work / 'assistant.db'}"
    queue = f"bench:{uuid.uuid4().hex[:12]}"
    found = Deployment(work, url, redis_url, queue, dict(overrides))
    try:
        create_key_file(work / "keys.json")
        migrate.upgrade(url)
        yield found
    finally:
        asyncio.run(delete_keys(redis_url, f"*{queue}*"))
        shutil.rmtree(work, ignore_errors=True)


async def delete_keys(redis_url: str, pattern: str) -> int:
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    try:
        keys = [key async for key in redis.scan_iter(match=pattern, count=1000)]
        for start in range(0, len(keys), 500):
            await redis.delete(*keys[start : start + 500])
        return len(keys)
    finally:
        await redis.aclose()


@dataclass
class Process:
    """A child process whose output goes to a log file (read back when it fails)."""

    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def stop(self, timeout: float = 30) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start(argv: Sequence[str], env: dict[str, str], log: Path) -> Process:
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, *argv], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return Process(popen, log)


def wait_until(ready: Callable[[], bool], processes: Sequence[Process], timeout: float) -> None:
    """Until `ready()`; raises with the output of a process that exited, or on timeout."""
    deadline = time.monotonic() + timeout
    while not ready():
        for process in processes:
            if process.popen.poll() is not None:
                raise RuntimeError(f"a benchmark process exited early:\n{process.output()}")
        if time.monotonic() > deadline:
            tails = "\n".join(p.output() for p in processes)
            raise TimeoutError(f"processes not ready after {timeout:.0f} s:\n{tails}")
        time.sleep(0.1)


def http_ready(url: str) -> Callable[[], bool]:
    import httpx

    def ready() -> bool:
        try:
            return httpx.get(url, timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    return ready


def ready_files(paths: Sequence[Path]) -> Callable[[], bool]:
    return lambda: all(p.exists() for p in paths)
