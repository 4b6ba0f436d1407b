"""Whom to believe about the client and the scheme: table-driven over the proxy rules."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from server.forwarded import TrustedProxies

PROXIES = TrustedProxies([ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("127.0.0.1/32")])


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # An untrusted peer's header is ignored whatever it says.
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        ("testclient", ["198.51.100.1"], "testclient"),
        # A trusted peer: the right-most entry that is not a proxy.
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("127.0.0.1", ["6.6.6.6", "198.51.100.1"], "198.51.100.1"),  # left part: client's word
        ("127.0.0.1", ["198.51.100.1", "10.1.2.3"], "198.51.100.1"),  # a chain of our proxies
        ("10.0.0.2", ["2001:db8::1"], "2001:db8::1"),
        ("127.0.0.1", ["[2001:db8::1]:4711"], "2001:db8::1"),
        ("127.0.0.1", ["198.51.100.1:4711"], "198.51.100.1"),
        # Every hop is ours: the left-most.
        ("127.0.0.1", ["10.0.0.7", "10.0.0.8"], "10.0.0.7"),
        # Junk ends the walk: nothing left of it is believed.
        ("127.0.0.1", ["198.51.100.1", "unknown"], "127.0.0.1"),
        ("127.0.0.1", ["198.51.100.1", "unknown", "10.0.0.7"], "10.0.0.7"),
    ],
)
def test_the_client_is_the_rightmost_untrusted_address(
    peer: str, forwarded_for: list[str], client: str
) -> None:
    assert PROXIES.client(peer, forwarded_for) == client


@pytest.mark.parametrize(
    ("scheme", "forwarded_proto", "believed"),
    [
        ("http", ["https"], "https"),
        ("http", ["HTTPS "], "https"),
        ("ws", ["https"], "wss"),
        ("https", ["http"], "http"),
        ("http", ["http", "https"], "https"),  # the nearest proxy's word
        ("http", ["gopher"], "http"),
        ("http", [], "http"),
    ],
)
def test_the_scheme_is_the_nearest_proxys_word(
    scheme: str, forwarded_proto: list[str], believed: str
) -> None:
    assert PROXIES.scheme(scheme, forwarded_proto) == believed


@pytest.mark.parametrize("peer", ["127.0.0.1", "10.255.0.1"])
def test_listed_networks_are_trusted(peer: str) -> None:
    assert PROXIES.trusts(peer)


@pytest.mark.parametrize("peer", ["127.0.0.2", "11.0.0.1", "::1", "unknown", "", None])
def test_anything_else_is_not(peer: str | None) -> None:
    assert not PROXIES.trusts(peer)


def test_no_proxies_trust_nobody() -> None:
    nobody = TrustedProxies([])
    assert not nobody
    assert nobody.client("127.0.0.1", ["198.51.100.1"]) == "127.0.0.1"


def test_the_setting_takes_addresses_and_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8,fd00::/8")
    proxies = Settings().trusted_proxies
    assert [str(net) for net in proxies] == ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]


@pytest.mark.parametrize("value", ["nginx", "10.0.0.1/8", "300.1.1.1"])
def test_a_bad_proxy_entry_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ASSISTANT_TRUSTED_PROXIES", value)
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings()
