"""What the audit page says: records and a broken chain in words (failures in words:
test_failures.py)."""

from __future__ import annotations

from assistant.admin.audit import Verified
from assistant.audit.chain import PROBLEMS
from server.pages.admin.audit import _links, broken_in_words, how


def test_audit_records_link_where_they_open_once_each() -> None:
    shown = _links({"draft_id": 4, "email_id": 4, "contact_ids": [7, 8], "widget_id": 2})
    assert shown == [
        ("E-mail draft #4", "/emails/4"),
        ("Contact #7", "/contacts/7"),
        ("Contact #8", "/contacts/8"),
        ("Widget #2", None),
    ]
    assert how("token", "http") == "API token · web"
    assert how(None, "cli") == "command line"


def test_every_way_the_chain_breaks_is_said_in_words_naming_the_event() -> None:
    intact = Verified(ok=True, count=4, broken_seq=None, reason=None)
    assert broken_in_words(intact) is None
    for problem in PROBLEMS:
        broken = Verified(ok=False, count=6, broken_seq=7, reason="x", problem=problem)
        words = broken_in_words(broken) or ""
        assert words.startswith("Event #7 ") and words.endswith("."), problem
        assert "hash does not match" not in words and "format 9" not in words
    old = Verified(ok=False, count=6, broken_seq=7, reason="its previous-hash does not match")
    assert broken_in_words(old) == "Event #7 does not check out against the hash chain."
