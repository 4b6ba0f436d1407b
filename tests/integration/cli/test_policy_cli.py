"""`assistant policy list | set`, as a real process, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlmodel import col, select

from assistant.db.engine import create_engine, session_factory
from assistant.db.models import AuditEvent, ProcedurePolicy
from tests.integration.cli.conftest import Cli


async def _rows(url: str, model: type) -> list:  # type: ignore[type-arg]
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return list((await session.exec(select(model).order_by(col(model.id)))).all())
    finally:
        await engine.dispose()


def test_policy_set_list_and_audit(cli: Cli, empty_db_url: str) -> None:
    listed = cli("policy", "list").stdout
    merge = next(line for line in listed.splitlines() if "contacts.merge" in line)
    assert "approve" in merge and "notes.add" in listed

    out = cli("policy", "set", "notes.add", "confirm", "--role", "practitioner").stdout
    assert "notes.add set to confirm for the practitioner role (now confirm)" in out
    cli("policy", "set", "tasks.create", "confirm")
    rows = asyncio.run(_rows(empty_db_url, ProcedurePolicy))
    assert [(r.procedure, r.role, r.policy) for r in rows] == [
        ("notes.add", "practitioner", "confirm"),
        ("tasks.create", "", "confirm"),
    ]
    line = next(x for x in cli("policy", "list").stdout.splitlines() if "notes.add" in x)
    assert "confirm*" in line  # the role's own policy is marked

    audit = [a for a in asyncio.run(_rows(empty_db_url, AuditEvent))
             if a.procedure == "policies.set"]  # fmt: skip
    assert [a.record_ids for a in audit] == [{"policy_id": rows[0].id}, {"policy_id": rows[1].id}]
    assert all(a.principal_name == "cli" and a.outcome == "ok" for a in audit)

    cli("policy", "set", "notes.add", "default", "--role", "practitioner")
    assert len(asyncio.run(_rows(empty_db_url, ProcedurePolicy))) == 1


def test_policy_set_refuses_below_the_floor_and_bad_input(cli: Cli) -> None:
    below = cli("policy", "set", "contacts.merge", "confirm", check=False)
    assert below.returncode == 1
    assert below.stderr.strip() == "error: contacts.merge may not go below approve"
    for args, said in (
        (("notes.add", "sometimes"), "invalid policy"),
        (("no.such", "auto"), "unknown procedure 'no.such'"),
        (("notes.add", "auto", "--role", "viewer"), "the viewer role may not call notes.add"),
    ):
        bad = cli("policy", "set", *args, check=False)
        assert bad.returncode == 1 and said in bad.stderr and "Traceback" not in bad.stderr
