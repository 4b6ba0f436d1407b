"""Train a pipeline from labelled examples through spaCy's own training loop (config-driven).

The examples become DocBin files, spaCy trains the config with a progress bar (steps and the
time left), the best model is moved into place atomically, and the intent threshold is
calibrated on the dev set and stored beside it (`meta_assistant.json`) with the labels the
model knows and the training data's vocabulary for the speller (`words.json`), so the hybrid
parser and `nlu eval` read one directory. The labels come from the data: the co-pilot's own
model and a model of anyone's intents train the same way.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.nlu import progress
from assistant.nlu.calibrate import calibrate
from assistant.nlu.data import DataError, Example, LabelSet
from assistant.nlu.spelling import write_words

if TYPE_CHECKING:
    from spacy.language import Language

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
    labels: LabelSet | None = None,
    postprocess: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Path:
    """Train, calibrate and install the model at out_dir (replacing any model there).

    The model reports the entity labels of `labels` (the set the data was checked against),
    else those the data uses. `postprocess` names the clean-up its entities get at inference
    (assistant/nlu/model.py): None for anyone's labels, "crm" for the co-pilot's own model.
    """
    if not config.is_file():
        raise DataError(f"{config}: no such config file")
    intents = sorted({e.intent for e in train} | {e.intent for e in dev})
    if len({e.intent for e in train}) < 2:
        raise DataError("training data needs at least two intents")
    entity_labels = sorted(
        labels.entities if labels else {s.label for e in (*train, *dev) for s in e.entities}
    )
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nlu-train-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        to_docbin(train, intents, work / "train.spacy")
        to_docbin(dev, intents, work / "dev.spacy")
        all_overrides = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "training.logger": {"@loggers": progress.LOGGER},
            **(overrides or {}),
        }
        _spacy_train(config, work / "output", all_overrides, entity_labels)
        best = work / "output" / "model-best"
        meta = {
            "intents": intents,
            "entity_labels": entity_labels,
            "postprocess": postprocess,
            **(extra_meta or {}),
        }
        write_words(best, train)
        _write_meta(best, dev, target_precision, config, meta)
        staged = work / "staged"
        shutil.move(str(best), staged)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.move(str(staged), out_dir)
    return out_dir


def _add_entity_labels(nlp: Language, labels: Sequence[str]) -> None:
    """Give the entity recognizer every label up front, in sorted order.

    A sourced NER is not initialized again; it would add new labels batch by batch from a
    Python set, whose order changes with the process's hash seed, and so would the model.
    """
    from spacy.pipeline import EntityRecognizer

    for _, pipe in nlp.pipeline:
        if isinstance(pipe, EntityRecognizer):
            for label in labels:
                pipe.add_label(label)


def _spacy_train(
    config: Path, output: Path, overrides: Mapping[str, Any], entity_labels: Sequence[str]
) -> None:
    """spaCy's `train` command without its console chatter: the progress bar reports."""
    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp

    from assistant.nlu import rules

    rules.register()
    progress.register()
    loaded = util.load_config(config, overrides=dict(overrides), interpolate=False)
    nlp = init_nlp(loaded, use_gpu=-1)
    _add_entity_labels(nlp, entity_labels)
    output.mkdir(parents=True, exist_ok=True)
    train_nlp(nlp, output, use_gpu=-1, stdout=io.StringIO(), stderr=sys.stderr)


def _write_meta(
    model_dir: Path,
    dev: Sequence[Example],
    target_precision: float,
    config: Path,
    extra: Mapping[str, Any],
) -> None:
    """Record the labels first (the model reads them to parse), then the calibrated threshold."""
    from assistant.nlu.model import NLUModel

    meta: dict[str, Any] = {"config": config.name, "dev_examples": len(dev), **extra}
    path = model_dir / META_FILE
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    model = NLUModel(model_dir, threshold=0.0)
    predictions = model.parse_many([e.text for e in dev])
    scored = [(p.confidence, p.intent == e.intent) for p, e in zip(predictions, dev, strict=True)]
    calibration = calibrate(scored, target_precision)
    meta = {"threshold": calibration.threshold, "calibration": calibration.as_dict(), **meta}
    path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
