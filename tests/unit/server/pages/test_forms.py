"""Form posts become procedure arguments; procedure errors become messages by their field."""

from __future__ import annotations

import pytest

from assistant.errors import Conflict, InvalidInput
from server.pages.forms import CONTACT_FIELDS, ContactForm, field_errors


def test_blank_optional_fields_are_left_out_on_create_and_cleared_on_edit() -> None:
    form = ContactForm(first_name=" Ada ", email="", phone="+1 415 555 0199", tags="vip, , New")
    assert form.create_args() == {
        "first_name": "Ada",
        "last_name": "",
        "phone": "+1 415 555 0199",
        "tags": ["vip", "New"],
    }
    edited = ContactForm(first_name="Ada", version="3").update_args(9)
    assert edited["contact_id"] == 9
    assert edited["expected_version"] == 3
    assert edited["email"] is None and edited["address"] is None


def test_errors_are_said_by_field_in_words() -> None:
    exc = InvalidInput(
        "invalid email",
        fields={
            "email": "value is not a valid email address",
            "first_name": "String should have at least 1 character",
            "date_of_birth": "Value error, date of birth is in the future",
            "expected_version": "bad",
        },
    )
    errors = field_errors(exc, CONTACT_FIELDS)
    assert errors["email"].startswith("Enter an e-mail address")
    assert errors["first_name"] == "Enter the first name"
    assert errors["date_of_birth"] == "Date of birth must be in the past"
    assert "form" in errors  # a field the form does not show still reaches the summary
    assert list(errors) == ["form", "first_name", "email", "date_of_birth"]  # the form's order


def test_an_error_without_fields_goes_to_the_summary() -> None:
    errors = field_errors(Conflict("contact 3 changed since version 1"), CONTACT_FIELDS)
    assert errors == {"form": "Contact 3 changed since version 1"}


@pytest.mark.parametrize(
    ("field", "pydantic_says", "labels", "page_says"),
    [
        ("title", "String should have at least 1 character", None, "Enter what needs doing"),
        ("body", "Field required", None, "Enter the note"),
        ("body", "String should have at least 1 character", {"body": "Text"}, "Enter the text"),
        ("subject", "String should have at most 300 characters", None,
         "Subject must be 300 characters or fewer"),
        ("title", "String should have at most 200 characters", None,
         "What needs doing must be 200 characters or fewer"),
        ("kind", "String should have at most 1 character", None,
         "Purpose must be 1 character or fewer"),
    ],
)  # fmt: skip
def test_limits_and_empty_fields_read_as_a_receptionist_would(
    field: str, pydantic_says: str, labels: dict[str, str] | None, page_says: str
) -> None:
    errors = field_errors(InvalidInput("bad", fields={field: pydantic_says}), (field,), labels)
    assert errors == {field: page_says}
