"""Right to erasure (issue 15 item 8): a contact seeded everywhere it can appear is deleted
through the approval flow; afterwards no table (encrypted columns decrypted), no Redis key
and no log record holds their name, e-mail or phone. Before the fix the approval's snapshot,
chat messages, titles and events kept them."""

from __future__ import annotations

import logging
import random
import string
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis
from sqlmodel import SQLModel

import assistant.db.models  # noqa: F401 - every table, so the scan misses none
from assistant.crm.erasure import identifiers_of
from assistant.db.models import Approval, Contact
from assistant.procedures.executor import Executor
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


def _word() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=8)).capitalize()


async def _table_dump(executor: Executor) -> dict[str, str]:
    """Every row of every table as text, through the keyring (so ciphertext is decrypted)."""
    dumps = {}
    async with executor.runtime.sessions() as session:
        for table in SQLModel.metadata.sorted_tables:
            rows = (await session.exec(sa.select(table))).all()
            dumps[table.name] = "\n".join(repr(tuple(r)) for r in rows)
    return dumps


async def _redis_dump(url: str) -> str:
    redis = Redis.from_url(url)
    parts: list[str] = []
    try:
        async for key in redis.scan_iter(count=500):
            kind = (await redis.type(key)).decode()
            value: Any = None
            if kind == "string":
                value = await redis.get(key)
            elif kind == "list":
                value = await redis.lrange(key, 0, -1)
            elif kind == "hash":
                value = await redis.hgetall(key)
            elif kind == "set":
                value = await redis.smembers(key)
            elif kind == "zset":
                value = await redis.zrange(key, 0, -1)
            elif kind == "stream":
                value = await redis.xrange(key)
            parts.append(f"{key!r} {value!r}")
    finally:
        await redis.aclose()
    return "\n".join(parts)


async def _chat(client: Client, member: Member, message: str, contact_id: int) -> None:
    response = await client.post(
        "/api/chat",
        json={"message": message, "context": {"page": "contact", "contact_id": contact_id}},
        headers=member.headers,
    )
    assert response.status_code == 200


async def test_a_deleted_contact_leaves_no_copy_anywhere(
    client: Client,
    staff: dict[str, Member],
    executor: Executor,
    app_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the level the app logs at
    first, last = _word(), _word()
    name, email, phone = f"{first} {last}", f"{first.lower()}.{last.lower()}@example.com", None
    desk, owner, prac = staff["front_desk"], staff["owner"], staff["practitioner"]
    records, clinical = Records(client, desk), Records(client, prac)
    contact = await records.contact(
        first_name=first,
        last_name=last,
        email=email,
        phone="+1 (555) 014-2398",
        date_of_birth="1984-03-09",
        address="12 Quayside Lane, Springfield",
    )
    cid, phone = contact["id"], contact["phone"]
    # Everywhere it can appear: its records ...
    await clinical.note(cid, f"{name} reports knee pain; call {phone}")
    await records.task(title=f"call {name} back", contact_id=cid)
    await records.task(title=f"post the invoice to {name}")  # a task not linked to them
    await records.appointment(cid)
    draft = await records.draft(cid)
    await records.rpc("contacts.enrich", contact_id=cid)
    # ... approvals with snapshots and a reason that names them ...
    send = await client.post(
        "/api/rpc/emails.send", json={"draft_id": draft["id"]}, headers=desk.headers
    )
    assert send.status_code == 202
    rejected = await client.post(
        f"/api/approvals/{send.json()['approval_id']}/reject",
        json={"reason": f"{name} asked not to be e-mailed at {email}"},
        headers=owner.headers,
    )
    assert rejected.status_code == 200
    # ... chat messages and titles that mention them ...
    await _chat(client, desk, f"what is the phone of {name} ({email})?", cid)
    await _chat(client, prac, f"{first} called from {phone} about the invoice", cid)
    # Then the deletion, through the approval flow.
    asked = await client.post(
        "/api/rpc/contacts.delete", json={"contact_id": cid}, headers=desk.headers
    )
    assert asked.status_code == 202
    approval_id = asked.json()["approval_id"]
    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"

    async with executor.runtime.sessions() as session:
        done = await session.get(Approval, approval_id)
        assert await session.get(Contact, cid) is None
    assert done is not None and done.status == "executed"
    ids = identifiers_of(
        Contact(id=cid, first_name=first, last_name=last, email=email, phone=phone)
    )
    digits = "".join(ch for ch in phone if ch.isdigit())
    needles = [name, f"{last}, {first}", email, phone, digits[-10:], "Quayside"]
    haystacks = {
        **await _table_dump(executor),
        "redis": await _redis_dump(app_settings.redis.url or ""),
        "logs": caplog.text + "\n".join(str(r.args) for r in caplog.records),
    }
    found = {
        where: [n for n in needles if n.lower() in text.lower()]
        + (["(a pattern)"] if ids.mentions(text) else [])
        for where, text in haystacks.items()
    }
    leaks = {where: what for where, what in found.items() if what}
    assert leaks == {}
    # The card keeps ids: the snapshot says which record, not who.
    card = await client.get(f"/api/approvals/{approval_id}", headers=owner.headers)
    assert card.json()["records"] == [{"table": "contacts", "id": cid, "record": {"id": cid}}]
    assert card.json()["args"] == {"contact_id": cid}
