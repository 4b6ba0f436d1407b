"""How each database backend is dumped, staged and replaced: a registry keyed by the
SQLAlchemy backend name (`sqlite`, `postgresql`), so backup and restore hold no if-chains.

SQLite uses its online backup API (consistent while the app writes, WAL or not); PostgreSQL
uses `pg_dump --format=custom` and, to restore, `pg_restore` into a scratch database for the
checks, then one `psql --single-transaction` that empties the schema and loads the dump, so a
failure part-way leaves the old database as it was.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import URL, make_url

from assistant.errors import AppError


class BackupError(AppError):
    code = "backup_failed"


class Store(Protocol):
    suffix: str
    magic: bytes

    def __init__(self, env: dict[str, str]) -> None: ...

    def dump(self, url: URL, out: Path) -> None: ...

    def has_data(self, url: URL) -> bool: ...

    def staged(self, url: URL, backup: Path) -> contextlib.AbstractContextManager[str]:
        """A scratch database holding the backup (its async URL), removed afterwards."""
        ...

    def replace(self, url: URL, backup: Path, staged: str) -> None:
        """Make the database at `url` the backup (`staged` is its checked copy)."""
        ...


def _async_url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class SQLiteStore:
    suffix = ".sqlite"
    magic = b"SQLite format 3\x00"

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    @staticmethod
    def _path(url: URL) -> Path:
        if not url.database or url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        return Path(url.database)

    @staticmethod
    def _copy(source: Path, target: Path, *, read_only: bool = True) -> None:
        """sqlite3's online backup: page by page, consistent, while others write."""
        mode = "?mode=ro" if read_only else ""
        src = sqlite3.connect(f"file:{source}{mode}", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    def dump(self, url: URL, out: Path) -> None:
        path = self._path(url)
        if not path.is_file():
            raise BackupError(f"no database at {path}; nothing to back up")
        self._copy(path, out)

    def has_data(self, url: URL) -> bool:
        path = self._path(url)
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            tables: int = conn.execute("select count(*) from sqlite_master").fetchone()[0]
            return tables > 0

    @contextlib.contextmanager
    def staged(self, url: URL, backup: Path) -> Iterator[str]:
        with tempfile.TemporaryDirectory(prefix="assistant-restore-") as folder:
            copy = Path(folder) / "staged.sqlite"
            self._copy(backup, copy)
            yield _async_url(url.set(database=str(copy)))

    def replace(self, url: URL, backup: Path, staged: str) -> None:
        path = self._path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The checked (and migrated) copy, written over the live file through SQLite itself.
        self._copy(self._path(make_url(staged)), path, read_only=False)


class PostgresStore:
    suffix = ".pgdump"
    magic = b"PGDMP"

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env  # the child processes' environment (Settings.child_env)

    @staticmethod
    def _tool(name: str) -> str:
        found = shutil.which(name)
        if found is None:
            raise BackupError(
                f"{name} not found: install the PostgreSQL client tools "
                "(Debian: apt-get install postgresql-client)"
            )
        return found

    def _libpq(self, url: URL) -> tuple[str, dict[str, str]]:
        """A libpq URI without the password, which goes in the environment instead."""
        plain = url.set(drivername="postgresql", password=None)
        env = dict(self.env)
        if url.password:
            env["PGPASSWORD"] = str(url.password)
        return plain.render_as_string(hide_password=False), env

    def _run(self, args: list[str], url: URL, stdin: bytes | None = None) -> bytes:
        uri, env = self._libpq(url)
        done = subprocess.run(
            [*args, f"--dbname={uri}"], input=stdin, capture_output=True, env=env, check=False
        )
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise BackupError(f"{Path(args[0]).name} failed: {reason[-1] if reason else '?'}")
        return done.stdout

    def dump(self, url: URL, out: Path) -> None:
        tool = self._tool("pg_dump")
        self._run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={out}"], url)

    def _scalar(self, url: URL, sql: str) -> str:
        tool = self._tool("psql")
        return self._run([tool, "-X", "-A", "-t", "-c", sql], url).decode().strip()

    def has_data(self, url: URL) -> bool:
        tables = "select count(*) from information_schema.tables where table_schema = 'public'"
        return int(self._scalar(url, tables) or 0) > 0

    def _load(self, url: URL, backup: Path, *, empty_first: bool) -> None:
        """The dump as SQL, run in one transaction (after emptying the schema if asked)."""
        script = subprocess.run(
            [self._tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(backup)],
            capture_output=True,
            env=self.env,
            check=False,
        )
        if script.returncode != 0:
            reason = script.stderr.decode(errors="replace").strip().splitlines()
            raise BackupError(
                f"pg_restore could not read the backup: {reason[-1] if reason else '?'}"
            )
        head = b"DROP SCHEMA public CASCADE; CREATE SCHEMA public;\n" if empty_first else b""
        psql = [self._tool("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        self._run(psql, url, stdin=head + script.stdout)

    @contextlib.contextmanager
    def staged(self, url: URL, backup: Path) -> Iterator[str]:
        name = f"{url.database}_restore_{uuid.uuid4().hex[:8]}"
        self._scalar(url, f'create database "{name}"')
        scratch = url.set(database=name)
        try:
            self._load(scratch, backup, empty_first=False)
            yield _async_url(scratch)
        finally:
            self._scalar(url, f'drop database if exists "{name}" with (force)')

    def replace(self, url: URL, backup: Path, staged: str) -> None:
        self._load(url, backup, empty_first=True)


STORES: dict[str, type[Store]] = {"sqlite": SQLiteStore, "postgresql": PostgresStore}


def store_for(url: URL, env: dict[str, str]) -> Store:
    """The backend's store; `env` is what its tools (pg_dump, psql) run with."""
    kind = STORES.get(url.get_backend_name())
    if kind is None:
        raise BackupError(f"no backup support for {url.get_backend_name()} databases")
    return kind(env)


def sniff(backup: Path) -> type[Store] | None:
    """The store whose file format this backup has, by its first bytes."""
    with backup.open("rb") as handle:
        head = handle.read(16)
    return next((s for s in STORES.values() if head.startswith(s.magic)), None)
