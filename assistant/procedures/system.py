"""The named system principals: callers that are no staff member. Each may call exactly the
procedures it lists here; the permission table (tests/integration/crm/test_permissions.py)
names them beside the roles."""

from __future__ import annotations

from assistant.procedures.context import SystemPrincipal

WORKER_NAME = "worker"

# The operator at the server's shell (`assistant users|tokens|audit ...`): account and audit
# administration, no CRM records.
CLI = SystemPrincipal(
    "cli",
    frozenset({
        "users.list", "users.create", "users.disable", "users.set_role",
        "users.reset_password", "users.directory",
        "tokens.create", "tokens.list", "tokens.revoke",
        "audit.list", "audit.verify", "policies.list", "policies.set",
    }),
)  # fmt: skip

# The worker, for a job that no staff member asked for: only the writes jobs make.
WORKER = SystemPrincipal(
    WORKER_NAME,
    frozenset({"emails.finish_draft", "emails.set_delivery", "contacts.record_enrichment"}),
)

SYSTEM_PRINCIPALS = {p.name: p for p in (CLI, WORKER)}
