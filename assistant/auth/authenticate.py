"""One authentication path for API tokens and browser sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import or_, update
from sqlmodel import col, select
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


@dataclass(frozen=True)
class Authenticated:
    """Who a credential belongs to now; `token_use_due` when a token's recorded last use is
    older than `_TOUCH_EVERY` (the caller records it in a write of its own)."""

    principal: Principal
    token_use_due: bool = False


async def authenticate(
    session: AsyncSession, credential: Credential, now: datetime
) -> Authenticated:
    """The credential's principal now; 401 once it is revoked, expired or its user disabled
    (so a long-lived stream can ask again). It only reads: every request passes here, and
    on SQLite a read need not wait for the write lock. One query (the credential joined to
    its user): on aiosqlite each statement is several hops to the driver's thread, about a
    millisecond a statement on a 2-core VM, and every request's first byte waits for them."""
    if credential.kind == "token":
        return await _by_token(session, credential.secret, now)
    return Authenticated(await _by_session(session, credential.secret, now))


async def record_token_use(session: AsyncSession, token_id: int, now: datetime) -> None:
    """Record a token's use; a concurrent request that recorded it first makes this a no-op."""
    await session.exec(
        update(ApiToken)
        .where(col(ApiToken.id) == token_id)
        .where(
            or_(
                col(ApiToken.last_used_at).is_(None),
                col(ApiToken.last_used_at) < now - _TOUCH_EVERY,
            )
        )
        .values(last_used_at=now)
    )


async def _by_token(session: AsyncSession, token: str, now: datetime) -> Authenticated:
    if not token.startswith(TOKEN_PREFIX):
        raise Unauthenticated("invalid API token")
    found = (
        await session.exec(
            select(ApiToken, User)
            .join(User, col(User.id) == col(ApiToken.user_id), isouter=True)
            .where(ApiToken.token_hash == hash_token(token))
        )
    ).first()
    row, user = found if found is not None else (None, None)
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("invalid or revoked API token")
    if user is None or not user.is_active:
        raise Unauthenticated("this API token's user is disabled")
    due = row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY
    return Authenticated(Principal.of(user, kind="token", token_id=row.id), token_use_due=due)


async def _by_session(session: AsyncSession, cookie: str, now: datetime) -> Principal:
    found = (
        await session.exec(
            select(WebSession, User)
            .join(User, col(User.id) == col(WebSession.user_id), isouter=True)
            .where(WebSession.token_hash == hash_token(cookie))
        )
    ).first()
    row, user = found if found is not None else (None, None)
    if row is None or row.expires_at <= now:
        raise Unauthenticated("your session has ended; sign in again")
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
