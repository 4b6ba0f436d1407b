"""The canary: the whole app at DEBUG handles known personal data, and none of it is written.

`assistant serve` and `assistant worker` run as processes on a private Redis and a fresh
database (SQLite, PostgreSQL), with the scripted engine standing in for a model. Over HTTP
with API tokens, staff create contacts with canary names, e-mails and phones, chat about
them (a note with a record number and an insurance member id, a delete approved by a second
user and run by the worker, a model reply quoting them), enrich, draft and send e-mail
through a real SMTP server, and make errors that name them. Then every byte the processes
wrote (stdout, stderr, log files) and every Redis key and value is searched for the
canaries. Positive controls keep the test honest: the capture holds scrubbed records about
the conversation (``<PERSON>`` where a name was), and raw canaries planted in the same
files and Redis by the test are found by the same scan.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from redis import Redis

from assistant.db import migrate
from assistant.redis_server import EmbeddedRedis
from assistant.settings import Settings
from tests.plugins.app import Member, make_member
from tests.plugins.servers import free_port, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(400)]

ZEB: dict[str, Any] = {"first_name": "Zebulon", "last_name": "Quarrington",
       "email": "zeb.quarrington@fastmail.com", "phone": "+1 415 555 0177"}  # fmt: skip
OTTO: dict[str, Any] = {"first_name": "Ottoline", "last_name": "Brackwater",
        "email": "ottoline.brackwater@protonmail.com", "phone": "(628) 555-0143"}  # fmt: skip
MRN, MEMBER_ID = "00482913", "XJH449201733"
NOTE = f"MRN {MRN}, member ID {MEMBER_ID}, prefers mornings, allergic to quinceberry lozenges"
NOTE_COMMAND = f"add a note to Zebulon Quarrington: {NOTE}"
DELETE_COMMAND = "delete the contact Ottoline Brackwater"
ASK_COMMAND = "what do we know about ZEBULON QUARRINGTON? his phone is 415.555.0177"

# Searched case-insensitively in every byte written and every Redis key and value.
TEXT_CANARIES = (
    "Zebulon", "Quarrington", "Ottoline", "Brackwater",
    ZEB["email"], "zeb.quarrington", "zeb.quarrington%40fastmail.com",
    OTTO["email"], "ottoline.brackwater",
    MRN, MEMBER_ID, "quinceberry", "prefers mornings",
)  # fmt: skip
PHONE_DIGITS = ("4155550177", "6285550143")


def _phone_pattern(digits: str) -> str:
    """The digits in any formatting: 415-555-0177, (415) 555-0177, 415.555.0177, +14155550177."""
    return r"[\s().+\-]{0,3}".join(digits)


CANARY = re.compile(
    "|".join([*(re.escape(c) for c in TEXT_CANARIES), *map(_phone_pattern, PHONE_DIGITS)]),
    re.IGNORECASE,
)


def canaries_in(blob: str) -> list[str]:
    return sorted({m.group() for m in CANARY.finditer(blob)})


# -- the world: Redis, SMTP, database, staff ---------------------------------------------------


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def private_redis() -> Iterator[str]:
    """This app's Redis alone, so the scan covers only its keys."""
    with EmbeddedRedis() as server:
        yield server.url


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Captured:
    """What one process wrote: its stdout, stderr and log file."""

    name: str
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def files(self) -> list[Path]:
        return [self.folder / f"{self.name}.{part}" for part in ("stdout", "stderr", "log")]

    def records(self) -> list[dict[str, Any]]:
        lines = (self.folder / f"{self.name}.log").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


@dataclass
class App:
    base: str
    desk: Member
    approver: Member
    server: Captured
    worker: Captured
    redis_url: str
    inbox: Inbox


def _start(captured: Captured, args: list[str], env: dict[str, str]) -> None:
    captured.folder.mkdir(parents=True, exist_ok=True)
    with (
        open(captured.folder / f"{captured.name}.stdout", "wb") as out,
        open(captured.folder / f"{captured.name}.stderr", "wb") as err,
    ):
        captured.process = subprocess.Popen(
            [sys.executable, "-m", "assistant", *args], env=env, stdout=out, stderr=err
        )


def _stop(captured: Captured, sig: signal.Signals) -> int:
    process = captured.process
    assert process is not None
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _script(path: Path, replies: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(replies), encoding="utf-8")
    return path


SERVER_SCRIPT: list[dict[str, Any]] = [
    {"tool_calls": [{"name": "notes_add",
                     "arguments": {"contact": "Zebulon Quarrington", "body": NOTE}}]},
    {"tool_calls": [{"name": "contacts_delete", "arguments": {"contact": "Ottoline Brackwater"}}]},
    {"tool_calls": [{"name": "contacts_get", "arguments": {"contact": "ZEBULON QUARRINGTON"}}]},
    {"text": f"ZEBULON QUARRINGTON (MRN {MRN}, member ID {MEMBER_ID}) can be reached at "
             f"{ZEB['email']} or 415-555-0177."},
]  # fmt: skip
WORKER_SCRIPT: list[dict[str, Any]] = [
    {"text": f"Dear Zebulon Quarrington, about MRN {MRN}: we will avoid quinceberry lozenges."},
]


@pytest.fixture
def app(
    empty_db_url: str,
    private_redis: str,
    smtp_server: tuple[Inbox, int],
    key_file: Path,
    tmp_path: Path,
) -> Iterator[App]:
    migrate.upgrade(empty_db_url)
    settings = Settings(
        environment="test",
        data_dir=tmp_path / "var",
        key_file=key_file,
        database={"url": empty_db_url},
        redis={"url": private_redis},
    )
    desk = asyncio.run(make_member(settings, "practitioner"))
    approver = asyncio.run(make_member(settings, "owner"))
    logs = tmp_path / "capture"
    common = {
        "ASSISTANT_LOG_LEVEL": "DEBUG",
        "ASSISTANT_LOG_FORMAT": "json",
        "ASSISTANT_ENGINE": "scripted",
        "ASSISTANT_NLU_MODEL_DIR": str(tmp_path / "no-nlu-model"),  # the LLM path decides
        "ASSISTANT_SMTP_HOST": "127.0.0.1",
        "ASSISTANT_SMTP_PORT": str(smtp_server[1]),
        "ASSISTANT_SMTP_SENDER": "front@clinic.example.com",
        "ASSISTANT_JOBS_QUEUE": "assistant:canary",
        "ASSISTANT_JOBS_BACKOFF_SECONDS": "0.5",
    }
    server, worker = Captured("server", logs), Captured("worker", logs)
    port = free_port()
    _start(server, ["serve", "--port", str(port)], server_env(
        settings, **common, ASSISTANT_LOG_FILE=str(logs / "server.log"),
        ASSISTANT_MODEL=str(_script(tmp_path / "server-script.json", SERVER_SCRIPT)),
    ))  # fmt: skip
    _start(worker, ["worker"], server_env(
        settings, **common, ASSISTANT_LOG_FILE=str(logs / "worker.log"),
        ASSISTANT_MODEL=str(_script(tmp_path / "worker-script.json", WORKER_SCRIPT)),
    ))  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            for captured in (server, worker):
                assert captured.process is not None
                stderr = logs / f"{captured.name}.stderr"
                assert captured.process.poll() is None, stderr.read_text()
            assert time.monotonic() < deadline, "the server did not become ready"
            time.sleep(0.3)
        yield App(base, desk, approver, server, worker, private_redis, smtp_server[0])
    finally:
        for captured, sig in ((server, signal.SIGINT), (worker, signal.SIGINT)):
            if captured.process is not None and captured.process.poll() is None:
                _stop(captured, sig)


# -- driving the app -----------------------------------------------------------------------


def _events(body: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.splitlines()
            if ": " in line and not line.startswith(":")
        )  # fmt: skip
        if "data" in fields:
            out.append((fields.get("event", "message"), json.loads(fields["data"])))
    return out


def _until(check: Callable[[], Any], what: str, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Staff:
    def __init__(self, http: httpx.Client, member: Member) -> None:
        self.http, self.member = http, member

    def rpc(self, name: str, expect: int = 200, **args: Any) -> Any:
        response = self.http.post(f"/api/rpc/{name}", json=args, headers=self.member.headers)
        assert response.status_code == expect, (name, response.status_code, response.text)
        return response.json()

    def chat(self, message: str, conversation_id: int | None = None) -> list[tuple[str, Any]]:
        body: dict[str, Any] = {"message": message}
        if conversation_id is not None:
            body["conversation_id"] = conversation_id
        response = self.http.post("/api/chat", json=body, headers=self.member.headers)
        assert response.status_code == 200, response.text
        events = _events(response.text)
        assert events[-1][0] == "message.done", events
        return events

    def approve(self, approval_id: int) -> None:
        response = self.http.post(
            f"/api/approvals/{approval_id}/approve", json={}, headers=self.member.headers
        )
        assert response.status_code == 200, response.text

    def jobs_settled(self) -> list[dict[str, Any]] | None:
        items = self.http.get("/api/jobs", headers=self.member.headers).json()["items"]
        busy = [j for j in items if j["status"] in ("queued", "running", "cancelling")]
        return None if busy else items


def _drive(app: App) -> None:
    with httpx.Client(base_url=app.base, timeout=60) as http:
        desk, owner = Staff(http, app.desk), Staff(http, app.approver)
        zeb = desk.rpc("contacts.create", **ZEB)
        otto = desk.rpc("contacts.create", **OTTO)
        # Enrichment runs in the worker on create.
        _until(lambda: desk.rpc("contacts.get", contact_id=zeb["id"])["enrichment"], "enrichment")

        # The conversation: a note with clinical identifiers, a delete, a model reply.
        events = desk.chat(NOTE_COMMAND)
        conversation = events[0][1]["conversation_id"]
        [call] = [data for kind, data in events if kind == "tool.call"]
        assert call["procedure"] == "notes.add" and call["resolved"]["contact_id"] == zeb["id"]
        [result] = [data for kind, data in events if kind == "action.result"]
        assert result["ok"], result
        events = desk.chat(DELETE_COMMAND, conversation)
        [required] = [data for kind, data in events if kind == "approval.required"]
        owner.approve(required["approval_id"])
        _until(
            lambda: http.post("/api/rpc/contacts.get", json={"contact_id": otto["id"]},
                              headers=desk.member.headers).status_code == 404,
            "the approved delete to run in the worker",
        )  # fmt: skip
        events = desk.chat(ASK_COMMAND, conversation)
        reply = "".join(data["text"] for kind, data in events if kind == "message.delta")
        assert "ZEBULON QUARRINGTON" in reply  # the scripted model quoted them

        # Jobs: enrichment on demand, a model draft, a send approved by a second person.
        desk.rpc("contacts.enrich", contact_id=zeb["id"])
        draft = desk.rpc(
            "emails.draft", contact_id=zeb["id"], purpose="follow_up",
            instructions=f"mention MRN {MRN} and the quinceberry allergy",
        )  # fmt: skip
        _until(desk.jobs_settled, "the draft job")
        pending = desk.rpc("emails.send", expect=202, draft_id=draft["id"])
        owner.approve(pending["approval_id"])
        [sent] = _until(lambda: app.inbox.messages, "the e-mail to arrive")
        assert sent["To"] == ZEB["email"] and "quinceberry" in sent.get_payload()
        settled = _until(desk.jobs_settled, "every job to finish")
        assert {j["kind"] for j in settled} >= {"contact.enrich", "email.draft", "email.send"}
        assert all(j["status"] == "succeeded" for j in settled), settled

        # Errors that carry canaries in the URL, the body, the login, the OpenAI API.
        bad = {**ZEB, "email": "zeb.quarrington@@fastmail.com", "date_of_birth": "yesterday"}
        desk.rpc("contacts.create", expect=422, **bad)
        desk.rpc("contacts.get", expect=404, contact_id=999_999)
        for path in ("/api/contacts/Zebulon Quarrington", f"/api/contacts/{ZEB['email']}",
                     "/api/contacts?q=Zebulon+Quarrington+415-555-0177"):  # fmt: skip
            assert http.get(path, headers=desk.member.headers).status_code == 404
        assert http.post(f"/api/rpc/{ZEB['email']}", json={"note": NOTE},
                         headers=desk.member.headers).status_code == 404  # fmt: skip
        login = http.post("/login", json={"email": ZEB["email"], "password": MEMBER_ID})
        assert login.status_code == 401
        completion = http.post("/v1/chat/completions", headers=desk.member.headers, json={
            "model": "assistant",
            "messages": [{"role": "user", "content": f"Summarise Zebulon Quarrington: {NOTE}"}],
        })  # fmt: skip
        assert completion.status_code == 200, completion.text


# -- reading everything back -------------------------------------------------------------------


def _redis_dump(url: str) -> dict[str, str]:
    """Every key and its value(s), whatever the type, as text."""
    out: dict[str, str] = {}
    with Redis.from_url(url) as redis:
        for key in redis.scan_iter(count=500):
            kind = redis.type(key).decode()
            values: list[Any] = []
            if kind == "string":
                values = [redis.get(key)]
            elif kind == "list":
                values = redis.lrange(key, 0, -1)
            elif kind == "zset":
                values = redis.zrange(key, 0, -1)
            elif kind == "set":
                values = sorted(redis.smembers(key))
            elif kind == "hash":
                values = [b for pair in redis.hgetall(key).items() for b in pair]
            elif kind == "stream":
                values = [repr(entry) for entry in redis.xrange(key)]
            else:
                values = [f"<unread type {kind}>"]
            text = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                    for v in values if v is not None]  # fmt: skip
            out[key.decode("utf-8", "replace")] = "\n".join(text)
    return out


def _capture(app: App) -> dict[str, str]:
    """Source -> everything it holds, as text."""
    found = {
        f"{path.name}": path.read_bytes().decode("utf-8", "replace")
        for captured in (app.server, app.worker)
        for path in captured.files
    }
    found.update({f"redis:{key}": value for key, value in _redis_dump(app.redis_url).items()})
    return found


def _leaks(capture: dict[str, str]) -> dict[str, list[str]]:
    """Source -> the canaries found in its name or content."""
    found = {source: canaries_in(f"{source}\n{text}") for source, text in capture.items()}
    return {source: hits for source, hits in found.items() if hits}


def test_no_canary_reaches_a_log_stream_file_or_redis(app: App) -> None:
    _drive(app)
    # Ctrl-C: uvicorn re-raises the signal after its graceful shutdown, and SIGINT (unlike
    # SIGTERM's default action) still lets the pipeline drain its queue on the way out.
    _stop(app.server, signal.SIGINT)
    _stop(app.worker, signal.SIGINT)
    capture = _capture(app)
    assert any(k.startswith("redis:") for k in capture), "the Redis scan saw no keys"

    assert _leaks(capture) == {}

    # Positive control 1: the pipeline wrote scrubbed records about this conversation.
    records = app.server.records()
    mentions = [r for r in records if str(r.get("message", "")).startswith("contact mention")]
    assert len(mentions) == 3, mentions  # the note, the delete, the all-caps look-up
    assert all("<PERSON>" in r["message"] for r in mentions), mentions
    assert any("<EMAIL_ADDRESS>" in r["message"] for r in records)  # the 404s' paths
    assert any(r["level"] == "debug" for r in records)
    assert app.worker.records(), "the worker wrote no records"
    everything = "\n".join(capture.values())
    assert "<PERSON>" in everything

    # Positive control 2: raw canaries planted in the same places are found by the same scan.
    planted = f"planted raw write: {ZEB['first_name']} {ZEB['last_name']} MRN {MRN}\n"
    for path in (*app.server.files, *app.worker.files):
        with open(path, "a", encoding="utf-8") as sink:
            sink.write(planted)
    with Redis.from_url(app.redis_url) as redis:
        redis.set("canary:string", ZEB["email"])
        redis.hset("canary:hash", "who", "415 555 0177")
        redis.rpush("canary:list", MEMBER_ID)
        redis.zadd("canary:zset", {"quinceberry": 1})
        redis.sadd("canary:set", OTTO["last_name"])
    leaks = _leaks(_capture(app))
    files = {p.name for c in (app.server, app.worker) for p in c.files}
    kinds = ("string", "hash", "list", "zset", "set")
    assert set(leaks) == files | {f"redis:canary:{kind}" for kind in kinds}
    assert all({"Zebulon", "Quarrington", MRN} <= set(leaks[f]) for f in files)
