"""One real Scrubber for the whole test session (spaCy + Presidio take seconds to load)."""

from __future__ import annotations

import functools

from assistant.privacy.scrubber import Scrubber


@functools.cache
def shared_scrubber() -> Scrubber:
    scrubber = Scrubber()
    scrubber.load()
    return scrubber
