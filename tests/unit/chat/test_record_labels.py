"""The dock's record links say what they open ("Jane Doe's note"), never "contact #1", and
never clinical text or a task's title."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat.wording import Said, labelled
from assistant.when import Clock

LA = "America/Los_Angeles"
APPOINTMENT = {
    "id": 4, "contact_id": 7, "starts_at": "2026-12-08T23:00:00+00:00",
    "ends_at": "2026-12-08T23:45:00+00:00", "status": "booked",
}  # fmt: skip


def record(kind: str, rid: int) -> dict[str, Any]:
    return {"type": kind, "id": rid, "url": f"/{kind}s/{rid}"}


def said(data: dict[str, Any], names: dict[int, str] | None = None) -> Said:
    return Said(data, {}, Clock.of(LA), {7: "Sam Lee"} if names is None else names)


@pytest.mark.parametrize(
    ("data", "rec", "label"),
    [
        ({"id": 7}, record("contact", 7), "Sam Lee"),
        ({"id": 9, "contact_id": 7, "body": "knee pain"}, record("note", 9), "Sam Lee's note"),
        ({"id": 3, "contact_id": 7, "title": "call insurer"}, record("task", 3), "Sam Lee's task"),
        (APPOINTMENT, record("appointment", 4), "Sam Lee's appointment, Tue 8 Dec, 3:00-3:45 pm"),
        ({"id": 5, "contact_id": 7}, record("draft", 5), "the draft to Sam Lee"),
        ({"id": 3, "title": "order gloves"}, record("task", 3), "the task"),  # about no one
    ],
)
def test_each_record_reads_as_a_person_would_say_it(
    data: dict[str, Any], rec: dict[str, Any], label: str
) -> None:
    (found,) = labelled([rec], said(data))
    assert found["label"] == label
    assert found["url"] == rec["url"] and found["id"] == rec["id"]


def test_clinical_text_and_titles_stay_out_of_labels() -> None:
    data = {"id": 9, "contact_id": 7, "body": "knee pain", "title": "call insurer"}
    labels = [r["label"] for r in labelled([record("note", 9), record("task", 9)], said(data))]
    assert not any("knee" in label or "insurer" in label for label in labels)


def test_an_unknown_contact_and_a_job_get_no_invented_name() -> None:
    job = {"type": "job", "id": 2, "url": "/api/jobs/2"}
    found = labelled([record("contact", 8), job], said({"id": 8}, names={}))
    assert found[0]["label"] == "the contact"
    assert "label" not in found[1]  # a job is a progress bar, not a link
