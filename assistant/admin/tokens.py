"""API tokens: create (shown once), list (never the token), revoke."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import col, select

from assistant.admin.declare import OWNER, procedure
from assistant.admin.users import UserRef, find
from assistant.auth import tokens as api_tokens
from assistant.db.models import ApiToken, User
from assistant.procedures.context import CallContext
from assistant.procedures.types import Id, Input, ListInput, Page, paginate


class TokenOut(BaseModel):
    id: int
    user_id: int
    user_email: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def token_out(row: ApiToken, email: str) -> TokenOut:
    return TokenOut(user_email=email, **row.model_dump(exclude={"token_hash"}))


class CreateToken(UserRef):
    name: str = Field(default="", max_length=100, description="A label, e.g. the client.")


class NewToken(TokenOut):
    token: str = Field(description="The token itself: shown this once, stored only hashed.")


@procedure(
    "tokens.create",
    summary="Create an API token for a user (the token is returned once)",
    input=CreateToken,
    output=NewToken,
    roles=OWNER,
)
async def create(ctx: CallContext, args: CreateToken) -> NewToken:
    user = await find(ctx.session, args)
    row, token = await api_tokens.create_token(ctx.session, user, args.name)
    return NewToken(token=token, **token_out(row, user.email).model_dump())


class ListTokens(ListInput):
    user_id: Id | None = None
    email: str | None = Field(default=None, max_length=254, description="Only this user's.")


@procedure(
    "tokens.list",
    summary="List API tokens (prefix, owner, name, status), never the tokens themselves",
    input=ListTokens,
    output=Page[TokenOut],
    roles=OWNER,
)
async def list_tokens(ctx: CallContext, args: ListTokens) -> Page[TokenOut]:
    query = select(ApiToken, User.email).join(User).order_by(col(ApiToken.id))
    if args.user_id is not None or args.email is not None:
        user = await find(ctx.session, UserRef(user_id=args.user_id, email=args.email))
        query = query.where(col(ApiToken.user_id) == user.id)
    rows, total = await paginate(ctx.session, query, args.limit, args.offset)
    return Page[TokenOut](items=[token_out(row, email) for row, email in rows], total=total)


class TokenRef(Input):
    token_id: Id


@procedure(
    "tokens.revoke",
    summary="Revoke an API token; requests with it get 401 from then on",
    input=TokenRef,
    output=TokenOut,
    roles=OWNER,
)
async def revoke(ctx: CallContext, args: TokenRef) -> TokenOut:
    row = await api_tokens.revoke_token(ctx.session, args.token_id)
    user = await ctx.session.get(User, row.user_id)
    return token_out(row, user.email if user else "")
