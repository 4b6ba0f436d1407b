from __future__ import annotations

import pytest

from assistant.privacy.scrubber import Scrubber
from assistant.settings import Settings

POLISH = "numer 601 234 567 ok"


def test_env_names_the_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LOG_PHONE_REGIONS", "gb, pl")
    assert Settings().log.phone_regions == ["gb", "pl"]
    monkeypatch.delenv("ASSISTANT_LOG_PHONE_REGIONS")
    assert Settings().log.phone_regions == []  # the broad default list applies


def test_scrubber_knows_only_the_configured_national_formats(scrubber: Scrubber) -> None:
    # The shared scrubber has the default regions (Poland among them); a GB-only clinic's
    # scrubber leaves a Polish national number without a phone word, but not a "+48" one.
    assert [s.entity_type for s in scrubber.analyze(POLISH)] == ["PHONE_NUMBER"]
    gb_only = Scrubber(phone_regions=["gb"], cache_size=0)
    assert gb_only.analyze(POLISH) == []
    assert [s.entity_type for s in gb_only.analyze("numer +48 601 234 567")] == ["PHONE_NUMBER"]
