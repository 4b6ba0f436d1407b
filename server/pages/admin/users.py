"""Staff accounts: list, create (the password is shown once), change role, reset password,
disable."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.db.models import Role
from assistant.errors import Conflict, InvalidInput
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call
from server.pages.forms import field_errors
from server.pages.shell import render, see_other

PAGE_SIZE = 25
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
ROLES = {r.value: r.value.replace("_", " ").capitalize() for r in Role}
FIELDS = ("email", "full_name", "role", "timezone")
LABELS = {"email": "Email", "full_name": "Full name", "role": "Role", "timezone": "Time zone"}
NOTICES = {
    "role": "Role changed. It applies from their next click.",
    "disabled": "Account disabled. Their sessions and API tokens stopped working.",
}


class NewUserForm(BaseModel):
    email: str = ""
    full_name: str = ""
    role: str = "front_desk"
    timezone: str = ""


class RoleForm(BaseModel):
    role: str = ""


async def _page(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    page: int,
    *,
    form: NewUserForm | None = None,
    errors: dict[str, str] | None = None,
    secret: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    page = max(page, 1)
    found = await call(
        executor, principal, "users.list", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return await render(
        request, runtime, principal, "admin/users.html", page="admin.users",
        users=found.items, total=found.total, page_no=page,
        pages=max(1, -(-found.total // PAGE_SIZE)), roles=ROLES,
        form=form or NewUserForm(timezone=principal.timezone), errors=errors or {},
        secret=secret, notice=notice, status_code=status_code,
    )  # fmt: skip


@get("/admin/users", include_in_schema=False)
async def users_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    page: FromQuery[int] = 1,
    notice: FromQuery[str] = "",
) -> Template:
    return await _page(request, runtime, executor, principal, page, notice=NOTICES.get(notice))


@post("/admin/users", include_in_schema=False)
async def create_user(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: Annotated[NewUserForm, FormBody],
) -> Template:
    args = {k: v.strip() for k, v in data.model_dump().items()}
    args["timezone"] = args["timezone"] or "UTC"
    try:
        made = await call(executor, principal, "users.create", **args)
    except (InvalidInput, Conflict) as exc:
        errors = field_errors(exc, FIELDS, LABELS)
        if isinstance(exc, Conflict):
            errors = {"email": "An account with this e-mail address already exists"}
        elif "timezone" in errors:
            errors["timezone"] = "Enter a time zone name, like Europe/London or America/New_York"
        return await _page(
            request, runtime, executor, principal, 1, form=data, errors=errors, status_code=422
        )
    secret = {
        "what": f"Password for {made.user.email}",
        "value": made.password or "",
        "hint": "Give it to them in person. It is shown only this once; they can sign in now.",
    }
    return await _page(request, runtime, executor, principal, 1, secret=secret,
                       notice=f"Account created for {made.user.email}.")  # fmt: skip


@post("/admin/users/{user_id:int}/role", include_in_schema=False)
async def set_role(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    user_id: FromPath[int],
    data: Annotated[RoleForm, FormBody],
) -> Template | Redirect:
    try:
        await call(executor, principal, "users.set_role", user_id=user_id, role=data.role)
    except (InvalidInput, Conflict) as exc:
        errors = {"form": exc.message[:1].upper() + exc.message[1:] + "."}
        return await _page(request, runtime, executor, principal, 1, errors=errors, status_code=422)
    return see_other("/admin/users", notice="role")


@post("/admin/users/{user_id:int}/password", include_in_schema=False)
async def reset_password(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    user_id: FromPath[int],
) -> Template:
    done = await call(executor, principal, "users.reset_password", user_id=user_id)
    secret = {
        "what": f"New password for {done.user.email}",
        "value": done.password or "",
        "hint": "Their open sessions have ended. It is shown only this once.",
    }
    return await _page(request, runtime, executor, principal, 1, secret=secret)


@post("/admin/users/{user_id:int}/disable", include_in_schema=False)
async def disable_user(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    user_id: FromPath[int],
) -> Template | Redirect:
    try:
        await call(executor, principal, "users.disable", user_id=user_id)
    except Conflict as exc:  # the last owner
        errors = {"form": exc.message[:1].upper() + exc.message[1:] + "."}
        return await _page(request, runtime, executor, principal, 1, errors=errors, status_code=409)
    return see_other("/admin/users", notice="disabled")


routes = [users_page, create_user, set_role, reset_password, disable_user]
