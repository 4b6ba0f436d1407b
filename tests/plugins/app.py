"""The app in-process (Litestar's test client) on a migrated database, and staff with tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from assistant.auth.tokens import create_token
from assistant.auth.users import create_user
from assistant.db.engine import create_engine, session_factory
from assistant.privacy.keys import Keyring, create_key_file, load_keyring
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.servers import HIGH_RATE_LIMITS

ROLES = ("owner", "practitioner", "front_desk", "viewer")


@dataclass
class Member:
    user_id: int
    email: str
    role: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="session")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's encryption key file, made the way `make run` makes one."""
    path = tmp_path_factory.mktemp("keys") / "keys.json"
    create_key_file(path)
    return path


@pytest.fixture(scope="session")
def keyring(key_file: Path) -> Keyring:
    """For engines the tests build themselves: create_engine(url, keyring=keyring)."""
    return load_keyring(key_file)


@pytest.fixture(scope="session")
def app_settings(
    migrated_db_url: str, redis_url: str, key_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("var"),
        key_file=key_file,
        database={"url": migrated_db_url},
        redis={"url": redis_url},
        # A secret of its own: throttle keys never meet another run's on the shared Redis.
        secret_key=uuid.uuid4().hex,
        auth={
            "login_max_failures": 3,
            "login_max_failures_per_client": 1_000,
            "login_lockout_seconds": 60,
        },
        events={"keepalive_seconds": 0.5},
        jobs={"queue": f"assistant:test-queue:{uuid.uuid4().hex[:8]}"},
        rate=HIGH_RATE_LIMITS,
    )


async def make_member(
    settings: Settings, role: str, password: str = "correct horse battery"
) -> Member:
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            email = f"{role}-{uuid.uuid4().hex[:8]}@clinic.example.com"
            user = await create_user(
                session, email=email, role=role, password=password, timezone="America/New_York"
            )
            _, token = await create_token(session, user, "tests")
            assert user.id is not None
            return Member(user.id, email, role, token)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def staff(app_settings: Settings) -> dict[str, Member]:
    """One member per role plus a second owner (for four-eyes checks)."""
    members = {role: await make_member(app_settings, role) for role in ROLES}
    members["owner2"] = await make_member(app_settings, "owner")
    return members


@pytest.fixture(scope="session")
async def client(app_settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=create_app(app_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
async def runtime(app_settings: Settings) -> AsyncIterator[Runtime]:
    """The same database and Redis as the app, owned by the test's event loop (the test
    client runs the app on a loop of its own)."""
    rt = Runtime.create(app_settings)
    yield rt
    await rt.close()


@pytest.fixture(scope="session")
def executor(runtime: Runtime) -> Executor:
    return Executor(runtime, compose.procedures())
