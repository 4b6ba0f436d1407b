"""Clinical text in approvals (issue 15 item 7): a note made critical by
ASSISTANT_APPROVAL_EXTRA_CRITICAL used to sit in plaintext in `approvals.args`, `summary`,
`result` and the `approval.required` event. Here a raw SELECT (no key) finds only ciphertext,
the summary and the event carry ids and the procedure's name, and the note's text is read
back only by an authorised request for the approval."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlmodel import col, select

from assistant.db.engine import create_engine
from assistant.db.models import Event
from assistant.procedures.executor import Executor
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture(scope="module")
async def strict_client(app_settings: Settings) -> AsyncIterator[Client]:
    """The app of a clinic that also puts every new note through approval."""
    settings = app_settings.model_copy(
        update={
            "approval": app_settings.approval.model_copy(update={"extra_critical": ["notes.add"]})
        }
    )
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def _raw(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """What the database itself holds: an engine with no keyring and an untyped query."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(sql), params)).all()]
    finally:
        await engine.dispose()


async def _events(executor: Executor, approval_id: int) -> list[Event]:
    async with executor.runtime.sessions() as session:
        rows = await session.exec(select(Event).order_by(col(Event.id)))
        return [e for e in rows.all() if e.data.get("approval_id") == approval_id]


async def test_a_critical_notes_text_is_never_plaintext_in_approvals_or_events(
    strict_client: Client, staff: dict[str, Member], executor: Executor, app_settings: Settings
) -> None:
    client, prac, owner = strict_client, staff["practitioner"], staff["owner"]
    contact = await Records(client, owner).contact()
    secret = f"disclosed self-harm ideation {uuid.uuid4().hex}"
    asked = await client.post(
        "/api/rpc/notes.add",
        json={"contact_id": contact["id"], "body": secret},
        headers=prac.headers,
    )
    assert asked.status_code == 202
    approval_id = asked.json()["approval_id"]
    assert asked.json()["summary"] == f"notes.add (contact #{contact['id']})"
    # The event every approver receives: ids, the procedure's name and roles only.
    required = [e for e in await _events(executor, approval_id) if e.kind == "approval.required"]
    assert required and all(
        e.data["summary"] == f"notes.add (contact #{contact['id']})" for e in required
    )
    # An approver reads the text through the authorised request; someone else cannot.
    card = await client.get(f"/api/approvals/{approval_id}", headers=owner.headers)
    assert card.json()["args"]["body"] == secret and secret in card.json()["detail"]
    hidden = await client.get(f"/api/approvals/{approval_id}", headers=staff["front_desk"].headers)
    assert hidden.status_code == 404
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve",
        json={"reason": f"fine: {secret}"},
        headers=owner.headers,
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"
    done = await client.get(f"/api/approvals/{approval_id}", headers=owner.headers)
    assert done.json()["status"] == "executed"

    url = app_settings.database_url
    [stored] = await _raw(
        url,
        "SELECT args, summary, detail, reason, result, snapshot FROM approvals WHERE id = :id",
        id=approval_id,
    )
    assert all(secret not in str(value) for value in stored)
    assert all(str(v).startswith("enc:v2:") for v in (stored[0], stored[2], stored[3], stored[4]))
    events = await _raw(url, "SELECT data FROM events")
    assert events and all(str(data).startswith("enc:v2:") for (data,) in events)
    assert all(secret not in str(data) for (data,) in events)
