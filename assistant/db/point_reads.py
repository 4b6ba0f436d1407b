"""Point reads on the event loop, for SQLite: a synchronous, read-only connection to the file.

Authentication reads one row (a token's or session's hash, indexed) before every request's
first byte. Through aiosqlite that one read is about eight hops between the event loop and
the driver's thread (begin, cursor, execute, fetch, close, rollback), each a wake-up of a
sleeping thread: on an idle 2-core VM they cost more than a millisecond together, while the
read itself is a B-tree lookup of microseconds. Here it runs on the loop's own thread.

Only indexed lookups of a row or two belong here: anything longer would stall the loop.
Under WAL (the async engine turns it on at its first connection) a reader never waits for a
writer; where it would (the file not in WAL yet, a lock held in exclusive mode) the read
gives up after a short wait with `PointReadBusy`, and the caller reads through the async
engine instead, which waits as long as it must. PostgreSQL gets none: asyncpg has no thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

T = TypeVar("T")

# How long a point read may wait for a lock before the caller takes the async path (ms):
# the event loop stands still meanwhile.
BUSY_WAIT_MS = 20


class PointReadBusy(RuntimeError):
    """The file was locked; read it through the async engine."""


def _read_only(dbapi_connection: Any, _: Any) -> None:
    dbapi_connection.isolation_level = None  # each statement its own read transaction
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=1")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_WAIT_MS}")
    cursor.close()


class PointReader:
    """Synchronous read-only sessions on one SQLite file, used on the event loop's thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def for_url(cls, url: str) -> PointReader | None:
        """A reader for a SQLite file's URL (any driver); None for other databases and for
        in-memory SQLite, which a second connection would not see."""
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        engine = create_engine(parsed.set(drivername="sqlite+pysqlite"), hide_parameters=True)
        event.listen(engine, "connect", _read_only)
        return cls(engine)

    def run(self, read: Callable[[Connection], T]) -> T:
        """`read(connection)`, now; PointReadBusy when the file stayed locked. A connection,
        not an ORM session: Core rows are the cheap part of a read (see authenticate.py)."""
        try:
            with self.engine.connect() as connection:
                return read(connection)
        except OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                raise PointReadBusy(str(exc.orig)) from None
            raise

    def close(self) -> None:
        self.engine.dispose()
