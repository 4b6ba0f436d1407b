from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from assistant.privacy.pseudonymise import Pseudonymiser
from assistant.privacy.scrubber import Scrubber, Span

# A fixed analyzer for the arithmetic of placeholders (the real scrubber is used below too):
# it finds exactly these values, so each test knows what was found.
_FIXED = {
    "Jane Doe": "PERSON",
    "Omar Haddad": "PERSON",
    "+44 20 7946 0958": "PHONE_NUMBER",
    "jane@example.org": "EMAIL_ADDRESS",
}


def fixed(text: str) -> Sequence[Span]:
    spans = []
    for value, entity in _FIXED.items():
        for m in re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", text):
            spans.append(Span(m.start(), m.end(), entity, 1.0))
    return sorted(spans, key=lambda s: s.start)


def test_same_value_same_placeholder_across_strings() -> None:
    p = Pseudonymiser(fixed)
    masked = p.mask(["Call Jane Doe on +44 20 7946 0958", "Jane Doe and Omar Haddad", "hi"])
    assert masked == [
        "Call <PERSON_1> on <PHONE_NUMBER_1>",
        "<PERSON_1> and <PERSON_2>",
        "hi",
    ]
    # A later call in the same request keeps the numbering.
    assert p.mask_text("Omar Haddad wrote jane@example.org") == "<PERSON_2> wrote <EMAIL_ADDRESS_1>"
    assert p.mapping == {
        "<PERSON_1>": "Jane Doe",
        "<PERSON_2>": "Omar Haddad",
        "<PHONE_NUMBER_1>": "+44 20 7946 0958",
        "<EMAIL_ADDRESS_1>": "jane@example.org",
    }
    assert p.count == 4


def test_value_found_once_is_masked_everywhere_in_the_request() -> None:
    # The analyzer finds "Jane Doe" only in title case; the other spelling is swept too,
    # but not inside a longer word.
    p = Pseudonymiser(fixed)
    assert p.mask(["Jane Doe", "JANE DOE rang", "xJane Doex"]) == [
        "<PERSON_1>", "<PERSON_1> rang", "xJane Doex"]  # fmt: skip


def test_restore_round_trip_and_altered_placeholders() -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe, +44 20 7946 0958"])
    assert p.restore("Dear <PERSON_1>, we call <PHONE_NUMBER_1>.") == (
        "Dear Jane Doe, we call +44 20 7946 0958."
    )
    for altered in ("<Person_1>", "PERSON_1", "person_1", "[PERSON_1]", "<PERSON 1>", "{PERSON-1}"):
        assert p.restore(f"Hello {altered}!") == "Hello Jane Doe!", altered
    assert p.restore("Phone number 1 is fine") == "Phone number 1 is fine"  # type name, no sep...


def test_invented_and_lookalike_placeholders_stay_text() -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe"])
    assert p.restore("<PERSON_2> and <EMAIL_ADDRESS_1>") == "<PERSON_2> and <EMAIL_ADDRESS_1>"
    assert p.restore("<PERSON_12> PERSON_1x xPERSON_1") == "<PERSON_12> PERSON_1x xPERSON_1"


def test_placeholders_already_in_the_input_are_never_issued() -> None:
    p = Pseudonymiser(fixed)
    assert p.mask(["template <PERSON_1> for Jane Doe"]) == ["template <PERSON_1> for <PERSON_2>"]
    assert p.restore("<PERSON_1> / <PERSON_2>") == "<PERSON_1> / Jane Doe"


def test_restore_value_walks_parsed_json() -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe jane@example.org"])
    args = {"name": "<PERSON_1>", "to": ["<EMAIL_ADDRESS_1>"], "n": 3, "ok": None}
    assert p.restore_value(args) == {
        "name": "Jane Doe", "to": ["jane@example.org"], "n": 3, "ok": None}  # fmt: skip


def test_nothing_masked_restores_nothing() -> None:
    p = Pseudonymiser(fixed)
    assert p.mask(["no one here"]) == ["no one here"]
    assert p.restore("<PERSON_1>") == "<PERSON_1>"
    stream = p.stream()
    assert stream.feed("<PERS") == "<PERS"


def _streamed(p: Pseudonymiser, deltas: list[str]) -> tuple[list[str], str]:
    restorer = p.stream()
    out = [restorer.feed(d) for d in deltas]
    out.append(restorer.flush())
    return out, "".join(out)


@pytest.mark.parametrize(
    "deltas",
    [
        ["Dear <PERSON_1>, call <PHONE_NUMBER_1>."],
        ["Dear <", "PERSON_", "1>, call <PHONE", "_NUMBER_1", ">."],
        list("Dear <PERSON_1>, call <PHONE_NUMBER_1>."),  # one character at a time
        ["Dear <Per", "son_1>, call PHONE_NUMBER", "_1."],
        ["Dear PERSON", "_1", ", call [PHONE NUMBER 1]", "."],
    ],
)
def test_stream_restores_split_placeholders(deltas: list[str]) -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe +44 20 7946 0958"])
    _, whole = _streamed(p, deltas)
    assert whole == "Dear Jane Doe, call +44 20 7946 0958."


def test_stream_holds_back_only_what_could_be_a_placeholder() -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe"])
    restorer = p.stream()
    assert restorer.feed("Hello ") == "Hello "
    assert restorer.feed("<PER") == ""  # could be a placeholder: wait
    assert restorer.feed("SON_1") == ""  # complete but could still grow ("_12", ">")
    assert restorer.feed("> how") == "Jane Doe how"
    assert restorer.feed(" <PERHAPS") == " <PERHAPS"  # not a prefix of any placeholder
    assert restorer.feed(" <PERSON_9> ok") == " <PERSON_9> ok"  # invented: left as text
    assert restorer.feed(" PERSON_1") == " "
    assert restorer.feed("2 x") == "PERSON_12 x"  # grew into an invented one
    assert restorer.feed(" person_1") == " "
    assert restorer.flush() == "Jane Doe"
    assert restorer.flush() == ""


def test_stream_does_not_restore_placeholder_glued_to_a_word() -> None:
    p = Pseudonymiser(fixed)
    p.mask(["Jane Doe"])
    _, whole = _streamed(p, ["abc", "PERSON_1 and ", "PERSON_1"])
    assert whole == "abcPERSON_1 and Jane Doe"


def test_with_the_real_scrubber(scrubber: Scrubber) -> None:
    p = Pseudonymiser(scrubber.analyze)
    masked = p.mask([
        "Patient Priya Raghunathan, MRN 00123456, phone +44 20 7946 0958.",
        "Reply to priya.r@example.com about Priya Raghunathan.",
    ])  # fmt: skip
    joined = " ".join(masked)
    for value in ("Priya", "Raghunathan", "00123456", "7946", "priya.r@example.com"):
        assert value not in joined
    assert masked[0].count("<PERSON_1>") == 1 and masked[1].count("<PERSON_1>") == 1
    reply = "Dear <Person_1>, we will call PHONE_NUMBER_1 about MRN <MEDICAL_RECORD_NUMBER_1>."
    assert p.restore(reply) == (
        "Dear Priya Raghunathan, we will call +44 20 7946 0958 about MRN 00123456."
    )
