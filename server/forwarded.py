"""The real client address and scheme behind reverse proxies: the one place they are computed.

A proxy's `X-Forwarded-For` / `X-Forwarded-Proto` are believed only when the direct peer is
in ASSISTANT_TRUSTED_PROXIES; from anyone else they are ignored, so a client cannot claim
another address (to dodge the sign-in throttle) or HTTPS (to be sent Secure cookies, HSTS).
The client is the right-most `X-Forwarded-For` entry that is not itself a trusted proxy:
entries to its left were written by the client or by proxies we do not know, and prove
nothing. `ForwardedMiddleware` rewrites the ASGI scope's `client` and `scheme` once, before
routing; everything after it (the throttle, cookies, HSTS, the Origin check, access logs)
reads the scope through `client_host` and `is_https`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SECURE_SCHEMES = {"http": "https", "ws": "wss"}


def _address(value: str) -> Address | None:
    """An IP address from a peer or a header entry (`[::1]:443`, `1.2.3.4:5` or bare)."""
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None  # a unix socket, "unknown", an obfuscated identifier, junk


class TrustedProxies:
    def __init__(self, networks: Iterable[Network]) -> None:
        self._networks = tuple(networks)

    def __bool__(self) -> bool:
        return bool(self._networks)

    def trusts(self, host: str | None) -> bool:
        address = _address(host) if host else None
        return address is not None and any(address in net for net in self._networks)

    def client(self, peer: str, forwarded_for: Sequence[str]) -> str:
        """The right-most address that is not a trusted proxy, `peer` included; when every
        hop is trusted, the left-most one. Junk entries end the walk (they cannot be
        trusted, and nothing left of them can be believed)."""
        if not self.trusts(peer):
            return peer
        client = peer
        for entry in reversed(forwarded_for):
            address = _address(entry)
            if address is None:
                break
            client = str(address)
            if not self.trusts(client):
                break
        return client

    def scheme(self, scheme: str, forwarded_proto: Sequence[str]) -> str:
        """The nearest proxy's word on the scheme (the right-most entry), if it is one of
        http/https; anything else leaves the connection's own scheme."""
        if not forwarded_proto:
            return scheme
        said = forwarded_proto[-1].strip().lower()
        if said == "https":
            return SECURE_SCHEMES.get(scheme, scheme)
        if said == "http":
            return {secure: plain for plain, secure in SECURE_SCHEMES.items()}.get(scheme, scheme)
        return scheme


def _header_list(scope: Scope, name: bytes) -> list[str]:
    """Every comma-separated entry of every `name` header, in order."""
    entries: list[str] = []
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            entries.extend(part for part in value.decode("latin-1").split(",") if part.strip())
    return entries


class ForwardedMiddleware:
    """Pure ASGI: rewrites `client` and `scheme` of HTTP and WebSocket scopes from a trusted
    peer; other scopes and other peers pass through unchanged."""

    def __init__(self, app: ASGIApp, proxies: TrustedProxies) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies:
            peer = scope.get("client")
            if peer and self.proxies.trusts(peer[0]):
                forwarded_for = _header_list(scope, b"x-forwarded-for")
                if forwarded_for:
                    scope["client"] = (self.proxies.client(peer[0], forwarded_for), 0)
                forwarded_proto = _header_list(scope, b"x-forwarded-proto")
                scope["scheme"] = self.proxies.scheme(scope["scheme"], forwarded_proto)
        await self.app(scope, receive, send)


def install_forwarded(app: Any, proxies: TrustedProxies) -> None:
    """Wrap the Litestar app's ASGI handler, so the rewrite happens before routing (404s
    and every route see the same client and scheme) and the `before_send` hooks, which are
    given this same scope, see it too."""
    app.asgi_handler = ForwardedMiddleware(app.asgi_handler, proxies)


def client_host(scope: Scope) -> str:
    """The client's address as the app believes it (ForwardedMiddleware has run)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def is_https(scope: Scope) -> bool:
    return scope.get("scheme") in ("https", "wss")
