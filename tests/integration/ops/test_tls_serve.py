"""`assistant serve --certfile --keyfile` with a self-signed certificate made here: sign in
over https, the session cookie is Secure, and every response carries HSTS."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.certs import self_signed
from tests.plugins.servers import free_port, server_env


def trusting(certfile: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certfile))


def one_backend(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("TLS does not depend on the database: one backend is enough")


@pytest.fixture
def https_server(app_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    one_backend(app_settings)
    certfile, keyfile = self_signed(tmp_path)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port),
         "--certfile", str(certfile), "--keyfile", str(keyfile)],
        env=server_env(app_settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", verify=trusting(certfile), timeout=1).is_success:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {process.communicate()[0]}")
            time.sleep(0.2)
        yield url, certfile
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"open https://127.0.0.1:{port}" in output


def test_sign_in_over_https_gives_a_secure_cookie_and_hsts(
    https_server: tuple[str, Path], staff: dict[str, Member]
) -> None:
    url, certfile = https_server
    with httpx.Client(base_url=url, verify=trusting(certfile), timeout=30) as web:
        page = web.get("/login")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        csrf = [c for c in page.headers.get_list("set-cookie") if c.startswith("assistant_csrf=")]
        assert csrf and "Secure" in csrf[0]
        signed_in = web.post(
            "/login", json={"email": staff["owner"].email, "password": "correct horse battery"}
        )
        assert signed_in.is_success, signed_in.text
        session = [
            c for c in signed_in.headers.get_list("set-cookie")
            if c.startswith("assistant_session=")
        ]  # fmt: skip
        assert session and "Secure" in session[0] and "HttpOnly" in session[0]
        assert signed_in.headers["strict-transport-security"] == "max-age=31536000"
        me = web.get("/api/me")
        assert me.status_code == 200 and me.json()["email"] == staff["owner"].email


def test_half_a_certificate_is_a_one_line_error(app_settings: Settings, tmp_path: Path) -> None:
    one_backend(app_settings)
    certfile, _ = self_signed(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "serve", "--certfile", str(certfile)],
        env=server_env(app_settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "error: --certfile and --keyfile go together"
