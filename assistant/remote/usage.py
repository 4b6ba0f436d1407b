"""Hosted usage: recorded per request, summed per user/provider/model, the daily quota.

Rows hold token counts only. The quota is per user and UTC day; it resets at midnight UTC.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock
from assistant.db.models import Role, UsageRecord, User
from assistant.errors import InvalidInput, PermissionDenied
from assistant.remote.errors import QuotaExceeded
from inference.base import Usage

if TYPE_CHECKING:
    from assistant.procedures.context import Principal
    from assistant.runtime import Runtime


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start of today (UTC) and when the quota resets."""
    start = datetime.combine(now.date(), time(0), tzinfo=now.tzinfo)
    return start, start + timedelta(days=1)


class UsageRow(BaseModel):
    user_id: int | None
    user: str | None
    provider: str
    model: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Quota(BaseModel):
    tokens_per_day: int | None
    used_today: int
    resets_at: datetime


class UsageReport(BaseModel):
    since: datetime
    scope: str  # "mine" or "everyone"
    items: list[UsageRow]
    total: int
    quota: Quota


class UsageBookDb:
    """The router's UsageBook over the database."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, quota: int | None
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.quota = quota

    async def used_today(self, session: AsyncSession, user_id: int) -> int:
        start, _ = day_bounds(self.clock.now())
        total = func.coalesce(
            func.sum(col(UsageRecord.prompt_tokens) + col(UsageRecord.completion_tokens)), 0
        )
        result = await session.exec(
            select(total).where(
                UsageRecord.user_id == user_id, col(UsageRecord.created_at) >= start
            )
        )
        return int(result.one())

    async def check(self, user_id: int | None) -> None:
        if self.quota is None or user_id is None:
            return
        async with self.sessions() as session:
            used = await self.used_today(session, user_id)
        if used >= self.quota:
            raise QuotaExceeded(used, self.quota, day_bounds(self.clock.now())[1])

    async def record(
        self, user_id: int | None, provider: str, model: str, purpose: str, usage: Usage
    ) -> None:
        async with self.sessions() as session, session.begin():
            session.add(
                UsageRecord(
                    user_id=user_id,
                    provider=provider,
                    model=model[:128],
                    purpose=purpose,
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    exact=usage.exact,
                    created_at=self.clock.now(),
                )
            )

    async def report(self, user_id: int, everyone: bool, days: int) -> UsageReport:
        """Sums since `days` ago: the caller's own, or (owners) everyone's."""
        now = self.clock.now()
        since = day_bounds(now)[0] - timedelta(days=days - 1)
        tokens_in = func.sum(UsageRecord.prompt_tokens)
        tokens_out = func.sum(UsageRecord.completion_tokens)
        query: Any = (
            sa_select(
                col(UsageRecord.user_id),
                col(User.email),
                col(UsageRecord.provider),
                col(UsageRecord.model),
                func.count(col(UsageRecord.id)),
                tokens_in,
                tokens_out,
            )
            .join(User, col(User.id) == col(UsageRecord.user_id), isouter=True)
            .where(col(UsageRecord.created_at) >= since)
            .group_by(
                col(UsageRecord.user_id),
                col(User.email),
                col(UsageRecord.provider),
                col(UsageRecord.model),
            )
            .order_by((tokens_in + tokens_out).desc())
        )
        if not everyone:
            query = query.where(UsageRecord.user_id == user_id)
        async with self.sessions() as session:
            rows = (await session.exec(query)).all()
            used = await self.used_today(session, user_id)
        items = [
            UsageRow(
                user_id=uid,
                user=email,
                provider=provider,
                model=model,
                requests=int(n),
                prompt_tokens=int(tin or 0),
                completion_tokens=int(tout or 0),
                total_tokens=int(tin or 0) + int(tout or 0),
            )
            for uid, email, provider, model, n, tin, tout in rows
        ]
        return UsageReport(
            since=since,
            scope="everyone" if everyone else "mine",
            items=items,
            total=sum(i.total_tokens for i in items),
            quota=Quota(tokens_per_day=self.quota, used_today=used, resets_at=day_bounds(now)[1]),
        )


UsageScope = Literal["default", "mine", "everyone"]


async def report_for(
    runtime: Runtime, principal: Principal, scope: UsageScope = "default", days: int = 30
) -> UsageReport:
    """What GET /api/usage and the usage page show: the caller's own usage; owners see
    everyone's unless they ask for their own."""
    is_owner = principal.role == Role.owner
    if scope == "everyone" and not is_owner:
        raise PermissionDenied("only owners may see everyone's usage")
    if not 1 <= days <= 366:
        raise InvalidInput("days must be between 1 and 366", fields={"days": "1 to 366"})
    everyone = is_owner and scope != "mine"
    book = UsageBookDb(
        runtime.sessions, runtime.clock, runtime.settings.remote.quota_tokens_per_day
    )
    return await book.report(principal.user_id, everyone, days)
