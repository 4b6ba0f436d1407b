"""Requests per second of one cheap endpoint with 1 or N app processes on one PostgreSQL.

Starts N `assistant serve` processes on free ports (same PostgreSQL, Redis and key file),
then C closed-loop clients spread round-robin over them for --seconds; prints requests/s,
p50/p99 latency and the PostgreSQL connections the processes held. The client balances by
itself (no proxy), so this is the app's own ceiling; run it on an otherwise idle machine.
Run: .venv/bin/python benchmarks/scaling/replicas.py --database-url postgresql+asyncpg://...
       --redis-url redis://127.0.0.1:6379/0 --key-file var/keys.json [--processes 1 2]
       [--path /readyz] [--token TOKEN] [--clients 32] [--seconds 15]
(the database must be migrated: `assistant db upgrade`.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import httpx

from assistant.settings import get_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def servers(count: int, env: dict[str, str]) -> Iterator[list[str]]:
    ports = [_free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, proc in zip(urls, procs, strict=True):
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass  # not listening yet
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{url} did not start")
                time.sleep(0.3)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


async def drive(
    urls: list[str], path: str, headers: dict[str, str], clients: int, seconds: float
) -> list[float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def client(n: int) -> None:
        base = urls[n % len(urls)]
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as http:
            while time.monotonic() < stop:
                started = time.perf_counter()
                answer = await http.get(path)
                answer.raise_for_status()
                latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies


async def pg_connections(dsn: str, database: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        return int(count)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--path", default="/readyz")
    parser.add_argument("--token", help="Bearer token (for an authenticated path)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    env = get_settings().child_env(
        environment="test",
        database_url=args.database_url,
        redis_url=args.redis_url,
        key_file=args.key_file,
        engine="none",
        log_level="WARNING",
    )
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    dsn = args.database_url.replace("+asyncpg", "")
    database = dsn.rsplit("/", 1)[-1]
    print(f"path {args.path}, {args.clients} clients, {args.seconds:g} s, cores {os.cpu_count()}")
    print("processes  requests/s  p50 ms  p99 ms  pg connections")
    for count in args.processes:
        with servers(count, env) as urls:
            asyncio.run(drive(urls, args.path, headers, args.clients, 2))  # warm up
            latencies = asyncio.run(drive(urls, args.path, headers, args.clients, args.seconds))
            held = asyncio.run(pg_connections(dsn, database))
        ms = sorted(x * 1000 for x in latencies)
        p99 = ms[int(0.99 * (len(ms) - 1))]
        print(
            f"{count:9d}  {len(ms) / args.seconds:10.0f}  {statistics.median(ms):6.1f}"
            f"  {p99:6.1f}  {held:14d}"
        )


if __name__ == "__main__":
    main()
