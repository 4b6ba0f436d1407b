"""Where a figure was measured: machine, libraries, engine, model, settings, git commit.

Every result file carries this, so two figures can be compared only when comparable. Nothing
here imports a runtime (torch, vllm): versions come from package metadata, the GPU from
nvidia-smi.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = (
    "clinic-copilot", "llama-cpp-python", "vllm", "transformers", "torch", "gguf", "numpy",
    "litestar", "uvicorn", "httpx", "openai",
)  # fmt: skip


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def physical_cores() -> int | None:
    try:
        import psutil

        cores: int | None = psutil.cpu_count(logical=False)
        return cores
    except ImportError:
        return None


def gpus() -> list[dict[str, str]]:
    """Name, memory and driver of each NVIDIA GPU (empty without nvidia-smi)."""
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return []
    query = "--query-gpu=name,memory.total,driver_version"
    try:
        out = subprocess.run(
            [smi, query, "--format=csv,noheader"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    rows = [[p.strip() for p in line.split(",")] for line in out.splitlines() if line.strip()]
    return [{"name": r[0], "memory": r[1], "driver": r[2]} for r in rows if len(r) == 3]


def library_versions(names: tuple[str, ...] = LIBRARIES) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit(root: Path = ROOT) -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    dirty = bool(status) if status is not None else None
    return {"commit": git("rev-parse", "HEAD"), "dirty": dirty}


def model_size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def random_weights(path: Path) -> bool:
    """True when make-random built this model (its marker is in the metadata)."""
    from inference.random_models import RANDOM_MARK

    if path.is_dir():
        config = path / "config.json"
        try:
            return RANDOM_MARK in json.loads(config.read_text()).get("_benchmark_note", "")
        except (OSError, ValueError):
            return False
    try:
        from gguf import GGUFReader

        field = GGUFReader(str(path)).get_field("general.description")
    except (ImportError, OSError, ValueError):
        return False
    return field is not None and RANDOM_MARK in str(field.contents())


def model_info(model: str | Path | None) -> dict[str, Any] | None:
    """File, size and whether the weights are random; a name that is no path stays a name."""
    if model is None:
        return None
    path = Path(model).expanduser()
    if not path.exists():
        return {"name": str(model), "path": None, "size_bytes": None, "random_weights": None}
    return {
        "name": path.stem if path.is_file() else path.name,
        "path": str(path.resolve()),
        "size_bytes": model_size(path),
        "random_weights": random_weights(path),
    }


def capture(
    *,
    engine: str | None = None,
    model: str | Path | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The environment block of a result (see benchmarks/result.schema.json)."""
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "cpu": {
            "model": cpu_model(),
            "logical_cores": os.cpu_count(),
            "physical_cores": physical_cores(),
            "load_average": load,
        },
        "gpus": gpus(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
        "engine": engine,
        "model": model_info(model),
        "settings": dict(settings or {}),
        "git": git_commit(),
    }
