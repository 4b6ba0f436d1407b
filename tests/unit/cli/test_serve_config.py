"""`assistant serve` runs the app under uvicorn with uvloop and httptools (the packages come
with the project), and keeps the settings it was given."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import uvloop
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from assistant.cli.serve import uvicorn_config
from assistant.settings import Settings


async def app(scope: object, receive: object, send: object) -> None:
    """An ASGI app that is never called: the config is only loaded."""


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    return Settings(data_dir=tmp_path)


def test_the_server_streams_on_uvloop_and_httptools(settings: Settings) -> None:
    config = uvicorn_config(app, settings, "127.0.0.1", 8123)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
        assert loop.run_until_complete(asyncio.sleep(0, "ran")) == "ran"
    finally:
        loop.close()


def test_the_rest_of_the_config_is_what_serve_was_given(settings: Settings) -> None:
    config = uvicorn_config(app, settings, "0.0.0.0", 8123)
    assert (config.host, config.port, config.lifespan) == ("0.0.0.0", 8123, "on")
    assert config.proxy_headers is False  # the app decides whom to believe
    assert config.log_config is None  # logging stays with the scrubbing pipeline
    assert config.timeout_graceful_shutdown is not None
    assert config.timeout_graceful_shutdown > settings.server.drain_seconds


def test_idle_connections_outlive_the_proxys_upstream_keepalive(settings: Settings) -> None:
    """nginx must close an idle upstream connection before the replica does, or a request it
    sends on one the replica just closed fails with a 502."""
    template = Path(__file__).parents[3] / "deploy" / "nginx" / "assistant.conf.template"
    proxy = int(re.search(r"keepalive_timeout (\d+)s;", template.read_text())[1])  # type: ignore[index]
    config = uvicorn_config(app, settings, "127.0.0.1", 8123)
    assert config.timeout_keep_alive == settings.server.keep_alive_seconds > proxy
