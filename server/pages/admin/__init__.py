"""The owner's pages: staff accounts, API tokens, the audit trail.

Every read and write is an owner-only procedure (assistant/admin/), called through the
executor: another role gets the executor's refusal, shown as a 403 page.
"""

from __future__ import annotations

from litestar import get
from litestar.response import Redirect

from server.pages.admin import audit, tokens, users


@get("/admin", include_in_schema=False)
async def admin_home() -> Redirect:
    return Redirect("/admin/users", status_code=303)


routes = [admin_home, *users.routes, *tokens.routes, *audit.routes]
