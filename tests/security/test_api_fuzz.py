"""schemathesis against the real API: `assistant serve` on PostgreSQL, /schema/openapi.json,
one user per role.

Every operation the schema lists is called with generated data (the never-ending SSE streams
are not: their own tests cover them): no response may be a 5xx, every response must match the
schema it declares, and data the schema forbids must be refused with a 4xx. Generation is
derandomized and small, so a run is repeatable and bounded; schemathesis is used as a library
(strategies and checks) rather than through its pytest plugin, whose lazy schemas do not run
under pytest 9.2.

The suite has a database of its own: the owner's fuzzing creates staff, changes policies and
revokes tokens, which must not reach other tests' session-wide users.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    multiple,
    rule,
    run_state_machine_as_test,
)
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
)

from assistant.db import migrate
from assistant.settings import Settings
from tests.plugins.app import ROLES, Member, make_member
from tests.plugins.servers import HIGH_RATE_LIMITS, running_server
from tests.plugins.services import new_database

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, response_schema_conformance, negative_data_rejection]
NEVER_ENDING = {"GET /api/events", "POST /api/chat"}
"""Streams that end only when the client goes (`/v1` streams only when asked: `stream` is
forced off below)."""
EXAMPLES = {"owner": 10, "practitioner": 4, "front_desk": 4, "viewer": 4}
"""Per operation and mode. The owner may call everything; the others mostly meet the role
guard, which answers before the body is read."""
NEGATIVE_ROLES = {"owner"}
"""Invalid data is refused by the same validation whoever sends it: the owner, who gets past
every role guard, sends it."""
ACCOUNT_ADMIN = {
    "POST /api/rpc/users.disable",
    "POST /api/rpc/users.set_role",
    "POST /api/rpc/users.reset_password",
    "POST /api/rpc/tokens.revoke",
}


@dataclass
class Fuzzers:
    """The suite's own staff, one per role (the owner approves what the front desk asks)."""

    members: dict[str, Member]
    token_ids: set[int]

    def spared(self, case: schemathesis.Case) -> bool:
        """Account administration never targets the fuzzers themselves (a disabled viewer
        would fuzz nothing but 401s)."""
        if case.operation.label not in ACCOUNT_ADMIN or not isinstance(case.body, dict):
            return True
        people = self.members.values()
        ours: dict[str, set[Any]] = {
            "user_id": {m.user_id for m in people},
            "email": {m.email for m in people},
            "token_id": self.token_ids,
        }
        return not any(
            isinstance(value, int | str) and value in ours[field]
            for field, value in case.body.items()
            if field in ours
        )


@pytest.fixture(scope="module")
def fuzz_settings(
    redis_url: str, key_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    with new_database("postgres", tmp_path_factory.mktemp("fuzz-db")) as url:
        migrate.upgrade(url)
        yield Settings(
            environment="test",
            data_dir=tmp_path_factory.mktemp("fuzz-var"),
            key_file=key_file,
            database={"url": url},
            redis={"url": redis_url},
            rate=HIGH_RATE_LIMITS,
        )


@pytest.fixture(scope="module")
def fuzz_url(fuzz_settings: Settings) -> Iterator[str]:
    # Warnings and errors only: thousands of access lines would each go through the log
    # scrubber, and fill the pipe the fixture reads only at the end.
    with running_server(fuzz_settings, ASSISTANT_LOG_LEVEL="WARNING") as url:
        yield url


@pytest.fixture(scope="module")
async def fuzzers(fuzz_settings: Settings, fuzz_url: str) -> Fuzzers:
    members = {role: await make_member(fuzz_settings, role) for role in ROLES}
    async with httpx.AsyncClient(base_url=fuzz_url, timeout=30) as http:
        listed = await http.post(
            "/api/rpc/tokens.list", json={"limit": 200}, headers=members["owner"].headers
        )
    assert listed.status_code == 200, listed.text
    return Fuzzers(members, {token["id"] for token in listed.json()["items"]})


@pytest.fixture(scope="module")
def api_schema(fuzz_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzz_url}/schema/openapi.json")


def no_stream(case: schemathesis.Case) -> schemathesis.Case:
    if case.operation.label == "POST /v1/chat/completions" and isinstance(case.body, dict):
        case.body = {**case.body, "stream": False}
    return case


def fuzz_operation(
    operation: schemathesis.APIOperation,
    mode: GenerationMode,
    http: requests.Session,
    fuzzers: Fuzzers,
    examples: int,
    statuses: Counter[int],
) -> str | None:
    """The first failure schemathesis finds for the operation in this mode, if any."""
    strategy = operation.as_strategy(generation_mode=mode).filter(fuzzers.spared).map(no_stream)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is shown
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(session=http, checks=CHECKS)
        statuses[response.status_code] += 1

    try:
        run()
    except Unsatisfiable:
        return None  # nothing to negate: no parameters and no body
    except Exception as exc:
        return f"{operation.label} ({mode.value}): {exc}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_survives_generated_input(
    api_schema: schemathesis.BaseSchema, fuzzers: Fuzzers, role: str
) -> None:
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    modes = list(GenerationMode) if role in NEGATIVE_ROLES else [GenerationMode.POSITIVE]
    with requests.Session() as http:
        http.headers.update(fuzzers.members[role].headers)
        for result in api_schema.get_all_operations():
            operation = result.ok()
            if operation.label in NEVER_ENDING:
                continue
            for mode in modes:
                failure = fuzz_operation(operation, mode, http, fuzzers, EXAMPLES[role], statuses)
                if failure:
                    failures.append(failure)
        still_in = http.get(f"{api_schema.get_base_url()}/api/me", timeout=30)
    assert not failures, "\n\n".join(failures)
    # Not vacuous: the role's calls got through (its account survived the owner's fuzzing).
    assert still_in.status_code == 200, still_in.text
    assert statuses[200] >= 10, statuses


# Stateful: explicit transitions (Litestar's decorators cannot declare OpenAPI links, and the
# ids travel in bodies) carry real ids from one call into the next; every other field is
# generated by schemathesis from the schema. The front desk creates, reads, updates and deletes;
# deleting a contact is critical, so it waits for approval, which the owner gives.


class Flows(RuleBasedStateMachine):
    schema: schemathesis.BaseSchema
    fuzzers: Fuzzers
    seen: Counter[tuple[str, int]]

    contacts = Bundle("contacts")
    tasks = Bundle("tasks")
    approvals = Bundle("approvals")

    def call(
        self,
        label: str,
        data: st.DataObject,
        body: dict[str, Any] | None = None,
        path: dict[str, Any] | None = None,
        role: str = "front_desk",
    ) -> requests.Response:
        """A generated call of `label` with the given ids in place, validated by the checks."""
        method, route = label.split(" ", 1)
        operation = self.schema[route][method]
        case = data.draw(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path))
        if body is not None:
            case.body = {**(case.body if isinstance(case.body, dict) else {}), **body}
        response = case.call(headers=self.fuzzers.members[role].headers)
        case.validate_response(response, checks=CHECKS)
        self.seen[label, response.status_code] += 1
        return response

    @rule(target=contacts, data=st.data())
    def create_contact(self, data: st.DataObject) -> Any:
        made = self.call("POST /api/rpc/contacts.create", data)
        return made.json()["id"] if made.status_code == 200 else multiple()

    @rule(contact=contacts, data=st.data())
    def read_contact(self, contact: int, data: st.DataObject) -> None:
        read = self.call("POST /api/rpc/contacts.get", data, {"contact_id": contact})
        assert read.status_code in (200, 404), read.text  # 404: its deletion was approved
        if read.status_code == 200:
            assert read.json()["id"] == contact

    @rule(contact=contacts, data=st.data())
    def update_contact(self, contact: int, data: st.DataObject) -> None:
        body = {"contact_id": contact, "expected_version": None}
        self.call("POST /api/rpc/contacts.update", data, body)

    @rule(target=tasks, contact=contacts, data=st.data())
    def create_task(self, contact: int, data: st.DataObject) -> Any:
        body = {"contact_id": contact, "assignee_id": None}
        made = self.call("POST /api/rpc/tasks.create", data, body)
        return made.json()["id"] if made.status_code == 200 else multiple()

    @rule(task=tasks, data=st.data())
    def read_task(self, task: int, data: st.DataObject) -> None:
        read = self.call("POST /api/rpc/tasks.get", data, {"task_id": task})
        assert read.status_code in (200, 404), read.text  # 404: deleted, or its contact was

    @rule(task=tasks, data=st.data(), done=st.booleans())
    def complete_or_reopen_task(self, task: int, data: st.DataObject, done: bool) -> None:
        label = "POST /api/rpc/tasks.complete" if done else "POST /api/rpc/tasks.reopen"
        self.call(label, data, {"task_id": task})

    @rule(task=consumes(tasks), data=st.data())
    def delete_task(self, task: int, data: st.DataObject) -> None:
        self.call("POST /api/rpc/tasks.delete", data, {"task_id": task})

    @rule(target=approvals, contact=consumes(contacts), data=st.data())
    def request_deletion(self, contact: int, data: st.DataObject) -> Any:
        asked = self.call("POST /api/rpc/contacts.delete", data, {"contact_id": contact})
        assert asked.status_code in (202, 409), asked.text  # critical: never at once
        return asked.json()["approval_id"] if asked.status_code == 202 else multiple()

    @rule(approval=consumes(approvals), data=st.data())
    def approve(self, approval: int, data: st.DataObject) -> None:
        label = "POST /api/approvals/{approval_id}/approve"
        path = {"approval_id": approval}
        decided = self.call(label, data, {"reason": "fuzzed", "args": None}, path, role="owner")
        assert decided.status_code == 200, decided.text
        assert decided.json()["decided_by"] == self.fuzzers.members["owner"].user_id


FOLLOWED = [
    ("POST /api/rpc/contacts.get", 200),
    ("POST /api/rpc/contacts.update", 200),
    ("POST /api/rpc/tasks.get", 200),
    ("POST /api/rpc/contacts.delete", 202),
    ("POST /api/approvals/{approval_id}/approve", 200),
]


def test_crud_and_approval_flows_hold_together(
    api_schema: schemathesis.BaseSchema, fuzzers: Fuzzers
) -> None:
    Flows.schema, Flows.fuzzers, Flows.seen = api_schema, fuzzers, Counter()
    run_state_machine_as_test(
        Flows,
        settings=settings(
            max_examples=12,
            stateful_step_count=12,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The flows ran: records read and changed by their real ids, and a delete the front desk
    # asked for approved by the owner.
    for label, status in FOLLOWED:
        assert Flows.seen[label, status] > 0, (label, status, sorted(Flows.seen.items()))
