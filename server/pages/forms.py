"""Turning form posts into procedure arguments, and procedure errors back into field messages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from assistant.errors import AppError, InvalidInput

# pydantic's wording, rewritten the way a receptionist would read it (GOV.UK style).
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "phone": "Phone",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "tags": "Tags",
    "tag": "Tag",
    "body": "Note",
    "reason": "Reason",
    "title": "What needs doing",
    "kind": "Purpose",
    "duration_minutes": "Duration",
    "due_at": "Due date",
    "starts_at": "Time",
}

# Where "Enter the <label>" does not read: what to ask for an empty field instead.
ASK_FOR = {"title": "Enter what needs doing"}
# pydantic's limits, in words: "String should have at most 300 characters".
AT_MOST = re.compile(r"at most (\d+) characters?")
AT_LEAST = re.compile(r"at least (\d+) characters?")


class FormError(InvalidInput):
    """A page's own check on a field, already worded for the person: shown as it is."""


class ContactForm(BaseModel):
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    date_of_birth: str = ""
    address: str = ""
    tags: str = ""
    version: str = ""

    @classmethod
    def of(cls, contact: Any) -> ContactForm:
        return cls(
            first_name=contact.first_name,
            last_name=contact.last_name,
            email=contact.email or "",
            phone=contact.phone or "",
            date_of_birth=contact.date_of_birth.isoformat() if contact.date_of_birth else "",
            address=contact.address or "",
            version=str(contact.version),
        )

    def create_args(self) -> dict[str, Any]:
        args = self._fields()
        args["tags"] = [t.strip() for t in self.tags.split(",") if t.strip()]
        return args

    def update_args(self, contact_id: int) -> dict[str, Any]:
        args: dict[str, Any] = {"contact_id": contact_id, **self._fields(clear=True)}
        if self.version.isdigit():
            args["expected_version"] = int(self.version)
        return args

    def _fields(self, *, clear: bool = False) -> dict[str, Any]:
        """Blank optional fields are left out on create and cleared (None) on edit."""
        args: dict[str, Any] = {"first_name": self.first_name.strip()}
        args["last_name"] = self.last_name.strip()
        for name in ("email", "phone", "date_of_birth", "address"):
            value = getattr(self, name).strip()
            if value:
                args[name] = value
            elif clear:
                args[name] = None
        return args


def _characters(count: str) -> str:
    return f"{count} character" + ("" if count == "1" else "s")


def _friendly(field: str, message: str, labels: dict[str, str] | None = None) -> str:
    label = {**FIELD_LABELS, **(labels or {})}.get(field, field.replace("_", " ").capitalize())
    lowered = message.lower()
    if "at least 1 character" in lowered or "required" in lowered or "missing" in lowered:
        return ASK_FOR.get(field, f"Enter the {label.lower()}")
    if limit := AT_MOST.search(lowered):
        return f"{label} must be {_characters(limit.group(1))} or fewer"
    if limit := AT_LEAST.search(lowered):
        return f"{label} must be at least {_characters(limit.group(1))}"
    if field == "email":
        return "Enter an e-mail address in the right format, like name@example.com"
    if field == "phone":
        return "Enter a phone number, like +1 415 555 0101"
    if field == "date_of_birth":
        if "future" in lowered:
            return "Date of birth must be in the past"
        return "Enter a real date of birth"
    message = message.removeprefix("Value error, ")
    return f"{label}: {message}"


def field_errors(
    exc: AppError, known: Sequence[str], labels: dict[str, str] | None = None
) -> dict[str, str]:
    """{field: message} for the fields on the form, in the form's order (as the summary lists
    them); anything else goes under `form`, first. `labels` names this form's fields."""
    errors: dict[str, str] = {}
    for where, message in (exc.fields or {}).items():
        field = where.split(".", 1)[0]
        worded = message if isinstance(exc, FormError) else _friendly(field, message, labels)
        errors.setdefault(field if field in known else "form", worded)
    if not errors:
        errors["form"] = exc.message[:1].upper() + exc.message[1:]
    order = ["form", *known]
    return dict(sorted(errors.items(), key=lambda item: order.index(item[0])))


CONTACT_FIELDS = tuple(name for name in ContactForm.model_fields if name != "version")
