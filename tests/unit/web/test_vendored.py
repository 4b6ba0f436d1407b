"""Vendored browser files are exactly the pinned releases, each with its licence beside it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from web import STATIC

ROOT = Path(__file__).resolve().parents[3]
MANIFESTS = [STATIC / "vendor" / "MANIFEST.json", ROOT / "tests" / "vendor" / "MANIFEST.json"]


def _entries() -> list[tuple[Path, str, dict[str, object]]]:
    return [
        (manifest.parent, name, entry)
        for manifest in MANIFESTS
        for name, entry in json.loads(manifest.read_text()).items()
    ]


@pytest.mark.parametrize(("folder", "name", "entry"), _entries(), ids=lambda v: str(v)[:30])
def test_vendored_files_match_their_pinned_sha256(
    folder: Path, name: str, entry: dict[str, object]
) -> None:
    files = entry["files"]
    assert isinstance(files, dict)
    assert any(path.endswith("LICENSE") for path in files), f"{name} ships without its licence"
    assert all(str(entry["version"]) in path for path in files), "the folder names the version"
    for path, digest in files.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path


def test_every_vendored_file_is_in_a_manifest() -> None:
    listed = {
        (folder / path).resolve()
        for folder, _, entry in _entries()
        for path in entry["files"]  # type: ignore[attr-defined]
    }
    present = {
        p.resolve()
        for manifest in MANIFESTS
        for p in manifest.parent.rglob("*")
        if p.is_file() and p.name not in ("MANIFEST.json", "README.md")
    }
    assert present == listed
