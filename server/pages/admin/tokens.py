"""API tokens: create (the token is shown once, with a copy button), list, revoke."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.errors import Conflict, InvalidInput, NotFound
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call
from server.pages.forms import field_errors
from server.pages.shell import render, see_other

PAGE_SIZE = 25
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
LABELS = {"user_id": "Whose token", "name": "Name"}
NOTICES = {"revoked": "Token revoked. Requests with it are refused from now on."}


class NewTokenForm(BaseModel):
    user_id: str = ""
    name: str = ""


async def _page(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    page: int,
    *,
    form: NewTokenForm | None = None,
    errors: dict[str, str] | None = None,
    secret: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    page = max(page, 1)
    found = await call(
        executor, principal, "tokens.list", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    # The people a token can be for: active accounts (a clinic has tens, not hundreds).
    people = await call(executor, principal, "users.list", include_disabled=False, limit=200)
    return await render(
        request, runtime, principal, "admin/tokens.html", page="admin.tokens",
        tokens=found.items, total=found.total, page_no=page,
        pages=max(1, -(-found.total // PAGE_SIZE)), people=people.items,
        form=form or NewTokenForm(user_id=str(principal.user_id)), errors=errors or {},
        secret=secret, notice=notice, status_code=status_code,
    )  # fmt: skip


@get("/admin/tokens", include_in_schema=False)
async def tokens_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    page: FromQuery[int] = 1,
    notice: FromQuery[str] = "",
) -> Template:
    return await _page(request, runtime, executor, principal, page, notice=NOTICES.get(notice))


@post("/admin/tokens", include_in_schema=False)
async def create_token(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: Annotated[NewTokenForm, FormBody],
) -> Template:
    try:
        if not data.user_id.isdigit():
            raise InvalidInput("choose whose token it is", fields={"user_id": "required"})
        args = {"user_id": int(data.user_id), "name": data.name.strip()}
        done = await executor.call(principal, "tokens.create", args, source="http")
        assert isinstance(done, Done)
        made: Any = done.output
    except (InvalidInput, NotFound, Conflict) as exc:
        errors = field_errors(exc, ("user_id", "name"), LABELS)
        if "user_id" in errors:
            errors["user_id"] = "Choose whose token it is"
        return await _page(
            request, runtime, executor, principal, 1, form=data, errors=errors, status_code=422
        )
    secret = {
        "what": f"API token for {made.user_email}" + (f" ({made.name})" if made.name else ""),
        "value": made.token,
        "hint": "Copy it into the program that needs it now: it is shown only this once, and "
        "the clinic keeps only a fingerprint of it.",
    }
    return await _page(request, runtime, executor, principal, 1, secret=secret,
                       notice="Token created.")  # fmt: skip


@post("/admin/tokens/{token_id:int}/revoke", include_in_schema=False)
async def revoke_token(
    executor: ExecutorDep, principal: PrincipalDep, token_id: FromPath[int]
) -> Redirect:
    await call(executor, principal, "tokens.revoke", token_id=token_id)
    return see_other("/admin/tokens", notice="revoked")


routes = [tokens_page, create_token, revoke_token]
