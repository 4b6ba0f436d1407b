"""Train a pipeline from labelled examples through spaCy's own `train` (config-driven).

The examples become DocBin files, `spacy.cli.train.train` runs the config, the best model is
moved into place atomically, and the intent threshold is calibrated on the dev set and
stored beside it (`meta_assistant.json`), so the hybrid parser reads one directory.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.nlu.calibrate import calibrate
from assistant.nlu.data import DataError, Example

META_FILE = "meta_assistant.json"
CONFIG_DIR = Path(__file__).resolve().parents[2] / "models" / "nlu"
FULL_CONFIG = CONFIG_DIR / "config.cfg"
FAST_CONFIG = CONFIG_DIR / "config-fast.cfg"


def to_docbin(examples: Sequence[Example], intents: Sequence[str], path: Path) -> int:
    """Write examples as a DocBin; returns how many entity spans did not align with tokens."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    misaligned = 0
    for example in examples:
        doc = nlp.make_doc(example.text)
        doc.cats = {intent: float(intent == example.intent) for intent in intents}
        spans = []
        for span in example.entities:
            found = doc.char_span(span.start, span.end, label=span.label)
            if found is None:
                found = doc.char_span(
                    span.start, span.end, label=span.label, alignment_mode="expand"
                )
                misaligned += 1
            if found is not None:
                spans.append(found)
        doc.ents = spacy.util.filter_spans(spans)
        db.add(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return misaligned


def split_dev(
    examples: Sequence[Example], fraction: float = 0.1, seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """A random split, for user data without a dev file (the project data has its own)."""
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    cut = max(1, int(len(shuffled) * fraction))
    return shuffled[cut:], shuffled[:cut]


def train_model(
    train: Sequence[Example],
    dev: Sequence[Example],
    out_dir: Path,
    config: Path = FULL_CONFIG,
    *,
    target_precision: float = 0.97,
    extra_meta: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Path:
    """Train, calibrate and install the model at out_dir (replacing any model there)."""
    from spacy.cli.train import train as spacy_train

    from assistant.nlu import rules

    rules.register()
    if not config.is_file():
        raise DataError(f"{config}: no such config file")
    intents = sorted({e.intent for e in train} | {e.intent for e in dev})
    if len({e.intent for e in train}) < 2:
        raise DataError("training data needs at least two intents")
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nlu-train-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        to_docbin(train, intents, work / "train.spacy")
        to_docbin(dev, intents, work / "dev.spacy")
        all_overrides = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            **(overrides or {}),
        }
        spacy_train(config, work / "output", overrides=all_overrides, use_gpu=-1)
        best = work / "output" / "model-best"
        _write_meta(best, dev, intents, target_precision, config, extra_meta or {})
        staged = work / "staged"
        shutil.move(str(best), staged)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(str(staged), out_dir)
    return out_dir


def _write_meta(
    model_dir: Path,
    dev: Sequence[Example],
    intents: Sequence[str],
    target_precision: float,
    config: Path,
    extra: Mapping[str, Any],
) -> None:
    from assistant.nlu.model import NLUModel

    model = NLUModel(model_dir, threshold=0.0)
    predictions = model.parse_many([e.text for e in dev])
    scored = [(p.confidence, p.intent == e.intent) for p, e in zip(predictions, dev, strict=True)]
    calibration = calibrate(scored, target_precision)
    meta = {
        "threshold": calibration.threshold,
        "calibration": calibration.as_dict(),
        "intents": list(intents),
        "config": config.name,
        "dev_examples": len(dev),
        **extra,
    }
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
