"""The embedded Redis-compatible server: reachable only by its owner, with the password."""

from __future__ import annotations

import stat

import pytest
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, ConnectionError

from assistant.redis_server import EmbeddedRedis, RedisServerError


async def test_the_embedded_server_wants_its_password_on_a_private_socket() -> None:
    with EmbeddedRedis() as server:
        folder = server.socket.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert stat.S_IMODE(server.socket.stat().st_mode) & 0o077 == 0

        stranger = Redis(unix_socket_path=str(server.socket))
        with pytest.raises((AuthenticationError, ConnectionError)):
            await stranger.set("planted", b"payload")
        await stranger.aclose()
        guesser = Redis(unix_socket_path=str(server.socket), password="guess")
        with pytest.raises((AuthenticationError, ConnectionError)):
            await guesser.ping()
        await guesser.aclose()

        owner = Redis.from_url(server.url)
        assert await owner.ping()
        assert await owner.config_get("port") == {"port": "0"}  # no TCP listener at all
        await owner.aclose()
        assert server.password not in " ".join(server.args)  # nothing secret on `ps`
    assert not folder.exists()
    with pytest.raises(RedisServerError):
        _ = server.url
