"""Makes the shared model fixtures available here until tests/conftest.py registers
tests.plugins.models with `pytest_plugins` (then this import is harmless)."""

from __future__ import annotations

from tests.plugins.models import tiny_gguf, tiny_hf_dir

__all__ = ["tiny_gguf", "tiny_hf_dir"]
