"""Keep the project's model current: retrain only when its inputs changed.

A model directory records a fingerprint of what made it (config, training and dev data,
generator version, spaCy version). `make run` and `make test` call `ensure_model`; it costs
a data generation and a hash when nothing changed, and a training run when something did.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from assistant.nlu.data import Example, dumps_jsonl, read_jsonl
from assistant.nlu.synth.generate import DEFAULT_SEED, GENERATOR_VERSION, generate
from assistant.nlu.train import FULL_CONFIG, META_FILE, split_dev, train_model


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    trained: bool
    fingerprint: str


def fingerprint(config: Path, train: list[Example], dev: list[Example]) -> str:
    digest = hashlib.sha256()
    for part in (
        config.read_bytes(),
        dumps_jsonl(train).encode(),
        dumps_jsonl(dev).encode(),
        GENERATOR_VERSION.encode(),
        version("spacy").encode(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def recorded_fingerprint(model_dir: Path) -> str | None:
    meta = model_dir / META_FILE
    if not meta.is_file() or not (model_dir / "config.cfg").is_file():
        return None
    try:
        value = json.loads(meta.read_text(encoding="utf-8")).get("fingerprint")
    except (json.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def ensure_model(
    out_dir: Path,
    config: Path = FULL_CONFIG,
    *,
    train_path: Path | None = None,
    dev_path: Path | None = None,
    seed: int = DEFAULT_SEED,
) -> BuildResult:
    """(Re)train into out_dir when it is missing or stale; the project data unless paths given."""
    if train_path is None:
        train, dev = generate(seed)
    else:
        train = read_jsonl(train_path)
        train, dev = (train, read_jsonl(dev_path)) if dev_path else split_dev(train)
    digest = fingerprint(config, train, dev)
    if recorded_fingerprint(out_dir) == digest:
        return BuildResult(out_dir, False, digest)
    train_model(
        train,
        dev,
        out_dir,
        config,
        extra_meta={"fingerprint": digest, "generator_version": GENERATOR_VERSION},
    )
    return BuildResult(out_dir, True, digest)
