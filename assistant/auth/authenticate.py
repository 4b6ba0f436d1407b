"""One authentication path for API tokens and browser sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.auth.passwords import verify_password
from assistant.auth.tokens import TOKEN_PREFIX, hash_token
from assistant.auth.users import normalise_email
from assistant.db.models import ApiToken, User, WebSession
from assistant.errors import InvalidInput, Unauthenticated
from assistant.procedures.context import Principal

SESSION_COOKIE = "assistant_session"
_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True, repr=False)
class Credential:
    """What authenticated a request, kept so a long-lived stream can check it again."""

    kind: Literal["token", "session"]
    secret: str


async def authenticate(
    session: AsyncSession, credential: Credential, now: datetime, *, touch: bool = True
) -> Principal:
    """The credential's principal now; 401 once it is revoked, expired or its user disabled
    (so a long-lived stream can ask again). `touch=False` only reads: a stream's re-check
    leaves a token's last use as the request that opened the stream recorded it."""
    if credential.kind == "token":
        return await _by_token(session, credential.secret, now, touch=touch)
    return await _by_session(session, credential.secret, now)


async def _by_token(session: AsyncSession, token: str, now: datetime, *, touch: bool) -> Principal:
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthenticated("invalid API token")
    row = (
        await session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    ).first()
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("invalid or revoked API token")
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("this API token's user is disabled")
    if touch and (row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY):
        row.last_used_at = now
        session.add(row)
        await session.commit()
    return Principal.of(user, kind="token", token_id=row.id)


async def _by_session(session: AsyncSession, cookie: str, now: datetime) -> Principal:
    row = (
        await session.exec(select(WebSession).where(WebSession.token_hash == hash_token(cookie)))
    ).first()
    if row is None or row.expires_at <= now:
        raise Unauthenticated("your session has ended; sign in again")
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("this account is disabled")
    return Principal.of(user)


async def login(
    session: AsyncSession, *, email: str, password: str, now: datetime, hours: float
) -> tuple[Principal, str, datetime]:
    """Check a password and open a session; returns the principal, cookie value and expiry."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        raise Unauthenticated("wrong e-mail or password") from None
    user = (await session.exec(select(User).where(User.email == email))).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        raise Unauthenticated("wrong e-mail or password")
    if not user.is_active:
        raise Unauthenticated("this account is disabled")
    secret = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
    assert user.id is not None
    session.add(
        WebSession(
            user_id=user.id, token_hash=hash_token(secret), created_at=now, expires_at=expires
        )
    )
    await session.commit()
    return Principal.of(user), secret, expires


async def logout(session: AsyncSession, cookie: str) -> None:
    row = (
        await session.exec(select(WebSession).where(WebSession.token_hash == hash_token(cookie)))
    ).first()
    if row is not None:
        await session.delete(row)
        await session.commit()
