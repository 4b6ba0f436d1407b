from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.db import migrate
from assistant.privacy.keys import create_key_file

Cli = Callable[..., subprocess.CompletedProcess[str]]


def _env(db_url: str, data_dir: Path) -> dict[str, str]:
    """The CLI's environment; the data dir gets a key file, as `make run` gives it one."""
    if not (data_dir / "keys.json").exists():
        create_key_file(data_dir / "keys.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATABASE_URL=db_url, ASSISTANT_DATA_DIR=str(data_dir))
    return env


@pytest.fixture
def cli(empty_db_url: str, tmp_path: Path) -> Cli:
    """`assistant ...` as a real process against a freshly migrated database."""
    migrate.upgrade(empty_db_url)
    env = _env(empty_db_url, tmp_path)

    def run(*args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"assistant {' '.join(args)} failed: {result.stderr}")
        return result

    return run
