"""models/catalog.toml: the models users can fetch, and pull/verify of their files.

Downloads resume with HTTP Range from a `.part` file and are checked against the catalog's
sha256; a wrong file is deleted rather than kept. Where no checksum could be confirmed the
catalog says "unverified", and pull reports the digest it saw instead of inventing one.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

import httpx

from inference.base import InferenceError
from inference.tools import FORMATS

UNVERIFIED = "unverified"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
Progress = Callable[[int, int | None], None]


class CatalogError(InferenceError):
    """The catalog file is missing, unreadable or has an invalid entry."""


class DownloadError(InferenceError):
    """A model file could not be downloaded (the partial file is kept for resuming)."""


class NoNetwork(DownloadError):
    """The download host cannot be reached at all."""


class ChecksumMismatch(DownloadError):
    """The downloaded file's sha256 differs from the catalog's; the file was deleted."""


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    name: str
    description: str
    hf_id: str
    gguf_file: str
    url: str
    sha256: str
    context_length: int
    tool_call_format: str
    license: str = ""

    @property
    def verified(self) -> bool:
        return self.sha256 != UNVERIFIED


def default_catalog_path() -> Path:
    return Path(__file__).resolve().parents[1] / "models" / "catalog.toml"


def load_catalog(path: Path | None = None) -> dict[str, CatalogEntry]:
    path = path or default_catalog_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"catalog not found: {path}") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc
    return {name: _entry(name, fields, path) for name, fields in data.get("models", {}).items()}


def _entry(name: str, fields: dict[str, object], path: Path) -> CatalogEntry:
    try:
        entry = CatalogEntry(name=name, **fields)  # type: ignore[arg-type]
    except TypeError as exc:
        raise CatalogError(f"{path}: model {name!r}: {exc}") from exc
    problems = []
    if not (entry.sha256 == UNVERIFIED or _SHA256.match(entry.sha256)):
        problems.append("sha256 must be 64 hex digits or 'unverified'")
    if urlparse(entry.url).scheme not in {"http", "https"}:
        problems.append("url must be http(s)")
    if entry.tool_call_format not in FORMATS:
        problems.append(f"tool_call_format must be one of {sorted(FORMATS)}")
    if not entry.gguf_file.endswith(".gguf") or "/" in entry.gguf_file:
        problems.append("gguf_file must be a plain *.gguf file name")
    if not isinstance(entry.context_length, int) or entry.context_length < 1:
        problems.append("context_length must be a positive integer")
    if problems:
        raise CatalogError(f"{path}: model {name!r}: {'; '.join(problems)}")
    return entry


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class LocalStatus:
    entry: CatalogEntry
    path: Path
    present: bool
    size: int


def local_status(entries: Iterable[CatalogEntry], models_dir: Path) -> list[LocalStatus]:
    out = []
    for entry in entries:
        path = models_dir / entry.gguf_file
        out.append(
            LocalStatus(entry, path, path.is_file(), path.stat().st_size if path.is_file() else 0)
        )
    return out


@dataclass(frozen=True, slots=True)
class PullResult:
    path: Path
    sha256: str
    verified: bool
    resumed_from: int
    already_present: bool = False


def pull(
    entry: CatalogEntry,
    models_dir: Path,
    *,
    progress: Progress | None = None,
    client: httpx.Client | None = None,
    retries: int = 2,
) -> PullResult:
    """Download `entry` into `models_dir`, resuming a previous `.part`, then check sha256."""
    models_dir.mkdir(parents=True, exist_ok=True)
    dest = models_dir / entry.gguf_file
    if dest.is_file():
        digest = sha256_file(dest)
        if not entry.verified or digest == entry.sha256:
            return PullResult(dest, digest, entry.verified, 0, already_present=True)
    part = dest.with_name(dest.name + ".part")
    resumed_from = part.stat().st_size if part.is_file() else 0
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(60.0, connect=10.0))
    try:
        for attempt in range(retries + 1):
            try:
                _transfer(http, entry, part, progress)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                host = urlparse(entry.url).hostname
                raise NoNetwork(
                    f"no network: cannot reach {host} to download {entry.name} ({exc})"
                ) from exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout) as exc:
                if attempt == retries:
                    size = part.stat().st_size if part.exists() else 0
                    raise DownloadError(
                        f"download of {entry.name} interrupted after {size} bytes ({exc}); "
                        "run pull again to resume"
                    ) from exc
    finally:
        if own:
            http.close()
    digest = sha256_file(part)
    if entry.verified and digest != entry.sha256:
        part.unlink()
        raise ChecksumMismatch(
            f"checksum mismatch for {entry.name}: expected {entry.sha256}, got {digest}; "
            "the file was deleted"
        )
    part.replace(dest)
    return PullResult(dest, digest, entry.verified, resumed_from)


def _transfer(
    http: httpx.Client, entry: CatalogEntry, part: Path, progress: Progress | None
) -> None:
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with http.stream("GET", entry.url, headers=headers, follow_redirects=True) as resp:
        if resp.status_code == 416 and offset:
            return  # the .part already holds the whole file
        if resp.status_code not in (200, 206):
            raise DownloadError(f"download of {entry.name} failed: HTTP {resp.status_code}")
        if resp.status_code == 200:
            offset = 0  # the server ignored Range: start over
        length = resp.headers.get("content-length")
        total = offset + int(length) if length else None
        done = offset
        with part.open("ab" if offset else "wb") as fh:
            for chunk in resp.iter_bytes():
                fh.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)


VerifyStatus = Literal["ok", "missing", "mismatch", "unverified"]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    entry: CatalogEntry
    path: Path
    status: VerifyStatus
    sha256: str | None


def verify(entries: Iterable[CatalogEntry], models_dir: Path) -> list[VerifyResult]:
    """Re-hash every present file; "unverified" when the catalog has no checksum to compare."""
    out = []
    for entry in entries:
        path = models_dir / entry.gguf_file
        if not path.is_file():
            out.append(VerifyResult(entry, path, "missing", None))
            continue
        digest = sha256_file(path)
        status: VerifyStatus = (
            "unverified" if not entry.verified else "ok" if digest == entry.sha256 else "mismatch"
        )
        out.append(VerifyResult(entry, path, status, digest))
    return out
