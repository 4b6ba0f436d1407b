"""inference/catalog.py: the catalog parses; pull resumes, verifies and cleans up, against a
local HTTP server started here; no network gives a clear error."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from inference.catalog import (
    UNVERIFIED,
    CatalogEntry,
    CatalogError,
    ChecksumMismatch,
    DownloadError,
    NoNetwork,
    load_catalog,
    pull,
    verify,
)

PAYLOAD = bytes(range(256)) * 400  # 100 KiB


@dataclass
class FileServer:
    url: str
    ranges: list[str | None] = field(default_factory=list)
    cut_next: bool = False


@pytest.fixture
def server() -> Iterator[FileServer]:
    state = FileServer("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            header = self.headers.get("Range")
            state.ranges.append(header)
            start = int(header.split("=")[1].rstrip("-")) if header else 0
            body = PAYLOAD[start:]
            self.send_response(206 if header else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if state.cut_next:  # promise everything, send a third, hang up
                state.cut_next = False
                self.wfile.write(body[: len(body) // 3])
                self.wfile.flush()
                self.connection.close()
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/tiny.gguf"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def entry(url: str, sha256: str = hashlib.sha256(PAYLOAD).hexdigest()) -> CatalogEntry:
    return CatalogEntry("tiny", "test", "none/tiny", "tiny.gguf", url, sha256, 2048, "hermes")


def test_every_catalog_entry_parses() -> None:
    catalog = load_catalog()
    assert {
        "qwen2.5-0.5b-instruct",
        "qwen2.5-1.5b-instruct",
        "qwen2.5-7b-instruct",
        "llama-3.1-8b-instruct",
    } <= set(catalog)
    for item in catalog.values():
        assert item.url.startswith("https://huggingface.co/") and item.hf_id
        assert item.sha256 == UNVERIFIED or len(item.sha256) == 64


def test_a_bad_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(
        '[models.x]\ndescription=""\nhf_id="a"\ngguf_file="x.gguf"\nurl="ftp://x"\n'
        'sha256="abc"\ncontext_length=1\ntool_call_format="hermes"\n'
    )
    with pytest.raises(CatalogError, match=r"model 'x': sha256 must be.*url must be http"):
        load_catalog(path)


def test_pull_verifies_sha256(server: FileServer, tmp_path: Path) -> None:
    progress: list[int] = []
    result = pull(entry(server.url), tmp_path, progress=lambda done, total: progress.append(done))
    assert result.verified and result.path.read_bytes() == PAYLOAD
    assert progress[-1] == len(PAYLOAD) and not (tmp_path / "tiny.gguf.part").exists()
    assert pull(entry(server.url), tmp_path).already_present


def test_pull_resumes_after_an_interrupted_transfer(server: FileServer, tmp_path: Path) -> None:
    server.cut_next = True
    with pytest.raises(DownloadError, match=r"interrupted after \d+ bytes .*run pull again"):
        pull(entry(server.url), tmp_path, retries=0)
    partial = (tmp_path / "tiny.gguf.part").stat().st_size
    assert 0 < partial < len(PAYLOAD)
    result = pull(entry(server.url), tmp_path)
    assert result.resumed_from == partial and result.path.read_bytes() == PAYLOAD
    assert server.ranges[-1] == f"bytes={partial}-"


def test_pull_retries_an_interruption_by_itself(server: FileServer, tmp_path: Path) -> None:
    server.cut_next = True
    assert pull(entry(server.url), tmp_path, retries=1).path.read_bytes() == PAYLOAD
    assert server.ranges[0] is None and server.ranges[1] is not None


def test_a_wrong_checksum_deletes_the_file(server: FileServer, tmp_path: Path) -> None:
    with pytest.raises(ChecksumMismatch, match=r"expected 0000.*deleted"):
        pull(entry(server.url, "0" * 64), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_unverified_entries_report_the_digest(server: FileServer, tmp_path: Path) -> None:
    result = pull(entry(server.url, UNVERIFIED), tmp_path)
    assert not result.verified and result.sha256 == hashlib.sha256(PAYLOAD).hexdigest()


def test_no_network_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NoNetwork, match=r"no network: cannot reach 127.0.0.1 to download tiny"):
        pull(entry("http://127.0.0.1:9/tiny.gguf"), tmp_path)


def test_verify_reports_each_file(server: FileServer, tmp_path: Path) -> None:
    good = entry(server.url)
    pull(good, tmp_path)
    results = verify(
        [
            good,
            replace(good, sha256="1" * 64),
            replace(good, sha256=UNVERIFIED),
            replace(good, name="gone", gguf_file="gone.gguf"),
        ],
        tmp_path,
    )
    assert [r.status for r in results] == ["ok", "mismatch", "unverified", "missing"]
