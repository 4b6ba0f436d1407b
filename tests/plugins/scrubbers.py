"""A real log scrubber that counts its deny-list rebuilds (each one empties its cache)."""

from __future__ import annotations

from typing import Any

from assistant.privacy.scrubber import Scrubber


class CountingScrubber(Scrubber):
    def __init__(self) -> None:
        super().__init__()
        self.rebuilt = 0

    def update_known_values(self, **values: Any) -> None:
        self.rebuilt += 1
        super().update_known_values(**values)
