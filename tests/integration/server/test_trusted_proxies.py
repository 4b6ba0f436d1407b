"""ASSISTANT_TRUSTED_PROXIES through real `assistant serve` processes on 127.0.0.1: when the
peer is a trusted proxy, X-Forwarded-For / -Proto decide the sign-in throttle's client, the
Secure cookie, HSTS and the Origin check; from an untrusted peer the same headers change
nothing (uvicorn's own proxy handling, which trusts 127.0.0.1 by default, is off)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.servers import running_server

PASSWORD = "correct horse battery"
PER_CLIENT = 3


def _server(settings: Settings, trusted: str) -> Iterator[str]:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("proxy headers do not depend on the database: one backend is enough")
    with running_server(
        settings,
        ASSISTANT_TRUSTED_PROXIES=trusted,
        # Its own throttle keys on the shared Redis, and a per-client limit reached quickly.
        ASSISTANT_SECRET_KEY=uuid.uuid4().hex,
        ASSISTANT_AUTH_LOGIN_MAX_FAILURES_PER_CLIENT=str(PER_CLIENT),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def behind_proxy(app_settings: Settings) -> Iterator[str]:
    """Trusts its peer (the test, standing in for nginx on the same host)."""
    yield from _server(app_settings, "127.0.0.1")


@pytest.fixture(scope="module")
def exposed(app_settings: Settings) -> Iterator[str]:
    """Trusts a proxy network the test is not in."""
    yield from _server(app_settings, "10.0.0.0/8, ::1")


def _wrong_password(client: httpx.Client, headers: dict[str, str]) -> int:
    email = f"guess-{uuid.uuid4().hex[:8]}@clinic.example.com"
    answer = client.post("/login", json={"email": email, "password": "wrong"}, headers=headers)
    return answer.status_code


def _session_cookie(answer: httpx.Response) -> str:
    cookies = [c for c in answer.headers.get_list("set-cookie") if "assistant_session=" in c]
    assert cookies, answer.text
    return cookies[0]


def test_the_throttle_counts_the_forwarded_client(behind_proxy: str) -> None:
    with httpx.Client(base_url=behind_proxy, timeout=30) as client:
        guesser = {"X-Forwarded-For": "198.51.100.7"}
        codes = [_wrong_password(client, guesser) for _ in range(PER_CLIENT + 1)]
        assert codes == [401] * PER_CLIENT + [429]
        # Another client behind the same proxy is not locked out by the guesser...
        assert _wrong_password(client, {"X-Forwarded-For": "198.51.100.8"}) == 401
        # ...and the guesser cannot hide behind entries it writes itself (left of ours).
        spoofed = {"X-Forwarded-For": f"203.0.113.{uuid.uuid4().int % 250}, 198.51.100.7"}
        assert _wrong_password(client, spoofed) == 429


@pytest.fixture
def exposed_alone(app_settings: Settings) -> Iterator[str]:
    """As `exposed`, for a test that locks its one client (127.0.0.1) out."""
    yield from _server(app_settings, "10.0.0.0/8, ::1")


def test_an_untrusted_peer_cannot_dodge_the_throttle_with_the_header(exposed_alone: str) -> None:
    with httpx.Client(base_url=exposed_alone, timeout=30) as client:
        codes = [
            _wrong_password(client, {"X-Forwarded-For": f"198.51.100.{n}"})
            for n in range(PER_CLIENT + 1)
        ]
        assert codes == [401] * PER_CLIENT + [429]


def test_https_at_the_proxy_gives_a_secure_cookie_and_hsts(
    behind_proxy: str, staff: dict[str, Member]
) -> None:
    origin = behind_proxy.replace("http://", "https://")
    headers = {"X-Forwarded-Proto": "https", "Origin": origin}
    with httpx.Client(base_url=behind_proxy, headers=headers, timeout=30) as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
        answer = client.post("/login", json={"email": staff["owner"].email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        assert "Secure" in _session_cookie(answer)
        assert answer.headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("proto", ["http", None])
def test_plain_http_at_the_proxy_stays_plain(
    behind_proxy: str, staff: dict[str, Member], proto: str | None
) -> None:
    headers = {"Origin": behind_proxy, **({"X-Forwarded-Proto": proto} if proto else {})}
    with httpx.Client(base_url=behind_proxy, headers=headers, timeout=30) as client:
        answer = client.post("/login", json={"email": staff["owner"].email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        assert "Secure" not in _session_cookie(answer)
        assert "strict-transport-security" not in answer.headers


def test_an_untrusted_peer_claiming_https_gets_neither(
    exposed: str, staff: dict[str, Member]
) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.9"}
    with httpx.Client(base_url=exposed, headers=headers, timeout=30) as client:
        assert "strict-transport-security" not in client.get("/login").headers
        answer = client.post(
            "/login",
            json={"email": staff["owner"].email, "password": PASSWORD},
            headers={"Origin": exposed},
        )
        assert answer.status_code == 200, answer.text
        assert "Secure" not in _session_cookie(answer)


@pytest.mark.parametrize(
    ("server", "proto", "origin_scheme", "allowed"),
    [
        ("behind_proxy", "https", "https", True),
        ("behind_proxy", "https", "http", False),  # the page was https: http is another origin
        ("behind_proxy", None, "https", False),
        ("exposed", "https", "https", False),  # its word on the scheme is not taken
        ("exposed", "https", "http", True),
    ],
)
def test_the_origin_check_compares_the_scheme_the_browser_used(
    request: pytest.FixtureRequest,
    staff: dict[str, Member],
    server: str,
    proto: str | None,
    origin_scheme: str,
    allowed: bool,
) -> None:
    url: str = request.getfixturevalue(server)
    origin = origin_scheme + "://" + url.removeprefix("http://")
    headers = {"Origin": origin, **({"X-Forwarded-Proto": proto} if proto else {})}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        answer = client.post("/login", json={"email": staff["owner"].email, "password": PASSWORD})
        assert answer.status_code == (200 if allowed else 403), answer.text
