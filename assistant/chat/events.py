"""The chat stream's events, exactly the fields of DESIGN.md section 6 (the contract).

Builders, not free-form dicts: a field added or missed here is a contract change, and
`FIELDS` lets tests check every payload against the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.procedures.approval_requests import ApprovalOut

FIELDS: dict[str, tuple[str, ...]] = {
    "turn.start": ("conversation_id", "message_id", "created"),
    "message.delta": ("text",),
    "tool.call": ("procedure", "args", "resolved"),
    "action.result": ("procedure", "ok", "summary", "records", "action_id", "undo"),
    "approval.required": ("approval_id", "procedure", "summary", "approver_roles", "expires_at"),
    "confirm.required": ("action_id", "procedure", "summary", "impact", "expires_at"),
    "question.asked": ("text", "candidates"),
    "message.done": ("message_id", "finish_reason", "usage", "timings"),
    "message.error": ("code", "message", "retryable"),
}

# Where a record of each type is shown in the web UI; one table, one place.
RECORD_URLS: dict[str, str] = {
    "contact": "/contacts/{id}",
    "note": "/notes/{id}",
    "task": "/tasks/{id}",
    "appointment": "/appointments/{id}",
    "email": "/emails/{id}",
    "draft": "/emails/{id}",
    "approval": "/approvals/{id}",
    "tag": "/contacts/{id}",
    "job": "/api/jobs/{id}",
}


@dataclass(frozen=True, slots=True)
class ChatEvent:
    kind: str
    data: dict[str, Any]


def turn_start(conversation_id: int, message_id: int, created: datetime) -> ChatEvent:
    return ChatEvent(
        "turn.start",
        {
            "conversation_id": conversation_id,
            "message_id": message_id,
            "created": created.isoformat(),
        },
    )


def delta(text: str) -> ChatEvent:
    return ChatEvent("message.delta", {"text": text})


def tool_call(procedure: str, args: dict[str, Any], resolved: dict[str, Any]) -> ChatEvent:
    return ChatEvent("tool.call", {"procedure": procedure, "args": args, "resolved": resolved})


def records(ids: dict[str, int], output: Any = None) -> list[dict[str, Any]]:
    """Executor record ids ({"contact_id": 3, "note_id": 7}) as [{type, id, url}], plus the
    background job a call started (its progress arrives as job.progress)."""
    out = []
    job_id = getattr(output, "job_id", None)
    extra = {"job_id": job_id} if isinstance(job_id, int) else {}
    for key, value in {**ids, **extra}.items():
        kind = key.removesuffix("_id")
        url = RECORD_URLS.get(kind, "/{kind}s/{id}").format(id=value, kind=kind)
        out.append({"type": kind, "id": value, "url": url})
    return out


def action_result(
    procedure: str,
    ok: bool,
    summary: str,
    recs: list[dict[str, Any]],
    action_id: int | None = None,
    undo: dict[str, Any] | None = None,
) -> ChatEvent:
    """`action_id`: its row in the actions ledger; `undo`: {available, until, reason?}."""
    if undo is None:
        undo = {"available": False, "until": None, "reason": "it did not run" if not ok else ""}
    data = {"procedure": procedure, "ok": ok, "summary": summary, "records": recs}
    return ChatEvent("action.result", {**data, "action_id": action_id, "undo": undo})


def approval_required(approval: ApprovalOut) -> ChatEvent:
    return ChatEvent(
        "approval.required",
        {
            "approval_id": approval.approval_id,
            "procedure": approval.procedure,
            "summary": approval.summary,
            "approver_roles": approval.approver_roles,
            "expires_at": approval.expires_at.isoformat(),
        },
    )


def confirm_required(data: dict[str, Any]) -> ChatEvent:
    """A call waiting for its requester's click: ids and the preview's counts, no names
    (the card fetches the preview from `GET /api/actions/{id}`)."""
    return ChatEvent("confirm.required", {key: data[key] for key in FIELDS["confirm.required"]})


def question_asked(text: str, candidates: list[dict[str, str]]) -> ChatEvent:
    """The question a reply ends with, and its choices as buttons: [{label, reply}], where
    `reply` is the message that picks the choice."""
    return ChatEvent("question.asked", {"text": text, "candidates": candidates})


def message_done(
    message_id: int,
    finish_reason: str,
    usage: dict[str, int],
    timings: dict[str, float],
    *,
    provider: str | None = None,
) -> ChatEvent:
    """`provider`: the hosted provider that answered (None: the local engine or no model)."""
    return ChatEvent(
        "message.done",
        {
            "message_id": message_id,
            "finish_reason": finish_reason,
            "usage": usage,
            "timings": timings,
            "provider": provider,
        },
    )


def message_error(code: str, message: str, retryable: bool) -> ChatEvent:
    return ChatEvent("message.error", {"code": code, "message": message, "retryable": retryable})
