"""`nlu_model_dir`: the project's NLU model trained once per test session with the FAST config.

Register with `pytest_plugins = ["tests.plugins.nlu"]`. The fast model is weaker than the
full one (README, "Command understanding"); tests that use it should assert on obvious
commands only.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def nlu_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.nlu.build import ensure_model
    from assistant.nlu.train import FAST_CONFIG

    return ensure_model(tmp_path_factory.mktemp("nlu") / "model", FAST_CONFIG).path
