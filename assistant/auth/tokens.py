"""API tokens: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import ApiToken, User
from assistant.db.types import utcnow
from assistant.errors import NotFound

TOKEN_PREFIX = "cca_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(session: AsyncSession, user: User, name: str = "") -> tuple[ApiToken, str]:
    assert user.id is not None
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, prefix=token[:10], token_hash=hash_token(token))
    session.add(row)
    await session.flush()
    return row, token


async def list_tokens(session: AsyncSession, user: User | None = None) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)  # type: ignore[arg-type]
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list((await session.exec(query)).all())


async def revoke_token(session: AsyncSession, token_id: int) -> ApiToken:
    row = await session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no API token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
    return row
