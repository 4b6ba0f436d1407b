"""User accounts: create, list, disable, reset passwords."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.auth.passwords import hash_password
from assistant.db.models import Role, User, WebSession
from assistant.db.types import utcnow
from assistant.errors import Conflict, InvalidInput, NotFound

_email = TypeAdapter(EmailStr)


def normalise_email(email: str) -> str:
    try:
        return _email.validate_python(email.strip()).lower()
    except ValidationError:
        raise InvalidInput(
            f"not a valid e-mail address: {email!r}", fields={"email": "invalid e-mail"}
        ) from None


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown timezone: {name!r} (use an IANA name such as Europe/London)",
            fields={"timezone": "unknown timezone"},
        ) from None
    return name


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(
            f"unknown role: {role!r} (one of {allowed})", fields={"role": "unknown role"}
        ) from None


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.exec(select(User).where(User.email == normalise_email(email)))
    return result.first()


async def require_by_email(session: AsyncSession, email: str) -> User:
    user = await get_by_email(session, email)
    if user is None:
        raise NotFound(f"no user with e-mail {normalise_email(email)}")
    return user


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    role: str,
    password: str,
    full_name: str = "",
    timezone: str = "UTC",
) -> User:
    email = normalise_email(email)
    user = User(
        email=email,
        role=check_role(role),
        full_name=full_name,
        timezone=check_timezone(timezone),
        password_hash=hash_password(password),
    )
    if await get_by_email(session, email) is not None:
        raise Conflict(f"a user with e-mail {email} already exists", fields={"email": "taken"})
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> list[User]:
    return list((await session.exec(select(User).order_by(User.id))).all())  # type: ignore[arg-type]


async def _end_sessions(session: AsyncSession, user_id: int) -> None:
    rows = await session.exec(select(WebSession).where(WebSession.user_id == user_id))
    for row in rows.all():
        await session.delete(row)


async def disable_user(session: AsyncSession, email: str) -> User:
    user = await require_by_email(session, email)
    user.is_active = False
    assert user.id is not None
    await _end_sessions(session, user.id)
    session.add(user)
    return user


async def set_password(session: AsyncSession, email: str, password: str) -> User:
    user = await require_by_email(session, email)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    assert user.id is not None
    await _end_sessions(session, user.id)
    session.add(user)
    return user
