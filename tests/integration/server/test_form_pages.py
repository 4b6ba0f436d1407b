"""Forms keep what was typed: a task, an appointment or an e-mail draft posted with a mistake
comes back with the message beside its field (the summary at the top links to it), every
value as it was typed, and a 4xx status: never a 500, never a blank form."""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from assistant.db.models import User
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from assistant.runtime import Runtime
from tests.plugins.app import Member

Client = AsyncTestClient[Litestar]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
DAY = "2031-04-09"  # a Wednesday no demo appointment reaches


async def _principal(runtime: Runtime, member: Member) -> Principal:
    async with runtime.sessions() as session:
        user = await session.get(User, member.user_id)
    assert user is not None
    return Principal.of(user)


async def _call(executor: Executor, principal: Principal, name: str, **args: Any) -> Any:
    done = await executor.call(principal, name, args, source="http")
    assert isinstance(done, Done)
    return done.output


async def _post(client: Client, member: Member, path: str, form: dict[str, str]) -> Any:
    """Post a page's form as a browser does: the CSRF token from a page, the form encoded."""
    page = await client.get("/tasks", headers=member.headers)
    token = CSRF.search(page.text)
    assert token, page.text[:500]
    return await client.post(
        path,
        data={**form, "_csrf_token": token.group(1)},
        headers=member.headers,
        follow_redirects=False,
    )


def _field_error(text: str, field: str) -> str:
    """The message beside `field`, checking the field points at it and the summary links it."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', text, re.S)
    assert found, f"no error beside {field}"
    control = re.search(rf'<(input|textarea|select)[^>]*\bid="{field}"[^>]*>', text, re.S)
    assert control, f"no control {field}"
    assert f"{field}-error" in control.group(0) and 'aria-invalid="true"' in control.group(0)
    assert f'href="#{field}"' in text  # the error summary links to the field
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).replace("Error:", "").strip()


def _kept(text: str, field: str, value: str) -> None:
    control = re.search(rf'<(input|textarea)[^>]*\bid="{field}"[^>]*>([^<]*)', text, re.S)
    assert control, f"no control {field}"
    shown = control.group(0)
    if control.group(1) == "textarea":
        assert html.unescape(control.group(2)) == value, f"{field} lost what was typed"
    else:
        assert f'value="{html.escape(value)}"' in shown, f"{field} lost what was typed: {shown}"


def _selected(text: str, field: str, value: str) -> None:
    select = re.search(rf'<select[^>]*\bid="{field}"[^>]*>(.*?)</select>', text, re.S)
    assert select, f"no select {field}"
    assert re.search(rf'<option value="{re.escape(value)}"[^>]*selected', select.group(1)), (
        f"{field} lost its choice"
    )


# --- tasks ----------------------------------------------------------------------------------

TASK = {"title": "Call back about invoice", "due_date": "2031-04-09", "due_time": "10:30"}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"title": ""}, "title", "Enter what needs doing"),
        ({"title": "   "}, "title", "Enter what needs doing"),
        ({"due_date": "31/02"}, "due_date", "Enter a real date"),
        ({"due_date": "2031-02-31"}, "due_date", "Enter a real date"),
        ({"due_time": "25:61"}, "due_time", "Enter a real time"),
        ({"due_date": "", "due_time": "10:30"}, "due_date", "Enter the date it is due"),
        ({"title": "x" * 201}, "title", "What needs doing must be 200 characters or fewer"),
        ({"contact": "Nobody-" + uuid.uuid4().hex[:6]}, "contact", "contact"),
    ],
)
async def test_a_task_with_a_mistake_comes_back_as_typed(
    client: Client, staff: dict[str, Member], change: dict[str, str], field: str, says: str
) -> None:
    me = staff["front_desk"]
    form = {**TASK, "contact": "", "contact_id": "", "assignee_id": str(me.user_id), **change}
    response = await _post(client, me, "/tasks", form)
    assert response.status_code == 422, response.text[-2000:]
    assert says.lower() in _field_error(response.text, field).lower()
    for name in ("title", "due_date", "due_time", "contact"):
        _kept(response.text, name, form[name])
    _selected(response.text, "assignee_id", str(me.user_id))


# --- appointments ---------------------------------------------------------------------------


async def _booking_form(
    executor: Executor, runtime: Runtime, staff: dict[str, Member]
) -> dict[str, str]:
    owner = await _principal(runtime, staff["owner"])
    first = "Clash" + uuid.uuid4().hex[:5]
    contact = await _call(executor, owner, "contacts.create", first_name=first, last_name="Kept")
    return {
        "contact": f"{first} Kept", "contact_id": str(contact.id),
        "practitioner_id": str(staff["practitioner"].user_id),
        "date": DAY, "time": "14:30", "duration_minutes": "45", "kind": "Follow-up",
    }  # fmt: skip


def _appointment_kept(text: str, form: dict[str, str]) -> None:
    for name in ("contact", "date", "time", "kind"):
        _kept(text, name, form[name])
    if form["practitioner_id"] != "999999":  # no one to choose: nothing to keep
        _selected(text, "practitioner_id", form["practitioner_id"])
    if form["duration_minutes"] in ("15", "30", "45", "60", "90", "120"):
        _selected(text, "duration_minutes", form["duration_minutes"])


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"date": "31/02"}, "date", "Enter a real date"),
        ({"date": "2031-02-31"}, "date", "Enter a real date"),
        ({"date": ""}, "date", "Enter the date"),
        ({"time": "3pm"}, "time", "Enter a real time"),
        ({"time": ""}, "time", "Enter the time"),
        ({"contact": "", "contact_id": ""}, "contact", "contact"),
        ({"practitioner_id": "999999"}, "practitioner_id", "Choose who"),
        ({"kind": "k" * 51}, "kind", "Purpose must be 50 characters or fewer"),
        ({"duration_minutes": "1000"}, "duration_minutes", "Duration"),
        ({"duration_minutes": "abc"}, "duration_minutes", "Duration"),
    ],
)
async def test_a_booking_with_a_mistake_comes_back_as_typed(
    client: Client,
    executor: Executor,
    runtime: Runtime,
    staff: dict[str, Member],
    change: dict[str, str],
    field: str,
    says: str,
) -> None:
    form = {**await _booking_form(executor, runtime, staff), **change}
    response = await _post(client, staff["front_desk"], "/appointments/new", form)
    assert response.status_code == 422, response.text[-2000:]
    assert says.lower() in _field_error(response.text, field).lower()
    _appointment_kept(response.text, form)


async def test_a_clash_is_refused_beside_the_time_and_the_form_keeps_what_was_typed(
    client: Client, executor: Executor, runtime: Runtime, staff: dict[str, Member]
) -> None:
    form = await _booking_form(executor, runtime, staff)
    first = await _post(client, staff["front_desk"], "/appointments/new", form)
    assert first.status_code == 303, first.text[-2000:]
    again = {**form, "time": "15:00", "kind": "Second visit"}
    response = await _post(client, staff["front_desk"], "/appointments/new", again)
    assert response.status_code in (409, 422), response.text[-2000:]
    words = _field_error(response.text, "time")
    assert f"already has {form['contact']} from 2:30-3:15 pm" in words
    _appointment_kept(response.text, again)


# --- e-mail drafts --------------------------------------------------------------------------


async def _draft(executor: Executor, runtime: Runtime, member: Member) -> int:
    me = await _principal(runtime, member)
    first = "Draft" + uuid.uuid4().hex[:5]
    contact = await _call(
        executor, me, "contacts.create", first_name=first, email=f"{first.lower()}@example.com"
    )
    draft = await _call(executor, me, "emails.draft", contact_id=contact.id, purpose="follow_up")
    return int(draft.id)


@pytest.mark.parametrize("action", ["", "/send"])
@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"subject": "s" * 301}, "subject", "Subject must be 300 characters or fewer"),
        ({"subject": ""}, "subject", "Enter the subject"),
        ({"subject": "  "}, "subject", "Enter the subject"),
        ({"body": ""}, "body", "Enter the text"),
    ],
)
async def test_a_draft_with_a_mistake_comes_back_as_typed(
    client: Client,
    executor: Executor,
    runtime: Runtime,
    staff: dict[str, Member],
    action: str,
    change: dict[str, str],
    field: str,
    says: str,
) -> None:
    me = staff["front_desk"]
    draft_id = await _draft(executor, runtime, me)
    form = {"subject": "About Tuesday", "body": "Dear client,\n\nSee you <soon> & well.", **change}
    response = await _post(client, me, f"/emails/{draft_id}{action}", form)
    assert response.status_code == 422, response.text[-2000:]
    assert _field_error(response.text, field) == says
    for name in ("subject", "body"):
        _kept(response.text, name, form[name])
