"""Failures in words: what the worker records, as the jobs and e-mail pages say it."""

from __future__ import annotations

import smtplib
import socket
import ssl

import pytest

from assistant.jobs.email import UNKNOWN, _in_words
from server.pages.failures import FAILURES, UNEXPLAINED, failure_in_words, failure_of

MAIL = "the mail server"


def _job_failed(exc: Exception) -> str:
    """The runner's record of a job that ran out of attempts (assistant/jobs/runner.py)."""
    return f"{type(exc).__name__}: {str(exc)[:400]}"


REFUSED = ConnectionRefusedError(111, "Connection refused")
SIGN_IN = smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")
RECIPIENT = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"5.1.1 no such user")})
SENDER = smtplib.SMTPSenderRefused(553, b"5.7.1 not allowed", "clinic@example.com")
TIMEOUT = TimeoutError("timed out")
NO_HOST = socket.gaierror(-2, "Name or service not known")
CERT = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")


@pytest.mark.parametrize(
    ("recorded", "failure"),
    [
        (_in_words(REFUSED), "mail_server_unreachable"),
        (_job_failed(REFUSED), "unreachable"),
        (_in_words(smtplib.SMTPServerDisconnected("Connection unexpectedly closed")),
         "mail_server_unreachable"),
        (_in_words(NO_HOST), "mail_server_unreachable"),
        (_job_failed(NO_HOST), "unreachable"),
        (_in_words(SIGN_IN), "mail_sign_in_refused"),
        (_job_failed(SIGN_IN), "mail_sign_in_refused"),
        (_in_words(RECIPIENT), "recipient_refused"),
        (_job_failed(RECIPIENT), "recipient_refused"),
        (_in_words(SENDER), "sender_refused"),
        (_in_words(smtplib.SMTPDataError(554, b"5.6.0 message rejected")), "mail_refused"),
        (_in_words(TIMEOUT), "timed_out"),
        (_job_failed(TIMEOUT), "timed_out"),
        (_in_words(CERT), "mail_certificate"),
        (UNKNOWN, "delivery_unknown"),
        ("e-mail is not configured (set ASSISTANT_SMTP_HOST)", "mail_not_configured"),
        ("the draft has no approved recipient (request the send again)",
         "no_approved_recipient"),
        ("the account that asked for this job is disabled", "account_disabled"),
        ("draft 12 no longer exists", "draft_gone"),
        ("NotFound: contact 7 not found", "contact_gone"),
        ("approval 3 not found", "request_gone"),
        ("unknown job kind x.y", "unknown_kind"),
        ("released: its worker stopped", "worker_stopped"),
    ],
)  # fmt: skip
def test_what_the_worker_records_is_a_known_failure(recorded: str, failure: str) -> None:
    found = failure_of(recorded)
    assert found is not None and found.name == failure


@pytest.mark.parametrize(
    "recorded",
    [
        _in_words(REFUSED),
        _job_failed(REFUSED),
        _in_words(SIGN_IN),
        _job_failed(SIGN_IN),
        _in_words(RECIPIENT),
        _job_failed(CERT),
        "retrying: " + _in_words(REFUSED),
        "retrying: SMTPServerDisconnected",
        "ZeroDivisionError: division by zero",
        "KeyError: 'draft_id'",
        "retrying: KeyError",
        "Traceback (most recent call last): ...",
    ],
)
def test_no_raw_exception_text_reaches_the_page(recorded: str) -> None:
    words = failure_in_words(recorded, MAIL) or ""
    for raw in ("Error", "Exception", "Errno", "b'", "535", "111", "SMTP", "Traceback"):
        assert raw not in words, (recorded, words)
    assert words[:1].isupper() and words.endswith(".")


def test_the_mail_failures_a_receptionist_meets_read_as_sentences() -> None:
    assert failure_in_words(_in_words(REFUSED), MAIL) == (
        "The mail server could not be reached: it may be down, or the network is. Ask whoever "
        "looks after the clinic's e-mail if this goes on."
    )
    assert failure_in_words(_in_words(SIGN_IN), MAIL) == (
        "The mail server refused to let us sign in. Ask whoever looks after the clinic's "
        "e-mail to check the mail account's user name and password."
    )
    assert failure_in_words(_in_words(TIMEOUT), MAIL) == (
        "The mail server took too long to answer, so it was given up."
    )


def test_a_retry_says_it_will_try_again() -> None:
    assert failure_in_words("retrying: " + _in_words(REFUSED), MAIL) == (
        "The mail server could not be reached: it may be down, or the network is. Ask whoever "
        "looks after the clinic's e-mail if this goes on. It will try again shortly."
    )
    assert failure_in_words("retrying: KeyError") == (
        "It did not work this time. It will try again shortly."
    )


def test_the_service_is_named_by_who_asks() -> None:
    assert failure_in_words(_job_failed(REFUSED), "the language model") == (
        "The language model could not be reached: it may be down, or the network is. Ask "
        "whoever looks after the system if this goes on."
    )
    assert (failure_in_words(_job_failed(TIMEOUT)) or "").startswith("A service it needed took")


def test_an_unknown_failure_is_hidden_but_a_sentence_of_ours_is_shown() -> None:
    assert failure_in_words("ValueError: invalid literal for int() with base 10: 'x'") == (
        UNEXPLAINED
    )
    assert failure_in_words("the clinic is closed today") == "The clinic is closed today."
    assert failure_in_words(None) is None
    assert failure_in_words("  ") is None


def test_failures_are_named_once() -> None:
    names = [f.name for f in FAILURES]
    assert len(names) == len(set(names))
