"""Why a job or an e-mail send failed, the way a receptionist reads it.

The worker records what went wrong as text: assistant/jobs/runner.py keeps the exception's
class name and message (`ConnectionRefusedError: [Errno 111] ...`), assistant/jobs/email.py
what the mail server or the network said, and both write sentences of their own for the
failures they know (`e-mail is not configured ...`). That text is for whoever runs the system;
the jobs page and the e-mail draft page show these words instead. One table, first match wins
(the more specific failure first); what matches nothing is shown as it is only when it is a
sentence of ours, never when it reads like a Python exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RETRYING = "retrying: "
SERVICE = "a service it needed"


@dataclass(frozen=True)
class Failure:
    """A kind of failure: any of `patterns` (regular expressions) in the recorded text.
    `{service}` in the words is what the job was talking to (the jobs page knows it by kind)."""

    name: str
    words: str
    patterns: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return re.search("|".join(self.patterns), text) is not None  # re caches the pattern


ASK_MAIL = "Ask whoever looks after the clinic's e-mail"
FAILURES: tuple[Failure, ...] = (
    Failure(
        "delivery_unknown",
        "The system stopped while the mail server was taking this e-mail, so it may or may "
        "not have arrived. Check with the recipient before sending it again.",
        ("may or may not have been delivered",),
    ),
    Failure(
        "mail_not_configured",
        "Sending e-mail is not set up on this system yet. Ask whoever looks after the system "
        "to set the mail server (ASSISTANT_SMTP_HOST).",
        ("e-mail is not configured",),
    ),
    Failure(
        "no_approved_recipient",
        "This e-mail has no approved address to go to. Ask to send it again.",
        ("no approved recipient",),
    ),
    Failure(
        "account_disabled",
        "The account that asked for this has been disabled, so it was not done.",
        ("account that asked for this job is disabled",),
    ),
    Failure(
        "draft_gone",
        "The e-mail draft no longer exists: it was deleted, or its client was.",
        (r"draft \d+ (no longer exists|not found)",),
    ),
    Failure(
        "contact_gone",
        "The client's record no longer exists: it was deleted, or merged into another.",
        (r"contact (\d+ )?(no longer exists|not found)", r"no contact with"),
    ),
    Failure(
        "request_gone",
        "The request it was to carry out no longer exists.",
        (r"approval \d+ not found",),
    ),
    Failure(
        "unknown_kind",
        "This kind of job is not known to this version of the system.",
        ("unknown job kind",),
    ),
    Failure(
        "worker_stopped",
        "The system stopped before this was finished; it carries on by itself.",
        ("released: its worker stopped",),
    ),
    Failure(
        "mail_sign_in_refused",
        f"The mail server refused to let us sign in. {ASK_MAIL} to check the mail account's "
        "user name and password.",
        ("SMTPAuthenticationError", "SMTPNotSupportedError"),
    ),
    Failure(
        "recipient_refused",
        "The mail server refused the recipient's address. Check the client's e-mail address.",
        ("SMTPRecipientsRefused", "refused the recipient"),
    ),
    Failure(
        "sender_refused",
        f"The mail server refused the clinic's sending address. {ASK_MAIL} to check it.",
        ("SMTPSenderRefused",),
    ),
    Failure(
        "mail_certificate",
        "The mail server's security certificate could not be checked, so nothing was sent. "
        f"{ASK_MAIL} to check it.",
        ("SSLCertVerificationError", "SSLError", "certificate verify failed"),
    ),
    Failure(
        "timed_out",
        "{service} took too long to answer, so it was given up.",
        ("TimeoutError", "timed out", r"\btimeout\b"),
    ),
    Failure(
        "mail_server_unreachable",
        "The mail server could not be reached: it may be down, or the network is. "
        f"{ASK_MAIL} if this goes on.",
        ("SMTPConnectError", "SMTPServerDisconnected", "mail server could not be reached"),
    ),
    Failure(
        "unreachable",
        "{service} could not be reached: it may be down, or the network is. Ask whoever "
        "looks after the system if this goes on.",
        (
            "ConnectionRefusedError|ConnectionResetError|ConnectionAbortedError|gaierror",
            "could not be reached|Connection refused|Network is unreachable|No route to host",
        ),
    ),
    Failure(
        "mail_refused",
        "The mail server refused this e-mail.",
        ("SMTPDataError", "SMTPResponseException", "the mail server refused it"),
    ),
    Failure(
        "engine_unavailable",
        "The co-pilot's language model was not available.",
        ("EngineUnavailable",),
    ),
)
UNEXPLAINED = (
    "Something went wrong that this page cannot put in words. It was recorded for whoever "
    "looks after the system; try again later, and tell them if it keeps happening."
)
AGAIN = "It will try again shortly."
# Text that reads like an exception rather than a sentence of ours: a class name first
# (`KeyError`, `SMTPAuthenticationError(535, ...)`, `NotFound: ...`) or anywhere
# (`...Error`, `...Exception`), an errno, a traceback, bytes.
RAW = re.compile(r"^[A-Z][\w.]*(:|\(|$)|\b[A-Z]\w*(Error|Exception)\b|Errno|Traceback|\bb'|\bb\"")


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def failure_of(recorded: str) -> Failure | None:
    """The known failure the recorded text means, if any."""
    text = recorded.removeprefix(RETRYING)
    return next((f for f in FAILURES if f.matches(text)), None)


def failure_in_words(recorded: str | None, service: str = SERVICE) -> str | None:
    """The words for what the worker recorded (None when nothing went wrong); `service`
    names what the job talked to, as in "the mail server"."""
    if not recorded or not recorded.strip():
        return None
    retrying = recorded.startswith(RETRYING)
    text = recorded.removeprefix(RETRYING)
    known = failure_of(text)
    if known is not None:
        words = _sentence(known.words.format(service=service))
    elif RAW.search(text):
        words = "It did not work this time." if retrying else UNEXPLAINED
    else:
        words = _sentence(text)
    return f"{words} {AGAIN}" if retrying else words
