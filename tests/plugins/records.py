"""Fresh CRM records made through the API, for tests that need something to act on."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from tests.plugins.app import Member

_SLOTS = itertools.count()


class Records:
    def __init__(self, client: AsyncTestClient, member: Member) -> None:  # type: ignore[type-arg]
        self.client = client
        self.member = member

    async def rpc(self, name: str, **args: Any) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/rpc/{name}", json=args, headers=self.member.headers
        )
        assert response.status_code == 200, (name, response.text)
        result: dict[str, Any] = response.json()
        return result

    async def contact(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("first_name", "Test")
        fields.setdefault("last_name", f"Person{uuid.uuid4().hex[:6]}")
        return await self.rpc("contacts.create", **fields)

    async def note(self, contact_id: int, body: str = "reports knee pain") -> dict[str, Any]:
        return await self.rpc("notes.add", contact_id=contact_id, body=body)

    async def task(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("title", "call back")
        return await self.rpc("tasks.create", **fields)

    async def appointment(
        self, contact_id: int, starts_at: datetime | None = None, **fields: Any
    ) -> dict[str, Any]:
        # A far-future slot of its own: never overlaps another test's booking.
        start = starts_at or datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=next(_SLOTS))
        return await self.rpc(
            "appointments.book", contact_id=contact_id, starts_at=start.isoformat(), **fields
        )

    async def draft(self, contact_id: int, purpose: str = "follow_up") -> dict[str, Any]:
        return await self.rpc("emails.draft", contact_id=contact_id, purpose=purpose)
