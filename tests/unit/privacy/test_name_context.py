"""Names found by their place in the text (name_context), and words that only look like names."""

from __future__ import annotations

import pytest

from assistant.privacy.name_context import NameContextRecognizer
from assistant.privacy.name_lists import common_english
from assistant.privacy.scrubber import Scrubber


def found(scrubber: Scrubber, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in scrubber.analyze(text)]


def persons(text: str) -> list[str]:
    recognizer = NameContextRecognizer()
    return [text[r.start : r.end] for r in recognizer.analyze(text, ["PERSON"])]


def test_the_word_list_knows_common_words_from_rare_names() -> None:
    assert common_english("window") and common_english("Reason")
    assert not common_english("siobhan") and not common_english("oluwaseun")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("INFO export done user=t.lindqvist rows=40", "t.lindqvist"),
        ('{"level": "warn", "username": "rsato", "msg": "locked"}', "rsato"),
        ("WARN note edited by okwuosa after sign-off", "okwuosa"),
        ("INFO chart opened user=dr.varga id=77", "varga"),
        ("WARN chart printed by=okonkwo.e copies=2", "okonkwo.e"),
        ("INFO referral queued requester=bmensah priority=routine", "bmensah"),
        ("Password reset sent to user vpetrova.", "vpetrova"),
        ("ERROR session revoked for staff member halvorsen.i at 02:14", "halvorsen.i"),
        ("INFO scan ordered ordered_by=dr_achterberg modality=US", "achterberg"),
    ],
)
def test_user_names_in_logs(text: str, name: str) -> None:
    assert persons(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "INFO login ok user=frontdesk3 ip=10.1.1.9",
        "DEBUG request user-agent=curl/8.1 path=/health",
        "INFO sync user=system took=2s",
        "INFO rule updated by default",
        "ERROR user lookup failed: timeout",
        "INFO account settings saved by=system",
    ],
)
def test_shared_logins_and_tools_are_not_people(text: str) -> None:
    assert persons(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Your invoice is attached. Any questions, just reply.\nThanks,\nSiobhan", "Siobhan"),
        ("We moved your session to 4pm as asked. Talk soon, Oluwaseun", "Oluwaseun"),
        ("hey, running 10 min late sorry. its tamsin", "tamsin"),
        ("Hello! This is Ruairi, I booked the 9am yesterday.", "Ruairi"),
        ("Reminder: Ignacio, massage on Friday at 3pm. Reply C to cancel.", "Ignacio"),
    ],
)
def test_signatures_introductions_and_whom_a_reminder_addresses(text: str, name: str) -> None:
    assert name in persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your report is ready to collect. Kind regards, Reception",
        "The gym is closed on Sunday. Thanks, Management",
        "Sorry, it's fine, I can wait until next week.",
        "Reminder: Parking, please use the rear entrance.",
    ],
)
def test_closing_words_and_common_words_are_not_signatures(text: str) -> None:
    assert persons(text) == []


def test_name_fields_and_csv_columns() -> None:
    assert persons('ERROR refund failed card_holder="OYELOWO TEMI" code=51') == ["OYELOWO TEMI"]
    assert persons("Surname: BRADY\nGiven: AOIBHINN\nMobile: 0871234567") == ["AOIBHINN"]
    table = "id;first_name;last_name;visits\n88;Marit;Solberg;4\n89;Tove;Haugen;2"
    assert persons(table) == ["Marit", "Solberg", "Tove", "Haugen"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("can you send the exercise sheet to siobhan tomorrow", "siobhan"),
        ("oluwaseun says the card reader is broken again", "oluwaseun"),
    ],
)
def test_lower_case_first_names_where_chat_names_someone(text: str, name: str) -> None:
    assert persons(text) == [name]


def test_lower_case_common_words_stay() -> None:
    assert persons("please send it to hope it arrives, and book with grace") == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Shoulder: flexion 150 deg, abduction 120 deg.", "Shoulder"),
        ("Balance improving, single-leg stance 12 s.\nAgenda: next visit", "Agenda"),
        ("Reason for referral: chronic neck pain", "Reason"),
        ("Osteo: C4 rotation restricted, treated with MET.", "Osteo"),
    ],
)
def test_headings_and_clinical_words_are_not_names(
    scrubber: Scrubber, text: str, word: str
) -> None:
    assert all(value != word for _, value in found(scrubber, text)), found(scrubber, text)


def test_a_unit_after_a_number_is_no_title(scrubber: Scrubber) -> None:
    text = "LOG: duration: 88.1 ms statement: SELECT 1"
    assert all(value != "statement" for _, value in found(scrubber, text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Ankle ROM improving. Wrist ROM full.", "Wrist ROM"),
        ("Sehr geehrte Frau Kaya,\n\nIhre Rechnung liegt bei.", "Ihre Rechnung"),
        ("Elbow pain settling. Splints worn at night.", "Splints"),
    ],
)
def test_common_words_opening_a_name_are_dropped(scrubber: Scrubber, text: str, word: str) -> None:
    assert all(word not in value for _, value in found(scrubber, text)), found(scrubber, text)


def test_a_relation_before_a_name_is_trimmed_not_the_name(scrubber: Scrubber) -> None:
    text = "Walking 40 m with a stick. Granddaughter Ailsa drives her to sessions."
    spans = found(scrubber, text)
    assert any(value.endswith("Ailsa") for t, value in spans if t == "PERSON"), spans


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Osteo: Tamati reports less stiffness this week.", "Tamati"),
        ("Pilates: Ofelia, core work, progressing well.", "Ofelia"),
    ],
)
def test_the_person_a_note_is_about(text: str, name: str) -> None:
    assert set(persons(text)) == {name}


def test_an_exception_name_is_no_note_label() -> None:
    assert persons("KeyError: Missing field 'phone' in payload") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Home visit: Nonna Pina, 93, lives with her son.", "Pina"),
        ("Fatima just rang about the invoice.", "Fatima"),
    ],
)
def test_family_titles_and_a_verb_after_an_adverb(scrubber: Scrubber, text: str, name: str) -> None:
    spans = found(scrubber, text)
    assert any(t == "PERSON" and name in v for t, v in spans), spans


def test_a_family_word_ending_a_sentence_is_no_title(scrubber: Scrubber) -> None:
    text = "Attended with her aunt. Bruising noted on the left forearm."
    assert all("Bruising" not in v for _, v in found(scrubber, text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Seen with her son Kwabena, who translates.", "Kwabena"),
        ("Dad (Ruairi) brought him in; settled quickly.", "Ruairi"),
        ("New client form\nForename(s): Oluwaseun\nSurname: ADEYEMI", "Oluwaseun"),
        ('consent form signed witness="Tavita Leota" v2', "Tavita Leota"),
    ],
)
def test_relatives_form_fields_and_witnesses(scrubber: Scrubber, text: str, name: str) -> None:
    spans = [text[s.start : s.end] for s in scrubber.analyze(text) if s.entity_type == "PERSON"]
    assert any(name in span for span in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "  0.12s ← 7f3a9c2e1b4d:run_job ● {'job_id': 42}",
        "Starting worker for 3 functions: run_job, send_reminder, purge_expired_sessions",
    ],
)
def test_function_names_in_worker_logs_are_not_people(scrubber: Scrubber, text: str) -> None:
    assert [s for s in scrubber.analyze(text) if s.entity_type == "PERSON"] == []


def test_an_arrow_in_a_worker_log_is_no_person(scrubber: Scrubber) -> None:
    text = "  0.52s \u2190 queue:job:1:0:run_job \u25cf 'succeeded'"
    assert scrubber.scrub(text) == text
