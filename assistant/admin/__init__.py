"""Administration procedures: staff accounts, API tokens and the audit trail, for the owner
(and the CLI's system principal); importing this package declares them on REGISTRY."""

from __future__ import annotations

from assistant.admin import audit, tokens, users
from assistant.admin.declare import REGISTRY

__all__ = ["REGISTRY", "audit", "tokens", "users"]
