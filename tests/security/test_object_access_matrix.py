"""The object-level authorization matrix, run: every id-taking endpoint and procedure argument
(tests/security/matrix.py `SURFACE`), for every role, on its own record, another user's record
and an id that names nothing, against the outcome the hand-written table expects.

One real app (real database, Redis, a scripted engine) serves the whole module over a real
socket, so the SSE streams and `/v1` are driven as a client drives them. Each test is one
endpoint: its twelve cells are collected and reported together as a small table.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from assistant import compose
from assistant.procedures.executor import Executor
from assistant.procedures.registry import declared
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import ScriptedParser, serve_in_process
from tests.plugins.servers import sse_events
from tests.security import objects
from tests.security.matrix import RELATIONS, ROLES, SURFACE, expected
from tests.security.objects import MISSING, Factory, Made, next_slot

pytestmark = [pytest.mark.security, pytest.mark.slow]

GUARD = 20  # seconds before a stream that never ends fails the cell instead of hanging
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

# The record kind an access class's ids name (by its first word, unless listed whole).
KINDS = {"action.undo": "done_action", "action.filter": "requester", "audit.filter": "user"}
# ... or by the entry, where a call needs its record in a state of its own.
ENTRY_KINDS = {
    "rpc tasks.reopen task_id": "done_task",
    "GET /activity query.undone": "done_action",
    "GET /approvals query.asked": "approval",
    "GET /approvals query.edited": "approval",
    "GET /appointments query.booked": "appointment",
}


def kind_of(key: str, access: str) -> str:
    return ENTRY_KINDS.get(key) or KINDS.get(access) or access.split(".")[0]


@dataclass
class World:
    """The running app and what the cells need to make records and send requests."""

    http: httpx.AsyncClient
    staff: dict[str, Member]
    make: Factory
    csrf: str = ""

    async def record(self, kind: str, owner: Member) -> Made:
        maker: Callable[[Member], Awaitable[Made]] = getattr(self.make, kind)
        return await maker(owner)

    async def contact(self) -> int:
        return (await self.make.contact(self.staff["owner2"])).id


@pytest.fixture(scope="module")
async def world(app_settings: Settings, staff: dict[str, Member]) -> AsyncIterator[World]:
    registry = compose.procedures(extra=declared([objects]))
    engine = ScriptedEngine(responder=lambda _: ScriptedReply(text="Noted."))
    app = create_app(app_settings, engine=engine, parser=ScriptedParser(), registry=registry)
    async with serve_in_process(app) as url, httpx.AsyncClient(base_url=url, timeout=60) as http:
        executor: Executor = app.state.executor
        here = World(http, staff, Factory(executor))
        page = await http.get("/contacts", headers=staff["owner"].headers)
        found = CSRF.search(page.text)
        assert found, "no CSRF token on the contacts page"
        here.csrf = found.group(1)
        yield here


# --- how each entry is called ---------------------------------------------------------------

RPC_EXTRA: dict[str, dict[str, Any]] = {
    "appointments.book": {"duration_minutes": 30},
    "contacts.update": {"phone": "+1 415 555 0199"},
    "emails.draft": {"purpose": "welcome"},
    "emails.update": {"subject": "Hello again"},
    "notes.add": {"body": "feels better"},
    "tags.add": {"tag": "vip"},
    "tags.remove": {"tag": "vip"},
    "tasks.create": {"title": "call back"},
    "users.set_role": {"role": "viewer"},
}
FORMS: dict[str, dict[str, str]] = {
    "POST /contacts/{contact_id:int}/edit": {"first_name": "Matrix", "last_name": "Edited"},
    "POST /contacts/{contact_id:int}/tags": {"tag": "vip"},
    "POST /contacts/{contact_id:int}/tags/remove": {"tag": "vip"},
    "POST /contacts/{contact_id:int}/notes": {"body": "feels better"},
    "POST /tasks": {"title": "call back"},
    "POST /tasks/{task_id:int}/complete": {"next": ""},
    "POST /appointments/new": {"duration_minutes": "30"},
    "POST /appointments/{appointment_id:int}/cancel": {"next": ""},
    "POST /emails/{draft_id:int}": {"subject": "Hello again", "body": "How are you?"},
    "POST /emails/{draft_id:int}/send": {"subject": "Following up", "body": "How are you?"},
    "POST /approvals/{approval_id:int}/approve": {"reason": ""},
    "POST /approvals/{approval_id:int}/approve-edited": {"arg-text": "edited"},
    "POST /approvals/{approval_id:int}/reject": {"reason": "not now"},
    "POST /admin/users/{user_id:int}/role": {"role": "viewer"},
    "POST /admin/tokens": {"name": "matrix"},
}
JSON_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/approvals/{approval_id:int}/reject": {"reason": "not now"},
    "POST /api/chat": {"message": "hello"},
    "POST /v1/chat/completions": {
        "model": "assistant",
        "messages": [{"role": "user", "content": "hello"}],
    },
}


@dataclass
class Call:
    method: str
    url: str
    json: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    stream: bool = False


async def rpc_call(w: World, name: str, name_field: str, target: int) -> Call:
    args: dict[str, Any] = {**RPC_EXTRA.get(name, {}), name_field: target}
    if name_field.endswith("_ids"):
        args[name_field] = [target]
    if name == "appointments.book":
        args["starts_at"] = next_slot().isoformat()
        args.setdefault("practitioner_id", w.staff["practitioner"].user_id)
        args.setdefault("contact_id", await w.contact())
    if name == "audit.list" and name_field == "record_id":
        args["record"] = "contact_id"
    if name == "contacts.merge":
        args.setdefault("contact_id", await w.contact())
        args.setdefault("duplicate_id", await w.contact())
    return Call("POST", f"/api/rpc/{name}", json=args)


async def path_companions(w: World, path: str, tested: str, target: int, made: Made | None) -> str:
    """Fill the path's other parameters with what belongs with the tested record."""
    if "{note_id:int}" in path and tested == "contact_id":
        owner = w.staff["owner2"]  # the contact's own note; for a missing contact, another's
        on = target if target != MISSING else None
        note_id = (await w.make.note(owner, contact_id=on)).id
        path = path.replace("{note_id:int}", str(note_id))
    if "{contact_id:int}" in path and tested != "contact_id":
        contact = made.related.get("contact_id") if made else None
        path = path.replace("{contact_id:int}", str(contact or await w.contact()))
    return path.replace("{section:str}", "tasks")


async def route_call(
    w: World, route: str, where: str, name: str, target: int, made: Made | None
) -> Call:
    method, path = route.split(" ", 1)
    url = await path_companions(w, path, name, target, made)
    call = Call(method, url)
    if where == "path":
        call.url = url.replace(f"{{{name}:int}}", str(target))
    elif where == "query":
        call.url = f"{url}?{name}={target}"
    elif where == "header":
        call.headers[name] = str(target)
        call.stream = True
    if route in FORMS or (method == "POST" and not path.startswith(("/api/", "/v1/"))):
        call.form = dict(FORMS.get(route, {}))
        call.headers["x-csrf-token"] = w.csrf
        if where == "body":
            call.form[name] = str(target)
        await form_companions(w, route, name, call.form)
    elif method in ("POST", "DELETE") and (route in JSON_BODIES or where == "body"):
        call.json = dict(JSON_BODIES.get(route, {}))
        if where == "body":
            dotted = name.split(".")
            holder = call.json
            for part in dotted[:-1]:
                holder = holder.setdefault(part, {})
            holder[dotted[-1]] = target
        call.stream = route == "POST /api/chat"
    return call


async def form_companions(w: World, route: str, tested: str, form: dict[str, str]) -> None:
    if route == "POST /contacts/{contact_id:int}/merge" and tested != "duplicate_id":
        form["duplicate_id"] = str(await w.contact())
    if route in ("POST /tasks", "POST /appointments/new") and "contact_id" in form:
        form["contact"] = "picked"  # the picker's text beside the picked id
    if route == "POST /appointments/new":
        slot = next_slot()  # a time of its own: booking never clashes with another cell's
        form["date"], form["time"] = slot.date().isoformat(), slot.strftime("%H:%M")
        form.setdefault("practitioner_id", str(w.staff["practitioner"].user_id))
        form.setdefault("contact_id", str(await w.contact()))
        form["contact"] = "picked"
    if route == "POST /admin/tokens":
        form.setdefault("user_id", str(w.staff["viewer"].user_id))


async def build(w: World, key: str, target: int, made: Made | None) -> Call:
    head, rest = key.split(" ", 1)
    if head == "rpc":
        name, name_field = rest.split(" ")
        return await rpc_call(w, name, name_field, target)
    path, param = rest.rsplit(" ", 1)
    where, name = param.split(".", 1)
    return await route_call(w, f"{head} {path}", where, name, target, made)


# --- sending and reading a cell --------------------------------------------------------------


def outcome(status: int, location: str = "") -> str:
    if 200 <= status < 300 or (300 <= status < 400 and not location.startswith("/login")):
        return "ok"
    return str(status)


async def send(w: World, call: Call, member: Member, made: Made | None) -> tuple[str, str]:
    """The cell's outcome, and what else went wrong (a stream that leaked, a body)."""
    headers = {**member.headers, **call.headers}
    request = w.http.build_request(
        call.method, call.url, json=call.json, data=call.form, headers=headers
    )
    response = await w.http.send(request, stream=call.stream, follow_redirects=False)
    try:
        seen = outcome(response.status_code, response.headers.get("location", ""))
        if not call.stream:
            await response.aread()
            if seen == "500":
                return seen, response.text[:200]
            return seen, leaked(call, response, member)
        if response.status_code != 200:
            await response.aread()
            return seen, ""
        return seen, await drain(response, call, member, made)
    finally:
        await response.aclose()


def leaked(call: Call, response: httpx.Response, member: Member) -> str:
    """A list filtered by another user's id must still list only what the caller may see:
    the activity list is the caller's own actions (an owner's: anyone's)."""
    if not call.url.startswith("/api/actions?") or member.role == "owner":
        return ""
    others = [a["action_id"] for a in response.json()["items"] if a["user_id"] != member.user_id]
    return f"another user's actions listed: {others}" if others else ""


async def drain(response: httpx.Response, call: Call, member: Member, made: Made | None) -> str:
    """Read a stream to its end (a chat turn) or to its first keep-alive (the event stream,
    which never ends): the events must be the caller's own, and a cursor at the caller's own
    event must replay the one after it."""
    markers: list[str] = []
    async with asyncio.timeout(GUARD):
        async for event in sse_events(response):
            if event is None:
                if "Last-Event-ID" in call.headers:
                    break
                continue
            if event.event == "message.error":
                return f"stream error: {event.data}"
            marker = event.data.get("marker") if isinstance(event.data, dict) else None
            if marker:
                markers.append(str(marker))
    foreign = [m for m in markers if not m.startswith(f"user-{member.user_id}-")]
    if foreign:
        return f"another user's events leaked: {foreign}"
    replays = made is not None and made.marker and made.owner == member.user_id
    if replays and made is not None and made.marker not in markers:
        return "the caller's own event after the cursor was not replayed"
    return ""


async def run_cell(w: World, key: str, access: str, role: str, relation: str) -> tuple[str, str]:
    kind = kind_of(key, access)
    caller = w.staff[role]
    if access == "user.admin" and relation == "own":  # it may disable itself: a fresh one
        caller = await w.make.member(role)
    made: Made | None = None
    if relation == "missing":
        target = MISSING
    elif kind == "user":
        made = await w.make.user(caller) if relation == "own" else await w.make.colleague()
        target = made.id
    else:
        owner = caller if relation == "own" else w.staff["owner2"]
        made = await w.record(kind, owner)
        made.owner = owner.user_id
        target = made.id
    call = await build(w, key, target, made)
    return await send(w, call, caller, made)


@pytest.mark.parametrize("key", sorted(SURFACE))
async def test_object_access(world: World, key: str) -> None:
    access = SURFACE[key]
    wrong: list[str] = []
    for role in ROLES:
        for relation in RELATIONS:
            want = expected(access, role, relation)
            got, problem = await run_cell(world, key, access, role, relation)
            if got != want or problem:
                wrong.append(f"{role:>12} {relation:>7}: expected {want}, got {got} {problem}")
    assert not wrong, f"{key} ({access}):\n" + "\n".join(wrong)
