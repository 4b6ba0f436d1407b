"""A scaled install of real processes on 127.0.0.1: app replicas behind nginx, workers, one
PostgreSQL database of its own and one Redis-compatible server of its own.

nginx runs deploy/nginx/assistant.conf.template, the file the scaled compose profile runs,
with a self-signed certificate made here. Redis is a `valkey-server` (the one `make run`
embeds) on a TCP port of its own, so a test may restart it without touching anyone else's.
Every process is stopped at the end, also when a test fails; their output is kept in log
files, and the tail of each is shown with a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import httpx
import pytest

from assistant.redis_server import find_server_binary
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.certs import self_signed
from tests.plugins.servers import SSE, free_port, server_env, sse_events
from tests.plugins.services import new_database

ROOT = Path(__file__).resolve().parents[2]
PROXY_TEMPLATE = ROOT / "deploy" / "nginx" / "assistant.conf.template"


def wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)


async def eventually(check: Callable[[], object], seconds: float, what: str) -> None:
    """Poll an async or plain check until it is truthy, with a deadline."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(0.05)


def _answers(url: str, verify: ssl.SSLContext | bool = True) -> bool:
    try:
        return httpx.get(url, timeout=1, verify=verify).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Process:
    """One child process with its log file; `start` again after a stop or a kill."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def launch(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
            )

    # Generous: on a busy 2-core machine a replica has taken 40 s to answer its first probe.
    def await_ready(self, seconds: float = 180) -> None:
        if self.ready is None:
            return
        ready = self.ready

        def up() -> bool:
            if not self.running:
                raise AssertionError(f"{self.name} exited:\n{self.tail()}")
            return ready()

        wait_until(up, seconds, f"{self.name} to be ready")

    def start(self, seconds: float = 180) -> Process:
        self.launch()
        self.await_ready(seconds)
        return self

    def signal(self, signum: int) -> None:
        if self.running:
            assert self.popen is not None
            os.kill(self.popen.pid, signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.wait(10)

    def wait(self, seconds: float) -> int:
        assert self.popen is not None
        return self.popen.wait(timeout=seconds)

    def stop(self, seconds: float = 30) -> None:
        if not self.running:
            return
        assert self.popen is not None
        self.popen.terminate()
        try:
            self.popen.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def render_proxy_config(folder: Path, upstreams: list[int], port: int) -> Path:
    """deploy/nginx's template filled as envsubst would, inside a main file of our own."""
    cert, key = self_signed(folder, "proxy")
    conf = Template(PROXY_TEMPLATE.read_text()).safe_substitute(
        ASSISTANT_PROXY_UPSTREAMS=" ".join(f"server 127.0.0.1:{p};" for p in upstreams),
        ASSISTANT_PROXY_LISTEN=f"127.0.0.1:{port}",
        ASSISTANT_PROXY_HTTP_LISTEN=f"127.0.0.1:{free_port()}",
        ASSISTANT_PROXY_CERT=str(cert),
        ASSISTANT_PROXY_KEY=str(key),
    )
    (folder / "assistant.conf").write_text(conf)
    temp = folder / "temp"
    temp.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        "daemon off;\n"
        "worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        # As root the workers would run as nobody, who may not enter pytest's 0700 folders.
        + ("user root;\n" if os.geteuid() == 0 else "")
        + "events { worker_connections 1024; }\n"
        "http {\n"
        f"  access_log {folder / 'access.log'};\n"
        + "".join(
            f"  {kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder / 'assistant.conf'};\n"
        "}\n"
    )
    return main


def require_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is not installed, and CI=true requires it (.ci/run installs it)")
    pytest.skip("nginx is not installed (apt-get install nginx)")


@dataclass
class Cluster:
    folder: Path
    settings: Settings
    """The cluster's database, Redis and key file, for the test's own Runtime and members."""
    ca: ssl.SSLContext
    redis: Process
    apps: dict[str, Process]
    ports: dict[str, int]
    workers: list[Process]
    proxy: Process
    proxy_url: str
    extra: dict[str, str] = field(default_factory=dict)

    def app_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def client(self, base_url: str | None = None, **kwargs: object) -> httpx.AsyncClient:
        """An async client through the proxy (HTTPS, our certificate) or to one replica."""
        url = base_url or self.proxy_url
        return httpx.AsyncClient(
            base_url=url, verify=self.ca, timeout=httpx.Timeout(30, read=60), **kwargs
        )

    @property
    def processes(self) -> list[Process]:
        return [self.redis, *self.apps.values(), *self.workers, self.proxy]

    def heal(self) -> None:
        """Start whatever a test stopped or killed (Redis first, the proxy last), so the
        next test finds all of it; processes of one kind start side by side."""
        for group in ([self.redis], [*self.apps.values(), *self.workers], [self.proxy]):
            stopped = [process for process in group if not process.running]
            for process in stopped:
                process.launch()
            for process in stopped:
                process.await_ready()

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop(seconds=30)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in self.processes)


def _redis_process(folder: Path, port: int) -> Process:
    argv = [
        str(find_server_binary()),
        "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(folder), "--loglevel", "warning",
    ]  # fmt: skip

    def ready() -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return Process("redis", argv, dict(os.environ), folder / "redis.log", ready)


@dataclass
class ClusterSpec:
    """What a test module needs of the cluster: `env` goes to every app and worker, after
    `{folder}` in its values becomes the cluster's folder, where `files` are written."""

    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    workers: int = 2


@pytest.fixture(scope="module")
def cluster(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    key_file: Path,
) -> Iterator[Cluster]:
    """Two replicas behind nginx, two workers, PostgreSQL and Redis; a module's tests share
    it (each starts with `heal`). A module may set `CLUSTER = ClusterSpec(...)`."""
    from assistant.db import migrate

    spec: ClusterSpec = getattr(request.module, "CLUSTER", ClusterSpec())
    nginx = require_nginx()
    folder = tmp_path_factory.mktemp("cluster")
    with new_database("postgres", folder) as db_url:
        migrate.upgrade(db_url)
        redis_port = free_port()
        settings = Settings(
            environment="test",
            data_dir=folder,
            key_file=key_file,
            database={"url": db_url},
            redis={"url": f"redis://127.0.0.1:{redis_port}/0"},
            jobs={"queue": f"assistant:cluster:{uuid.uuid4().hex[:8]}"},
        )
        for name, content in spec.files.items():
            (folder / name).write_text(content)
        env = server_env(
            settings,
            ASSISTANT_JOBS_QUEUE=settings.jobs.queue,
            ASSISTANT_LOG_LEVEL="WARNING",
            **{key: value.format(folder=folder) for key, value in spec.env.items()},
        )
        redis = _redis_process(folder, redis_port)
        ports = {name: free_port() for name in ("a", "b")}
        apps = {
            name: Process(
                f"app-{name}",
                [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
                env,
                folder / f"app-{name}.log",
                lambda port=port: _answers(f"http://127.0.0.1:{port}/readyz"),
            )
            for name, port in ports.items()
        }
        workers = [
            Process(
                f"worker-{i}",
                [sys.executable, "-m", "assistant", "worker"],
                env,
                folder / f"worker-{i}.log",
            )
            for i in range(spec.workers)
        ]
        proxy_port = free_port()
        proxy_dir = folder / "nginx"
        proxy_dir.mkdir()
        main = render_proxy_config(proxy_dir, list(ports.values()), proxy_port)
        ca = ssl.create_default_context(cafile=str(proxy_dir / "proxy-cert.pem"))
        proxy_url = f"https://127.0.0.1:{proxy_port}"
        proxy = Process(
            "nginx",
            [nginx, "-p", str(proxy_dir), "-c", str(main), "-e", str(proxy_dir / "error.log")],
            dict(os.environ),
            proxy_dir / "error.log",
            lambda: _answers(f"{proxy_url}/healthz", ca),
        )
        built = Cluster(folder, settings, ca, redis, apps, ports, workers, proxy, proxy_url)
        try:
            built.heal()
            yield built
        except BaseException:
            print(built.logs())
            raise
        finally:
            built.stop()


@pytest.fixture
def healthy(cluster: Cluster) -> Iterator[Cluster]:
    """The module's cluster with every process running. The processes' logs are printed
    after the test: pytest shows them when it fails."""
    cluster.heal()
    yield cluster
    print(cluster.logs())


class ResumingListener:
    """A browser's EventSource on `/api/events`: when the stream ends or breaks it connects
    again, sending the last id it saw as Last-Event-ID."""

    def __init__(self, client: Callable[[], httpx.AsyncClient], member: Member) -> None:
        self.client, self.member = client, member
        self.events: list[SSE] = []
        self.connections = 0
        self.failures: list[str] = []
        self.live = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def last_id(self) -> str | None:
        return next((e.id for e in reversed(self.events) if e.id is not None), None)

    def ids(self, kind: str) -> list[int]:
        return [int(e.id) for e in self.events if e.event == kind and e.id is not None]

    async def _run(self) -> None:
        while True:
            headers = dict(self.member.headers)
            if self.last_id is not None:
                headers["Last-Event-ID"] = self.last_id
            try:
                async with (
                    self.client() as http,
                    http.stream("GET", "/api/events", headers=headers) as response,
                ):
                    if response.status_code != 200:
                        self.failures.append(f"HTTP {response.status_code}")
                    else:
                        self.connections += 1
                        async for event in sse_events(response):
                            self.live.set()
                            if event is not None:
                                self.events.append(event)
                        self.failures.append("ended")
            except httpx.HTTPError as exc:
                self.failures.append(type(exc).__name__)
            self.live.clear()
            await asyncio.sleep(0.2)

    async def __aenter__(self) -> ResumingListener:
        self._task = asyncio.create_task(self._run())
        await eventually(self.live.is_set, 30, "the event stream to open")
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture
async def cluster_runtime(cluster: Cluster) -> AsyncIterator[Runtime]:
    """The test's own connections to the cluster's database and Redis."""
    runtime = Runtime.create(cluster.settings)
    yield runtime
    await runtime.close()
