"""Keep the co-pilot's own model current: install the shipped one, train only when it is stale.

A model directory records a fingerprint of what made it: the config, the committed training
and dev data (models/nlu/train.jsonl and dev.jsonl, validated against the co-pilot's
labels), the training recipe's version and spaCy's minor version. The project ships its
full model trained from exactly those inputs (models/nlu/model/); training is deterministic,
so it is what a training run here would produce. `ensure_model` keeps a model whose
fingerprint matches, installs the shipped copy when that one matches, and trains otherwise
(another config, changed data, another spaCy minor), with a progress bar.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from assistant.nlu.data import Example, crm_labels, dumps_jsonl, read_jsonl
from assistant.nlu.train import CONFIG_DIR, FULL_CONFIG, META_FILE, split_dev, train_model

TRAIN_DATA = CONFIG_DIR / "train.jsonl"
DEV_DATA = CONFIG_DIR / "dev.jsonl"
SHIPPED_MODEL = CONFIG_DIR / "model"
# Bump when training turns the same config and data into a different model
# (assistant/nlu/train.py, calibrate.py, spelling.py): shipped and installed models then
# count as stale.
RECIPE_VERSION = "2"
# The co-pilot's own model cleans its entities up by the labelling guide (model.py).
POSTPROCESS = "crm"


@dataclass(frozen=True, slots=True)
class BuildResult:
    path: Path
    trained: bool
    fingerprint: str
    installed: bool = False


def fingerprint(config: Path, train: list[Example], dev: list[Example]) -> str:
    spacy_minor = ".".join(version("spacy").split(".")[:2])
    digest = hashlib.sha256()
    for part in (
        config.read_bytes(),
        dumps_jsonl(train).encode(),
        dumps_jsonl(dev).encode(),
        RECIPE_VERSION.encode(),
        spacy_minor.encode(),
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


def project_data(
    train_path: Path | None = None, dev_path: Path | None = None
) -> tuple[list[Example], list[Example]]:
    """The co-pilot's (train, dev) sets, every label checked against its procedures."""
    labels = crm_labels()
    train = read_jsonl(train_path or TRAIN_DATA, labels)
    if dev_path is not None:
        return train, read_jsonl(dev_path, labels)
    if train_path is None:
        return train, read_jsonl(DEV_DATA, labels)
    return split_dev(train)


def ensure_model(
    out_dir: Path,
    config: Path = FULL_CONFIG,
    *,
    train_path: Path | None = None,
    dev_path: Path | None = None,
    shipped: Path = SHIPPED_MODEL,
) -> BuildResult:
    """Make out_dir hold the model of config and the data (the committed data unless given)."""
    train, dev = project_data(train_path, dev_path)
    digest = fingerprint(config, train, dev)
    if recorded_fingerprint(out_dir) == digest:
        return BuildResult(out_dir, False, digest)
    if recorded_fingerprint(shipped) == digest:
        install(shipped, out_dir)
        return BuildResult(out_dir, False, digest, installed=True)
    train_model(
        train,
        dev,
        out_dir,
        config,
        labels=crm_labels(),
        postprocess=POSTPROCESS,
        extra_meta={"fingerprint": digest},
    )
    return BuildResult(out_dir, True, digest)


def install(source: Path, out_dir: Path) -> Path:
    """Copy a model directory into place, replacing what was there only once it is complete."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nlu-install-", dir=out_dir.parent) as tmp:
        staged = Path(tmp) / "model"
        shutil.copytree(source, staged)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(str(staged), out_dir)
    return out_dir
