"""The app in a real browser: one server per test session, Chromium driven by Playwright.

`web_app` is the real app (uvicorn on 127.0.0.1, a free port) on its own SQLite file with the
demo seed, a real worker process beside it, and the scripted engine: a test sets the reply to a
message in `web_app.replies` (anything else is echoed). `page` is a fresh browser context per
test; a JavaScript dialog fails the test (nothing we render may run script), and the page's last
state is saved as a screenshot in the test's output folder.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from assistant.settings import Settings
from inference.base import ChatRequest
from inference.scripted import ScriptedEngine, ScriptedReply
from tests.plugins.servers import HIGH_RATE_LIMITS, Inbox, free_port, server_env

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# How long a locator or `expect` waits for the page (a limit, never a measurement): generous,
# since CI machines are shared and the app signs in with a deliberately slow password hash.
WAIT_MS = 20_000
DEMO_EMAILS = {
    "owner": "olivia.owner@demo-clinic.example.com",
    "practitioner": "pat.practitioner@demo-clinic.example.com",
    "front_desk": "fran.frontdesk@demo-clinic.example.com",
    "viewer": "vic.viewer@demo-clinic.example.com",
}


@dataclass
class WebApp:
    url: str
    settings: Settings
    passwords: dict[str, str]
    replies: dict[str, ScriptedReply] = field(default_factory=dict)
    calls: dict[str, ScriptedReply] = field(default_factory=dict)
    """The parser's model step by message (no NLU model here): which procedure, which mentions."""
    engine: ScriptedEngine | None = None
    inbox: Inbox = field(default_factory=lambda: Inbox())
    """What the worker's SMTP server (aiosmtpd on 127.0.0.1) received."""

    def email(self, role: str) -> str:
        return DEMO_EMAILS[role]

    def password(self, role: str) -> str:
        return self.passwords[DEMO_EMAILS[role]]

    def respond(self, request: ChatRequest) -> ScriptedReply:
        last = next(
            (
                str(m.get("content") or "")
                for m in reversed(request.messages)
                if m["role"] == "user"
            ),
            "",
        )
        if request.tools:  # the command parser's model step: a procedure call, or chat
            return self.calls.get(last.strip(), ScriptedReply(tool_calls=[("chat", {})]))
        return self.replies.get(last.strip(), ScriptedReply(text=f"You said: {last}"))

    def api(self, role: str) -> httpx.Client:
        """A signed-in JSON client (the browser's cookie, same Origin) for setting up data."""
        client = httpx.Client(base_url=self.url, headers={"Origin": self.url}, timeout=30)
        response = client.post(
            "/login", json={"email": self.email(role), "password": self.password(role)}
        )
        response.raise_for_status()
        return client

    def end_sessions(self, role: str) -> None:
        """What expiry does to a browser: its session row is gone, its cookie still sent."""
        with sqlite3.connect(self.settings.data_dir / "assistant.db") as db:
            db.execute(
                "DELETE FROM web_sessions WHERE user_id IN (SELECT id FROM users WHERE email = ?)",
                (self.email(role),),
            )

    def rpc(self, role: str, procedure: str, **args: Any) -> Any:
        client = self.api(role)
        try:
            response = client.post(f"/api/rpc/{procedure}", json=args)
            response.raise_for_status()
            return response.json()
        finally:
            client.close()


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(reason)


async def _seed(settings: Settings) -> dict[str, str]:
    from assistant.demo import seed_demo

    report = await seed_demo(settings, datetime.now(UTC))
    return report.passwords


class _Server(threading.Thread):
    """uvicorn in a thread of the test process, so tests can script the engine's replies."""

    def __init__(self, app: Any, port: int) -> None:
        super().__init__(daemon=True, name="web-app")
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None)
        self.server = uvicorn.Server(config)

    def run(self) -> None:
        self.server.run()

    def stop(self) -> None:
        self.server.should_exit = True
        self.join(timeout=30)


def _wait_ready(url: str, alive: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass  # not listening yet
        if not alive():
            raise RuntimeError("the web app stopped while starting")
        time.sleep(0.2)
    raise RuntimeError(f"the web app did not answer on {url}")


def _wait_worker(log: Path, worker: subprocess.Popen[bytes]) -> None:
    """Jobs (approved actions, enrichment) run from the first test on."""
    deadline = time.monotonic() + 120
    while "worker started" not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def web_app(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[WebApp]:
    """The real app with the demo seed and a real worker, for the whole test session."""
    _require_chromium()
    from assistant.db import migrate
    from assistant.privacy.keys import create_key_file
    from server.app import create_app

    data = tmp_path_factory.mktemp("web-app")
    create_key_file(data / "keys.json")
    settings = Settings(
        environment="test",
        data_dir=data,
        key_file=data / "keys.json",
        redis={"url": redis_url},
        events={"keepalive_seconds": 1},
        jobs={"queue": f"assistant:web-e2e:{uuid.uuid4().hex[:8]}"},
        engine="scripted",
        rate=HIGH_RATE_LIMITS,
        # A secret of its own: sign-in throttle keys never meet another run's on the shared
        # Redis (the demo accounts and 127.0.0.1 are the same in every run).
        secret_key=uuid.uuid4().hex,
        # Every test signs in from 127.0.0.1: only the per-account limit is under test here.
        auth={"login_max_failures_per_client": 1_000},
    )
    migrate.upgrade(settings.database_url)
    passwords = asyncio.run(_seed(settings))
    web = WebApp(url="", settings=settings, passwords=passwords)
    smtp_port = free_port()
    smtp = Controller(web.inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    web.engine = ScriptedEngine(responder=web.respond)
    port = free_port()
    web.url = f"http://127.0.0.1:{port}"
    server = _Server(create_app(settings, engine=web.engine), port)
    worker_log = (data / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "assistant", "worker"],
        env=server_env(
            settings,
            ASSISTANT_ENGINE="none",
            ASSISTANT_JOBS_QUEUE=settings.jobs.queue,
            ASSISTANT_SMTP_HOST="127.0.0.1",
            ASSISTANT_SMTP_PORT=str(smtp_port),
            ASSISTANT_SMTP_SENDER="front@demo-clinic.example.com",
        ),
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    server.start()
    try:
        _wait_ready(web.url, server.is_alive)
        _wait_worker(data / "worker.log", worker)
        yield web
    finally:
        server.stop()
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker_log.close()
        smtp.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    _require_chromium()
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=WAIT_MS)

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        await chromium.close()


class Dialogs(list[str]):
    """Every JavaScript dialog a page opened; the `page` fixture fails the test on any."""


async def new_page(browser: Any, dialogs: Dialogs, **options: Any) -> Any:
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    page = await context.new_page()

    async def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(WAIT_MS)
    return page


@pytest.fixture
async def page(browser: Any, web_app: WebApp, tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies); saves `final.png` in the test's folder."""
    dialogs = Dialogs()
    page = await new_page(browser, dialogs)
    page.dialogs = dialogs
    yield page
    await page.screenshot(path=str(tmp_path / "final.png"), full_page=True)
    await page.context.close()
    assert not dialogs, f"a dialog opened: {dialogs}"


async def sign_in(page: Any, web_app: WebApp, role: str, then: str = "/contacts") -> None:
    """Sign in through the sign-in page as the demo user of `role`."""
    await page.goto(f"{web_app.url}/login?next={then}")
    await page.get_by_label("Email").fill(web_app.email(role))
    await page.get_by_label("Password").fill(web_app.password(role))
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/login" not in url and "/sign-in" not in url)


async def shot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


def keep_screenshot(source: Path, name: str) -> None:
    """Copy a screenshot into docs/screenshots for the README (UPDATE_SCREENSHOTS=1 only, so a
    test run leaves the checkout as it was)."""
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    target = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
