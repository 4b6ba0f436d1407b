"""The approval gate for an approved call, which the executor checks: it runs only as
approved, once, and only if its targets are as they were when the request was made."""

from __future__ import annotations

from assistant.db.models import Approval
from assistant.errors import Conflict, Stale
from assistant.procedures.access import Targets
from assistant.procedures.approval_requests import call_hash, target_versions


def _staleness(approval: Approval, now_versions: dict[str, str]) -> str | None:
    for key, version in approval.target.items():
        current = now_versions.get(key)
        table, _, record_id = key.partition(":")
        what = f"{table.removesuffix('s').replace('_', ' ')} {record_id}"
        if current is None:
            return f"{what} no longer exists"
        if current != version:
            return f"{what} changed since the request (version {version} -> {current})"
    return None


def check_binding(approval: Approval, rows: Targets) -> None:
    """Raise Stale unless `approval` is approved and still bound to exactly these rows."""
    if approval.status != "approved":
        raise Conflict(f"approval {approval.id} is {approval.status}, not approved")
    versions = target_versions(rows)
    reason = _staleness(approval, versions)
    if reason is None and call_hash(approval.procedure, approval.args, versions) != (
        approval.call_hash
    ):
        reason = "the request does not match what was approved"
    if reason is not None:
        raise Stale(reason)
