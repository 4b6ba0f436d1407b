"""E-mail jobs: drafting with the model, and sending through SMTP exactly once.

The Message-ID is recorded before the message leaves. A job that finds its draft still
`sending` (a crash between the SMTP server's acceptance and our commit) ends `unknown`
rather than sending a second copy. Every change to a draft goes through the internal
procedures of crm/background.py, as the user who asked for the job.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from assistant.db.models import Contact, EmailDraft
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext, PermanentJobError
from assistant.privacy.fencing import RULE, fence
from assistant.procedures.executor import Done
from assistant.remote.scope import call_scope
from assistant.settings import SMTPSettings

DRAFT_PROMPT = (
    "You write short, warm, professional e-mails from a wellness clinic to a client. Write only "
    "the e-mail body, no subject line. " + RULE
)


UNKNOWN = (
    "the worker stopped while the mail server was taking this e-mail: it may or may not have "
    "been delivered (check with the recipient before sending it again)"
)


def _deliver(smtp: SMTPSettings, message: EmailMessage) -> None:
    assert smtp.host
    with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as client:
        if smtp.starttls:  # a verified certificate: without it STARTTLS stops no one in between
            client.starttls(context=ssl.create_default_context(cafile=smtp.ca_file))
        if smtp.username and smtp.password:
            client.login(smtp.username, smtp.password.get_secret_value())
        client.send_message(message)


async def _set_status(
    ctx: JobContext, draft_id: int, status: str, error: str | None = None
) -> Done:
    args: dict[str, Any] = {"draft_id": draft_id, "status": status}
    if error:
        args["error"] = error[:500]
    return await ctx.call("emails.set_delivery", args)


def _in_words(exc: Exception) -> str:
    """What the mail server (or the network) said, kept on the draft; the exception's class
    names the failure for the draft's page (server/pages/failures.py), which words it."""
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error
        said = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"the mail server refused it ({type(exc).__name__} {exc.smtp_code} {said})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the recipient's address"
    if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
        return f"the mail server could not be reached ({type(exc).__name__}: {exc})"
    return f"{type(exc).__name__}: {exc}"


@job_handler("email.send")
async def send_email(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    rt, draft_id = ctx.runtime, int(params["draft_id"])
    smtp = rt.settings.smtp
    async with rt.readers() as session:
        draft = await session.get(EmailDraft, draft_id)
    if draft is None:
        raise PermanentJobError(f"draft {draft_id} no longer exists")
    if draft.status in ("sent", "unknown", "failed"):
        return {"draft_id": draft_id, "status": draft.status}
    if draft.status == "sending":  # we may have crashed after the server took it
        await _set_status(ctx, draft_id, "unknown", UNKNOWN)
        return {"draft_id": draft_id, "status": "unknown", "message_id": draft.message_id}
    problem = None
    if not draft.recipient:  # fixed by the approved send; never the contact's address now
        problem = "the draft has no approved recipient (request the send again)"
    elif not smtp.host:
        problem = "e-mail is not configured (set ASSISTANT_SMTP_HOST)"
    if problem:
        await _set_status(ctx, draft_id, "failed", problem)
        raise PermanentJobError(problem)
    assert draft.recipient
    claimed = await ctx.call(
        "emails.set_delivery",
        {
            "draft_id": draft_id,
            "status": "sending",
            "message_id": make_msgid(domain=smtp.sender.rsplit("@", 1)[-1]),
        },
    )
    sending = claimed.output.model_dump()
    message = EmailMessage()
    message["From"], message["To"] = smtp.sender, draft.recipient
    message["Subject"], message["Message-ID"] = sending["subject"], sending["message_id"]
    message.set_content(sending["body"])
    try:
        await asyncio.to_thread(_deliver, smtp, message)
    except (smtplib.SMTPException, OSError) as exc:
        last = ctx.attempt >= rt.settings.jobs.max_attempts
        said = _in_words(exc)
        await _set_status(
            ctx, draft_id, "failed" if last else "queued", said if last else f"retrying: {said}"
        )
        raise
    await _set_status(ctx, draft_id, "sent")
    return {"draft_id": draft_id, "status": "sent", "message_id": message["Message-ID"]}


@job_handler("email.draft")
async def draft_email(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    from inference.base import ChatRequest, TextDelta

    rt, draft_id = ctx.runtime, int(params["draft_id"])
    async with rt.readers() as session:
        draft = await session.get(EmailDraft, draft_id)
        contact = await session.get(Contact, draft.contact_id) if draft else None
    if draft is None or contact is None:
        return {"draft_id": draft_id, "skipped": "draft no longer exists"}
    body = draft.body
    if ctx.engine is not None:
        ask = fence(
            "e-mail to write",
            {
                "purpose": draft.purpose,
                "client_first_name": contact.first_name,
                "instructions": draft.instructions or "none",
            },
        )
        request = ChatRequest(
            messages=[
                {"role": "system", "content": DRAFT_PROMPT},
                {"role": "user", "content": ask},
            ],
            max_tokens=300,
            temperature=0.5,
        )
        with call_scope("draft", ctx.user_id):
            text = "".join(
                [e.text async for e in ctx.engine.stream(request) if isinstance(e, TextDelta)]
            )
        body = text.strip() or body
    done = await ctx.call("emails.finish_draft", {"draft_id": draft_id, "body": body})
    return {"draft_id": draft_id, "status": done.output.model_dump()["status"]}
