"""Administration procedures: staff accounts, API tokens and the audit trail, for the owner
(and the CLI's system principal); assistant/compose.py builds the registry from `MODULES`."""

from __future__ import annotations

from types import ModuleType

from assistant.admin import audit, policies, tokens, users

MODULES: tuple[ModuleType, ...] = (audit, policies, tokens, users)
