"""Sign in and sign out from a page: plain form posts (no script needed), CSRF-checked."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.errors import InvalidInput, PermissionDenied, RateLimited, Unauthenticated
from server.auth import same_origin
from server.deps import RuntimeDep
from server.pages.errors import PAGE_EXCEPTION_HANDLERS
from server.pages.shell import safe_next
from server.routes.session import end_session, start_session

WRONG = "The e-mail address or password is not right. Check them and try again."


class SignInForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def sign_in_page(
    form: SignInForm,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        template_name="auth/sign_in.html",
        context={
            "form": form,
            "next": safe_next(form.next),
            "errors": errors or {},
            "notice": notice,
            "page": "sign-in",
            "me": None,
            "waiting": 0,
            "contact_id": None,
        },
        status_code=status_code,
    )


NOTICES = {
    "signed_out": "You have signed out.",
    "expired": "Your session has ended. Sign in again to carry on where you were.",
}


@get("/login", include_in_schema=False, exception_handlers=PAGE_EXCEPTION_HANDLERS)
async def sign_in(next: FromQuery[str] = "", reason: FromQuery[str] = "") -> Template:
    return sign_in_page(SignInForm(next=next), notice=NOTICES.get(reason))


@post("/sign-in", include_in_schema=False, exception_handlers=PAGE_EXCEPTION_HANDLERS)
async def sign_in_post(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[Any]:
    if not same_origin(request):
        raise PermissionDenied("cross-site request refused")
    errors: dict[str, str] = {}
    if not data.email.strip():
        errors["email"] = "Enter your e-mail address"
    if not data.password:
        errors["password"] = "Enter your password"
    if errors:
        return sign_in_page(data, errors=errors, status_code=422)
    try:
        _, cookie = await start_session(runtime, request, data.email.strip(), data.password)
    except RateLimited as exc:
        message = (
            "Too many attempts to sign in to this account. "
            f"Wait {_minutes(exc.retry_after)} and try again."
        )
        return sign_in_page(data, errors={"email": message}, status_code=429)
    except (Unauthenticated, InvalidInput):
        return sign_in_page(data, errors={"email": WRONG}, status_code=401)
    return Redirect(safe_next(data.next), status_code=303, cookies=[cookie])


@post("/sign-out", include_in_schema=False, exception_handlers=PAGE_EXCEPTION_HANDLERS)
async def sign_out(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Redirect:
    cookie = await end_session(runtime, request)
    return Redirect("/login?reason=signed_out", status_code=303, cookies=[cookie])


routes = [sign_in, sign_in_post, sign_out]
