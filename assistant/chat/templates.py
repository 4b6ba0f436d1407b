"""Replies made without a model: action summaries, questions, and how to enable a model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from assistant.approvals.requests import ApprovalOut
from assistant.procedures.registry import Procedure

ENABLE_MODEL = (
    "No language model is configured, so I can carry out commands but not hold a "
    "conversation. To enable one, set ASSISTANT_MODEL to a GGUF file (llama.cpp on the CPU; "
    "`assistant models list` names some), to an HF model directory, or set "
    "ASSISTANT_OPENAI_BASE_URLS to an OpenAI-compatible server, then restart."
)
EXAMPLES = 'Try a command such as "add a note to Jane Doe: prefers morning sessions".'
READ_VERBS = ("get", "list", "search")


def is_read(proc: Procedure) -> bool:
    return proc.name.rsplit(".", 1)[1] in READ_VERBS


def no_engine_reply(reason: str) -> str:
    return f"{ENABLE_MODEL} ({reason}) {EXAMPLES}"


def _label(item: dict[str, Any], with_text: bool = True) -> str:
    """A record's label; `with_text=False` never quotes clinical text (note bodies, draft
    subjects), for summaries kept in plaintext metadata and events."""
    keys = ("full_name", "title", "subject", "name") if with_text else ("full_name", "title")
    for key in keys:
        if item.get(key):
            return str(item[key])
    if item.get("starts_at"):
        return f"appointment at {item['starts_at']}"
    if with_text and item.get("body"):
        body = str(item["body"])
        return body if len(body) <= 80 else body[:77] + "..."
    return f"#{item.get('id', '?')}"


def action_summary(proc: Procedure, output: BaseModel) -> str:
    """One line saying what was done, from the procedure's declaration and its result."""
    data = output.model_dump(mode="json")
    if set(data) == {"items", "total"}:
        noun = proc.resource
        return f"Found {data['total']} {noun}" + ("" if data["total"] else ".")
    if data.get("deleted") is True:
        return f"{proc.summary}: done (#{data.get('id')})."
    label = _label(data, with_text=False)
    return f"{proc.summary}: done ({label})."


def action_reply(proc: Procedure, output: BaseModel) -> str:
    """The user-facing text for a finished call; lists show their first items."""
    summary = action_summary(proc, output)
    data = output.model_dump(mode="json")
    if set(data) == {"items", "total"} and data["items"]:
        lines = [f"- {_label(item)}" for item in data["items"][:10]]
        more = data["total"] - len(lines)
        tail = [f"- ... and {more} more"] if more > 0 else []
        return summary + ":\n" + "\n".join([*lines, *tail])
    return summary


def failure_reply(proc: Procedure, message: str) -> str:
    return f"I could not {proc.summary[0].lower() + proc.summary[1:]}: {message}"


def approval_reply(approval: ApprovalOut) -> str:
    roles = " or ".join(approval.approver_roles)
    return (
        f"This needs approval before it runs: {approval.summary}. I sent request "
        f"#{approval.approval_id} to a{'n' if roles[:1] in 'aeiou' else ''} {roles} other than "
        "you; nothing has changed yet."
    )


def question_reply(question: str | None, missing: list[str]) -> str:
    if question:
        return question
    if missing:
        return f"I need a bit more to do that: which {' and '.join(missing)}?"
    return "Could you say that another way? I am not sure what you want me to do."
