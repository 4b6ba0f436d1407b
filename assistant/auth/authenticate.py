"""One authentication path for API tokens and browser sessions."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, Select, bindparam, or_, update
from sqlalchemy import select as select_columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.auth.passwords import verify_password
from assistant.auth.tokens import TOKEN_PREFIX, hash_token
from assistant.auth.users import normalise_email
from assistant.db.models import ApiToken, Role, User, WebSession
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


Check = Callable[[Any, datetime], Authenticated]

# The user's columns a principal is made of (is_active: to refuse a disabled user's requests).
_USER: tuple[Any, ...] = (
    col(User.id).label("user_id"), col(User.email), col(User.role), col(User.timezone),
    col(User.is_active),
)  # fmt: skip
# Columns, not entities: on an idle box the ORM's session, identity map and entities cost
# about a millisecond more a request than the row itself (cold caches), before the first byte.
# Built once, the hash a bound parameter: a request neither builds a statement nor walks one
# for its cache key (SQLAlchemy memoises the key of a statement it has seen).
_TOKEN = (
    select_columns(col(ApiToken.id), col(ApiToken.revoked_at), col(ApiToken.last_used_at), *_USER)
    .join(User, col(User.id) == col(ApiToken.user_id), isouter=True)
    .where(col(ApiToken.token_hash) == bindparam("token_hash"))
)
_SESSION = (
    select_columns(col(WebSession.expires_at), *_USER)
    .join(User, col(User.id) == col(WebSession.user_id), isouter=True)
    .where(col(WebSession.token_hash) == bindparam("token_hash"))
)


def _plan(credential: Credential) -> tuple[Select[Any], dict[str, str], Check]:
    """One query (the credential joined to its user, outer, so a missing user reads as
    disabled), its parameters, and the check of the row it found."""
    if credential.kind == "token" and not credential.secret.startswith(TOKEN_PREFIX):
        raise Unauthenticated("invalid API token")
    query, check = _PLANS[credential.kind]
    return query, {"token_hash": hash_token(credential.secret)}, check


async def authenticate(
    session: AsyncSession, credential: Credential, now: datetime
) -> Authenticated:
    """The credential's principal now; 401 once it is revoked, expired or its user disabled
    (so a long-lived stream can ask again). It only reads: every request passes here, and
    on SQLite a read need not wait for the write lock."""
    query, params, check = _plan(credential)
    connection = await session.connection()
    return check((await connection.execute(query, params)).first(), now)


def authenticate_now(
    connection: Connection, credential: Credential, now: datetime
) -> Authenticated:
    """`authenticate` on a synchronous connection: SQLite's point reads on the event loop
    (assistant/db/point_reads.py), with no thread hop before a request's first byte."""
    query, params, check = _plan(credential)
    return check(connection.execute(query, params).first(), now)


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


def _principal(row: Any, **kind: Any) -> Principal:
    return Principal(user_id=row.user_id, email=row.email, role=Role(row.role),
                     timezone=row.timezone, **kind)  # fmt: skip


def _token_found(row: Any, now: datetime) -> Authenticated:
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("invalid or revoked API token")
    if row.user_id is None or not row.is_active:
        raise Unauthenticated("this API token's user is disabled")
    due = row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY
    return Authenticated(_principal(row, kind="token", token_id=row.id), token_use_due=due)


def _session_found(row: Any, now: datetime) -> Authenticated:
    if row is None or row.expires_at <= now:
        raise Unauthenticated("your session has ended; sign in again")
    if row.user_id is None or not row.is_active:
        raise Unauthenticated("this account is disabled")
    return Authenticated(_principal(row))


_PLANS: dict[str, tuple[Select[Any], Check]] = {
    "token": (_TOKEN, _token_found),
    "session": (_SESSION, _session_found),
}


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
