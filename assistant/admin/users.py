"""Staff accounts: list, create, disable, change role, reset password; and the directory of
names and roles every staff member may read (pickers, "who asked")."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.admin.declare import OWNER, procedure
from assistant.auth import users as accounts
from assistant.auth.passwords import generate_password
from assistant.db.models import Role, User, UserPublic
from assistant.errors import Conflict, NotFound
from assistant.procedures.context import CallContext
from assistant.procedures.registry import ALL_STAFF
from assistant.procedures.types import Id, Input, ListInput, Page, paginate

Password = str | None


class UserRef(Input):
    """A user by id or by e-mail (the CLI knows e-mails, pages know ids)."""

    user_id: Id | None = None
    email: str | None = Field(default=None, max_length=254)

    @model_validator(mode="after")
    def _one_of(self) -> UserRef:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("give a user_id or an email")
        return self


async def find(session: AsyncSession, ref: UserRef) -> User:
    if ref.email is not None:
        return await accounts.require_by_email(session, ref.email)
    user = await session.get(User, ref.user_id)
    if user is None:
        raise NotFound(f"no user with id {ref.user_id}", fields={"user_id": "not found"})
    return user


def public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


async def _keep_an_owner(session: AsyncSession, user: User, role: str, active: bool) -> None:
    """Refuse a change that would leave the clinic without an active owner."""
    if user.role != Role.owner or not user.is_active or (role == Role.owner and active):
        return
    owners = (
        await session.exec(
            select(func.count())
            .select_from(User)
            .where(col(User.role) == Role.owner, col(User.is_active).is_(True))
        )
    ).one()
    if owners <= 1:
        raise Conflict(f"{user.email} is the last active owner; make another owner first")


class ListUsers(ListInput):
    include_disabled: bool = True


@procedure(
    "users.list",
    summary="List staff accounts with role, timezone and status",
    input=ListUsers,
    output=Page[UserPublic],
    roles=OWNER,
)
async def list_users(ctx: CallContext, args: ListUsers) -> Page[UserPublic]:
    query = select(User).order_by(col(User.id))
    if not args.include_disabled:
        query = query.where(col(User.is_active).is_(True))
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[UserPublic](items=[public(u) for u in rows], total=total)


class CreateUser(Input):
    email: str = Field(max_length=254)
    role: str = Field(max_length=20, description="owner, practitioner, front_desk or viewer")
    full_name: str = Field(default="", max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    password: Password = Field(
        default=None, max_length=200, description="Generated (and returned once) if omitted."
    )


class WithPassword(BaseModel):
    id: int = Field(description="The user's id.")
    user: UserPublic
    password: str | None = Field(description="The generated password, shown once; else null.")


@procedure(
    "users.create",
    summary="Create a staff account (a password is generated when none is given)",
    input=CreateUser,
    output=WithPassword,
    roles=OWNER,
)
async def create(ctx: CallContext, args: CreateUser) -> WithPassword:
    generated = generate_password() if args.password is None else None
    user = await accounts.create_user(
        ctx.session,
        email=args.email,
        role=args.role,
        password=args.password or generated or "",
        full_name=args.full_name,
        timezone=args.timezone,
    )
    return WithPassword(id=user.id or 0, user=public(user), password=generated)


@procedure(
    "users.disable",
    summary="Disable an account: sign-ins, sessions and API tokens stop working",
    input=UserRef,
    output=UserPublic,
    roles=OWNER,
)
async def disable(ctx: CallContext, args: UserRef) -> UserPublic:
    user = await find(ctx.session, args)
    await _keep_an_owner(ctx.session, user, user.role, active=False)
    return public(await accounts.disable_user(ctx.session, user.email))


class SetRole(UserRef):
    role: str = Field(max_length=20, description="owner, practitioner, front_desk or viewer")


@procedure(
    "users.set_role",
    summary="Change a staff member's role (takes effect on their next request)",
    input=SetRole,
    output=UserPublic,
    roles=OWNER,
)
async def set_role(ctx: CallContext, args: SetRole) -> UserPublic:
    user = await find(ctx.session, args)
    role = accounts.check_role(args.role)
    await _keep_an_owner(ctx.session, user, role, active=user.is_active)
    user.role = role
    ctx.session.add(user)
    return public(user)


class ResetPassword(UserRef):
    password: Password = Field(
        default=None, max_length=200, description="Generated (and returned once) if omitted."
    )


@procedure(
    "users.reset_password",
    summary="Set a new password (generated when none is given); ends the user's sessions",
    input=ResetPassword,
    output=WithPassword,
    roles=OWNER,
)
async def reset_password(ctx: CallContext, args: ResetPassword) -> WithPassword:
    user = await find(ctx.session, args)
    generated = generate_password() if args.password is None else None
    user = await accounts.set_password(ctx.session, user.email, args.password or generated or "")
    return WithPassword(id=user.id or 0, user=public(user), password=generated)


class StaffMember(BaseModel):
    id: int
    full_name: str
    role: str


@procedure(
    "users.directory",
    summary="Active staff: names and roles (for pickers and 'who asked')",
    input=ListInput,
    output=Page[StaffMember],
    roles=ALL_STAFF,
)
async def directory(ctx: CallContext, args: ListInput) -> Page[StaffMember]:
    query = select(User).where(col(User.is_active).is_(True)).order_by(col(User.id))
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    items = [StaffMember(id=u.id or 0, full_name=u.full_name, role=u.role) for u in rows]
    return Page[StaffMember](items=items, total=total)
