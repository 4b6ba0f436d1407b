"""Replies made without a model: failures, approvals, questions, and how to enable a model.

What a finished call says is in `assistant.chat.wording`."""

from __future__ import annotations

from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.registry import Procedure, as_asked
from assistant.procedures.waiting import ActionOut

NO_MODEL = "Commands work without a language model; conversation needs one."
ENABLE_LINE = (
    ".venv/bin/assistant models pull qwen2.5-1.5b-instruct && "
    "ASSISTANT_MODEL=var/models/qwen2.5-1.5b-instruct-q4_k_m.gguf make run"
)
EXAMPLES = 'Try a command such as "add a note to Jane Doe: prefers morning sessions".'
READ_VERBS = ("get", "list", "search")


def is_read(proc: Procedure) -> bool:
    return proc.name.rsplit(".", 1)[1] in READ_VERBS


def no_engine_reply(reason: str) -> str:
    return f"{NO_MODEL} To enable one, run:\n\n```\n{ENABLE_LINE}\n```\n\n({reason}) {EXAMPLES}"


# What a failed call was asked to do, where its summary reads badly after "I could not".
FAILED_AS: dict[str, str] = {"actions.undo": "undo that"}


def asked_to(proc: Procedure) -> str:
    """The call as a person asked for it: its summary without the explanation in brackets
    or after a colon ("look up a contact's details offline")."""
    return FAILED_AS.get(proc.name) or as_asked(proc.summary)


def failure_reply(proc: Procedure, message: str) -> str:
    said = message[:1].lower() + message[1:] if message[1:2].islower() else message
    return f"I could not {asked_to(proc)}: {said}"


def approval_reply(proc: Procedure, approval: ApprovalOut) -> str:
    """What waits, in the words the approver reads ("Delete contact Ann Smith (#51)") where
    the procedure declares them, else its summary with ids."""
    what = approval.detail if proc.describe is not None and approval.detail else approval.summary
    roles = " or ".join(approval.approver_roles)
    return (
        f"This needs approval before it runs: {what}. I sent request "
        f"#{approval.approval_id} to a{'n' if roles[:1] in 'aeiou' else ''} {roles} other than "
        "you; nothing has changed yet."
    )


def confirm_reply(proc: Procedure, action: ActionOut) -> str:
    touched = ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in action.counts.items())
    what = f" (it touches {touched})" if touched else ""
    return (
        f"Please confirm before I {proc.summary[0].lower() + proc.summary[1:]}{what}: the "
        "card shows exactly what will run. Nothing has changed yet."
    )


def question_reply(question: str | None, missing: list[str]) -> str:
    if question:
        return question
    if missing:
        return f"I need a bit more to do that: which {' and '.join(missing)}?"
    return "Could you say that another way? I am not sure what you want me to do."
