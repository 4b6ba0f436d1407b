from __future__ import annotations

import pytest

from assistant.privacy.scrubber import Scrubber
from tests.unit.privacy.support import shared_scrubber


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    return shared_scrubber()
