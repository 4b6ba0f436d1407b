"""External HTTP enrichment is off unless the clinic opts in, and then sends only the domain."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.db.models import Contact
from assistant.enrichment import ENRICHERS
from assistant.enrichment.base import EnrichContext
from assistant.settings import Settings


@pytest.fixture
def provider() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = json.dumps({"organisation": "Example Health", "employees": 40}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/lookup", seen
    finally:
        server.shutdown()
        server.server_close()


CONTACT = Contact(id=1, first_name="Jane", last_name="Doe", email="jane@examplehealth.org",
                  phone="+1 415 555 0101")  # fmt: skip


def _ctx(settings: Settings) -> EnrichContext:
    return EnrichContext(session=None, settings=settings)  # type: ignore[arg-type]


async def test_off_by_default() -> None:
    enricher = ENRICHERS.get("domain_info")
    assert enricher is not None
    assert not enricher.available(_ctx(Settings()))


async def test_opted_in_provider_gets_only_the_domain(provider: tuple[str, list[str]]) -> None:
    url, seen = provider
    settings = Settings(enrichment={"http_providers": ["domain_info"], "http_provider_urls": [url]})
    enricher = ENRICHERS.get("domain_info")
    assert enricher is not None and enricher.available(_ctx(settings))
    facts = await enricher.enrich(CONTACT, _ctx(settings))
    assert facts == {"organisation": "Example Health", "employees": 40}
    assert seen == ["/lookup?domain=examplehealth.org"]
    assert "Jane" not in seen[0] and "555" not in seen[0]
