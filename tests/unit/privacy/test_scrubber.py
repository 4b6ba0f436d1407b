from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

import pytest

from assistant.privacy.recognizers import OfflineEmailRecognizer, build
from assistant.privacy.scrubber import Scrubber, ScrubberError, Span, resolve_overlaps


@pytest.mark.parametrize(
    ("text", "value", "tag"),
    [
        ("Booked Priya Raghunathan for Tuesday", "Priya Raghunathan", "<PERSON>"),
        ("send the invoice to jane.doe@gmail.com please", "jane.doe@gmail.com", "<EMAIL_ADDRESS>"),
        ("call back on (617) 555-0142 after 3pm", "555-0142", "<PHONE_NUMBER>"),
        ("lookup MRN 00123456 returned 1 row", "00123456", "<MEDICAL_RECORD_NUMBER>"),
        ("chart MRN: A1234567 archived", "A1234567", "<MEDICAL_RECORD_NUMBER>"),
        ("eligibility ok: member ID XJH123456789", "XJH123456789", "<INSURANCE_ID>"),
        ("policy no. POL-2023-99812 expired", "POL-2023-99812", "<INSURANCE_ID>"),
        ("DOB 03/14/1985 does not match", "03/14/1985", "<DATE_OF_BIRTH>"),
        ("the client was born 1985-03-14", "1985-03-14", "<DATE_OF_BIRTH>"),
        ("moved to 42 Oak Street, Springfield, IL 62704", "42 Oak Street", "<STREET_ADDRESS>"),
    ],
)
def test_scrub_replaces_clinic_personal_data(
    scrubber: Scrubber, text: str, value: str, tag: str
) -> None:
    scrubbed = scrubber.scrub(text)
    assert value not in scrubbed
    assert tag in scrubbed


def test_keywords_stay_so_the_log_still_reads(scrubber: Scrubber) -> None:
    assert scrubber.scrub("MRN 00123456, DOB 03/14/1985") == (
        "MRN <MEDICAL_RECORD_NUMBER>, DOB <DATE_OF_BIRTH>"
    )


def test_text_without_personal_data_is_unchanged(scrubber: Scrubber) -> None:
    text = "worker started: 4 jobs, queue depth 12"
    assert scrubber.scrub(text) == text
    assert scrubber.analyze(text) == []


@pytest.fixture
def known(scrubber: Scrubber) -> Iterator[Scrubber]:
    scrubber.update_known_values(
        names=["Zorba Quixley"], emails=["zq@clinic.example"], phones=["+1 (617) 555-0199"]
    )
    yield scrubber
    scrubber.update_known_values()


def test_known_contacts_are_scrubbed_whatever_the_case(known: Scrubber) -> None:
    # The small model misses all-caps names; the deny-list of DB contacts does not.
    text = "contact ZORBA QUIXLEY imported; quixley, zorba merged; QUIXLEY called"
    assert known.scrub(text) == "contact <PERSON> imported; <PERSON> merged; <PERSON> called"


def test_known_emails_and_phones_match_in_any_format(known: Scrubber) -> None:
    text = "mail ZQ@clinic.example, sms 617.555.0199"
    assert known.scrub(text) == "mail <EMAIL_ADDRESS>, sms <PHONE_NUMBER>"


def test_known_values_can_be_replaced_at_runtime(known: Scrubber) -> None:
    assert "QUIXLEY" not in known.scrub("QUIXLEY called")
    known.update_known_values(names=["Other Person"])
    assert known.scrub("QUIXLEY called") == "QUIXLEY called"


def test_single_name_parts_that_are_words_do_not_match(known: Scrubber) -> None:
    known.update_known_values(names=["Will May"])
    assert known.scrub("we will see in may") == "we will see in may"


def test_a_contact_with_one_name_is_a_part_not_a_full_name(known: Scrubber) -> None:
    # A contact saved as just "A" or "May" must not mask every "a" or "may" in any case;
    # a one-word name that is not a common word is still found when capitalised.
    known.update_known_values(names=["A", "May", "Oksanka"])
    assert known.scrub("add a note to them in may") == "add a note to them in may"
    assert known.scrub("Oksanka called") == "<PERSON> called"


def test_analyze_returns_sorted_non_overlapping_spans(scrubber: Scrubber) -> None:
    spans = scrubber.analyze("Booked Priya Raghunathan, MRN 00123456")
    assert [s.entity_type for s in spans] == ["PERSON", "MEDICAL_RECORD_NUMBER"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_overlaps_merge_to_the_most_specific_type() -> None:
    spans = [
        Span(0, 14, "PERSON", 0.85),
        Span(3, 14, "INSURANCE_ID", 0.9),
        Span(20, 25, "PERSON", 1),
    ]
    assert resolve_overlaps(spans) == [
        Span(0, 14, "INSURANCE_ID", 0.9),
        Span(20, 25, "PERSON", 1),
    ]


def test_email_recognizer_never_fetches_the_suffix_list() -> None:
    recognizer = OfflineEmailRecognizer()
    assert recognizer._extract.suffix_list_urls == ()
    assert recognizer.validate_result("a@example.co.uk")


def test_unknown_model_is_a_clear_error_not_a_download() -> None:
    with pytest.raises(ScrubberError, match="not installed"):
        Scrubber(model="en_core_web_nonexistent").load()


def test_unknown_recognizer_name_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown recognizer"):
        build(["no_such_recognizer"])


def test_a_deny_list_update_does_not_wait_for_a_load_in_another_thread() -> None:
    """The server updates the deny-list on its event loop while the log scrubber loads
    spaCy in a thread: the update returns at once (it used to wait out the load, seconds
    with nothing answered), and the load still takes it."""
    fresh = Scrubber()
    loading = threading.Thread(target=fresh.load)
    loading.start()
    deadline = time.monotonic() + 30
    while not fresh._load_lock.locked() and loading.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    fresh.update_known_values(names=["Zorba Quixley"])
    assert loading.is_alive(), "the update waited for the load to finish"
    loading.join()
    assert fresh.scrub("QUIXLEY called") == "<PERSON> called"
