"""One authentication path for API tokens and browser sessions."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import or_, update
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

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


Found = tuple[Any, Any] | None
Check = Callable[[Found, datetime], Authenticated]


def _plan(credential: Credential) -> tuple[Select[Any, Any], Check]:
    """One query (the credential joined to its user, outer, so a missing user reads as
    disabled) and the check of what it found."""
    if credential.kind == "token":
        if not credential.secret.startswith(TOKEN_PREFIX):
            raise Unauthenticated("invalid API token")
        token = select(ApiToken, User).join(
            User, col(User.id) == col(ApiToken.user_id), isouter=True
        )
        return token.where(ApiToken.token_hash == hash_token(credential.secret)), _token_found
    session = select(WebSession, User).join(
        User, col(User.id) == col(WebSession.user_id), isouter=True
    )
    return session.where(WebSession.token_hash == hash_token(credential.secret)), _session_found


async def authenticate(
    session: AsyncSession, credential: Credential, now: datetime
) -> Authenticated:
    """The credential's principal now; 401 once it is revoked, expired or its user disabled
    (so a long-lived stream can ask again). It only reads: every request passes here, and
    on SQLite a read need not wait for the write lock."""
    query, check = _plan(credential)
    return check((await session.exec(query)).first(), now)


def authenticate_now(session: Session, credential: Credential, now: datetime) -> Authenticated:
    """`authenticate` through a synchronous session: SQLite's point reads on the event loop
    (assistant/db/point_reads.py), with no thread hop before a request's first byte."""
    query, check = _plan(credential)
    return check(session.exec(query).first(), now)


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


def _token_found(found: Found, now: datetime) -> Authenticated:
    row, user = found if found is not None else (None, None)
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("invalid or revoked API token")
    if user is None or not user.is_active:
        raise Unauthenticated("this API token's user is disabled")
    due = row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY
    return Authenticated(Principal.of(user, kind="token", token_id=row.id), token_use_due=due)


def _session_found(found: Found, now: datetime) -> Authenticated:
    row, user = found if found is not None else (None, None)
    if row is None or row.expires_at <= now:
        raise Unauthenticated("your session has ended; sign in again")
    if user is None or not user.is_active:
        raise Unauthenticated("this account is disabled")
    return Authenticated(Principal.of(user))


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
