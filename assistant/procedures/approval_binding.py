"""The binding of a call that waited (an approval, or a confirmation): it runs only as it was
decided, once, and only if its targets and what it touches are as they were when it was
previewed. The bound versions are the targets' versions plus the preview's digest."""

from __future__ import annotations

from typing import Any

from assistant.db.models import Approval
from assistant.errors import Conflict, Stale
from assistant.procedures import impact as impacts
from assistant.procedures.access import Targets
from assistant.procedures.approval_requests import call_hash, target_versions

IMPACT_KEY = impacts.IMPACT_KEY


def bound_versions(rows: Targets, impact: impacts.Impact | None) -> dict[str, str]:
    versions = target_versions(rows)
    if impact is not None:
        versions[IMPACT_KEY] = impacts.digest(impact)
    return versions


def staleness(
    bound: dict[str, Any],
    rows: Targets,
    now_impact: impacts.Impact | None,
    before_impact: impacts.Impact | None,
) -> str | None:
    """Why a call bound to `bound` can no longer run as decided, or None."""
    now_versions = bound_versions(rows, now_impact)
    for key, version in bound.items():
        if key == IMPACT_KEY:
            continue
        current = now_versions.get(key)
        table, _, record_id = key.partition(":")
        what = f"{table.removesuffix('s').replace('_', ' ')} {record_id}"
        if current is None:
            return f"{what} no longer exists"
        if current != version:
            return f"{what} changed since the request (version {version} -> {current})"
    if IMPACT_KEY in bound and now_versions.get(IMPACT_KEY) != bound[IMPACT_KEY]:
        assert now_impact is not None
        return "what it touches changed: " + impacts.changes(before_impact, now_impact)
    return None


def check_binding(
    approval: Approval,
    rows: Targets,
    now_impact: impacts.Impact | None = None,
    before_impact: impacts.Impact | None = None,
) -> None:
    """Raise Stale unless `approval` is approved and still bound to exactly these rows (and,
    where it was previewed, the same impact)."""
    if approval.status != "approved":
        raise Conflict(f"approval {approval.id} is {approval.status}, not approved")
    if approval.original_args is not None and approval.confirmed_at is None:
        raise Conflict(f"approval {approval.id} was edited; its requester has not confirmed it")
    reason = staleness(approval.target, rows, now_impact, before_impact)
    versions = bound_versions(rows, now_impact if IMPACT_KEY in approval.target else None)
    if reason is None and call_hash(approval.procedure, approval.args, versions) != (
        approval.call_hash
    ):
        reason = "the request does not match what was approved"
    if reason is not None:
        raise Stale(reason)
