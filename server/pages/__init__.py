"""Page routes for web/: thin, and through the same executor and services as the API."""

from __future__ import annotations

from litestar import Router
from litestar.plugins.htmx import HTMXRequest
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from server.pages import (
    activity,
    admin,
    appointments,
    approvals,
    confirm,
    contacts,
    dock,
    emails,
    home,
    jobs,
    picker,
    policies,
    records,
    signin,
    tasks,
    usage,
    waiting,
)
from server.pages.errors import PAGE_EXCEPTION_HANDLERS
from web import STATIC

# Pages a signed-out browser may open (the auth middleware skips them; CSRF still applies).
PUBLIC_PAGES = ["^/sign-in$", "^/sign-out$"]


def page_routes() -> list[ControllerRouterHandler]:
    pages = Router(
        path="/",
        route_handlers=[
            *home.routes,
            *picker.routes,
            *contacts.routes,
            *tasks.routes,
            *appointments.routes,
            *records.routes,
            *approvals.routes,
            *activity.routes,
            *dock.routes,
            *emails.routes,
            *jobs.routes,
            *admin.routes,
            *confirm.routes,
            *policies.routes,
            *usage.routes,
        ],
        exception_handlers={
            **PAGE_EXCEPTION_HANDLERS,
            waiting.Waits: waiting.to_waiting,
        },
        request_class=HTMXRequest,  # `request.htmx`: what htmx asked for, if it asked
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False, send_as_attachment=False
    )
    # The sign-in page shares its path with the API's `POST /login`, so it sits beside the
    # router (one path, one route) with the same error pages.
    return [pages, *signin.routes, static]
