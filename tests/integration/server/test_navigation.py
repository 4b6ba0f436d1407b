"""The main navigation: one list, the current page marked, Admin and E-mail by permission."""

from __future__ import annotations

import pytest

from assistant.db.models import Role
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.pages.shell import NAV, navigation

LABELS = ["Home", "Contacts", "Tasks", "Appointments", "E-mail", "Approvals", "Jobs",
          "Activity", "Admin"]  # fmt: skip
HOSTED_ONLY = "Usage"  # shown only where hosted providers are configured


def labels(executor: Executor, role: Role, page: str = "home") -> list[str]:
    principal = Principal(user_id=1, email="x@example.com", role=role)
    return [e["item"].label for e in navigation(executor, principal, page)]


def test_the_navigation_is_one_list_in_order() -> None:
    assert [item.label for item in NAV if item.label != HOSTED_ONLY] == LABELS


def test_usage_shows_only_with_hosted_providers(executor: Executor) -> None:
    usage = next(item for item in NAV if item.label == HOSTED_ONLY)
    settings = executor.runtime.settings
    assert usage.shown_if is not None and not usage.shown_if(settings)
    hosted = settings.model_copy(
        update={
            "remote": settings.remote.model_validate(
                {"providers": ["openai"], "openai_api_key": "sk-test"}
            )
        }
    )
    assert usage.shown_if(hosted)


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        (Role.owner, set()),
        (Role.practitioner, {"Admin"}),
        (Role.front_desk, {"Admin"}),
        (Role.viewer, {"Admin", "E-mail"}),  # a viewer may not list drafts
    ],
)
def test_entries_follow_what_the_role_may_call(
    executor: Executor, role: Role, hidden: set[str]
) -> None:
    assert labels(executor, role) == [label for label in LABELS if label not in hidden]


@pytest.mark.parametrize(
    ("page", "current"),
    [
        ("home", "Home"),
        ("contacts.list", "Contacts"),
        ("contact.edit", "Contacts"),
        ("tasks", "Tasks"),
        ("task", "Tasks"),
        ("appointments", "Appointments"),
        ("appointments.new", "Appointments"),
        ("appointment", "Appointments"),
        ("approvals", "Approvals"),
        ("error", None),
    ],
)
def test_the_current_page_is_marked_once(
    executor: Executor, page: str, current: str | None
) -> None:
    principal = Principal(user_id=1, email="x@example.com", role=Role.owner)
    marked = [e["item"].label for e in navigation(executor, principal, page) if e["current"]]
    assert marked == ([current] if current else [])
