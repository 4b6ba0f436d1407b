"""The co-pilot's activity: undoing what it did (`actions.undo`) and listing it."""

from __future__ import annotations

from types import ModuleType

from assistant.activity import undo

MODULES: tuple[ModuleType, ...] = (undo,)
