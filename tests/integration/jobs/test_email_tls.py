"""SMTP STARTTLS verifies the server: a server in between with its own certificate gets
nothing, and a certificate signed by the configured CA works."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from assistant.jobs.email import _deliver
from assistant.settings import SMTPSettings
from tests.plugins.certs import self_signed


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        yield inbox, port, cert
    finally:
        controller.stop()


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "clinic@clinic.example.com",
        "client@example.com",
        "Your appointment",
    )
    message.set_content("See you on Tuesday.")
    return message


def test_starttls_refuses_a_certificate_nobody_vouches_for(
    tls_server: tuple[Inbox, int, Path],
) -> None:
    inbox, port, _ = tls_server
    smtp = SMTPSettings(host="127.0.0.1", port=port, starttls=True)
    with pytest.raises(ssl.SSLCertVerificationError):
        _deliver(smtp, _message())
    assert inbox.messages == []


def test_starttls_delivers_to_a_server_the_configured_ca_signed(
    tls_server: tuple[Inbox, int, Path],
) -> None:
    inbox, port, cert = tls_server
    smtp = SMTPSettings(host="127.0.0.1", port=port, starttls=True, ca_file=cert)
    _deliver(smtp, _message())
    assert len(inbox.messages) == 1
