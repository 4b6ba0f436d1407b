""" "undo that" in a chat turn: a rule before the parser undoes the conversation's last turn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from assistant import compose
from assistant.chat import undoing
from assistant.commands import ParseResult
from assistant.db.models import Action, Note, Tag, User
from assistant.procedures.context import Origin, Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import turn
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records


@pytest.mark.parametrize(
    "text",
    ["undo that", "Undo that!", "take that back", "please undo the last change", "undo"],
)
def test_the_rule_hears_undo(text: str) -> None:
    assert undoing.asks(text)


@pytest.mark.parametrize(
    "text", ["undo the note I added to Jane last week", "how do I undo a merge?", "cancel"]
)
def test_the_rule_leaves_other_messages_to_the_parser(text: str) -> None:
    assert not undoing.asks(text)


async def test_undo_that_undoes_the_last_action(
    chat: ChatHarness, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["practitioner"]
    contact = await Records(chat.http, member).contact(first_name="Undine")  # type: ignore[arg-type]
    message = f"add a note to {contact['full_name']}: said too much"
    chat.parser.outcomes[message] = ParseResult(
        intent="notes.add",
        confidence=0.98,
        path="classifier",
        args={"contact": contact["full_name"], "body": "said too much"},
        resolved={"contact_id": contact["id"], "body": "said too much"},
    )
    first = await turn(chat.http, member, message)
    [added] = [e.data for e in first if e.event == "action.result"]
    assert added["ok"] and isinstance(added["action_id"], int)
    assert added["undo"]["available"] is True and added["undo"]["until"]
    conversation_id = first[0].data["conversation_id"]
    note_id = next(r["id"] for r in added["records"] if r["type"] == "note")

    second = await turn(chat.http, member, "undo that", conversation_id)
    calls = [e.data for e in second if e.event == "tool.call"]
    assert calls == [
        {"procedure": "actions.undo", "args": {"actions": "the last turn's"},
         "resolved": {"action_ids": [added["action_id"]]}}
    ]  # fmt: skip
    [undone] = [e.data for e in second if e.event == "action.result"]
    assert undone["ok"] and undone["summary"] == "Undone: removed the note"
    assert undone["undo"]["available"] is False
    assert ("parse", "undo that", None) not in chat.parser.calls  # the rule, not the parser
    async with runtime.sessions() as session:
        assert await session.get(Note, note_id) is None

    third = await turn(chat.http, member, "take that back", conversation_id)
    said = "".join(e.data["text"] for e in third if e.event == "message.delta")
    assert said == undoing.NOTHING
    assert not [e for e in third if e.event == "action.result"]


async def test_undo_that_undoes_a_turn_as_one_group_newest_first(
    chat: ChatHarness, staff: dict[str, Member], runtime: Runtime
) -> None:
    """Two actions recorded for one user message (a turn that did two things) go together."""
    member = staff["front_desk"]
    records = Records(chat.http, member)  # type: ignore[arg-type]
    contact = await records.contact()
    message = f"tag {contact['full_name']} as grouped-a"
    chat.parser.outcomes[message] = ParseResult(
        intent="tags.add", confidence=0.98, path="classifier",
        args={"contact": contact["full_name"], "tag": "grouped-a"},
        resolved={"contact_id": contact["id"], "tag": "grouped-a"},
    )  # fmt: skip
    first = await turn(chat.http, member, message)
    conversation_id = first[0].data["conversation_id"]
    user_message_id = first[0].data["message_id"]
    # A second call of the same turn, as the executor records it for that message.
    async with runtime.sessions() as session:
        user = await session.get(User, member.user_id)
    assert user is not None
    executor = Executor(runtime, compose.procedures())
    await executor.call(
        Principal.of(user), "tags.add", {"contact_id": contact["id"], "tag": "grouped-b"},
        source="chat", origin=Origin(conversation_id, user_message_id),
    )  # fmt: skip

    second = await turn(chat.http, member, "undo that", conversation_id)
    [call] = [e.data for e in second if e.event == "tool.call"]
    ids = call["resolved"]["action_ids"]
    assert len(ids) == 2 and ids == sorted(ids, reverse=True)
    [undone] = [e.data for e in second if e.event == "action.result"]
    assert undone["summary"] == "Undone: took the tag off; took the tag off"
    async with runtime.sessions() as session:
        names = set((await session.exec(select(Tag.name))).all())
    assert not {"grouped-a", "grouped-b"} & names


async def test_an_approved_merge_from_the_chat_is_undone_from_its_card_or_by_undo_that(
    chat: ChatHarness, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    records = Records(chat.http, desk)  # type: ignore[arg-type]
    keep, dup = await records.contact(), await records.contact()
    message = f"merge {dup['full_name']} into {keep['full_name']}"
    chat.parser.outcomes[message] = ParseResult(
        intent="contacts.merge", confidence=0.97, path="classifier",
        args={"contact": keep["full_name"], "duplicate": dup["full_name"]},
        resolved={"contact_id": keep["id"], "duplicate_id": dup["id"]},
    )  # fmt: skip
    events = await turn(chat.http, desk, message)
    conversation_id = events[0].data["conversation_id"]
    [required] = [e.data for e in events if e.event == "approval.required"]
    approval_id = required["approval_id"]
    approved = await chat.http.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"

    card = await chat.http.get(f"/dock/conversations/{conversation_id}", headers=desk.headers)
    assert card.status_code == 200
    assert f'aria-label="Undo approval request #{approval_id}"' in card.text

    undone = await turn(chat.http, desk, "undo that", conversation_id)
    [result] = [e.data for e in undone if e.event == "action.result"]
    assert result["ok"], result
    assert result["summary"] == "Undone: split the merged contacts back apart"
    back = await chat.http.post(
        "/api/rpc/contacts.get", json={"contact_id": dup["id"]}, headers=desk.headers
    )
    assert back.status_code == 200 and back.json()["full_name"] == dup["full_name"]
    card = await chat.http.get(f"/dock/conversations/{conversation_id}", headers=desk.headers)
    assert f'aria-label="Undo approval request #{approval_id}"' not in card.text


def _note_outcome(chat: ChatHarness, contact: dict[str, object], body: str) -> str:
    message = f"add a note to {contact['full_name']}: {body}"
    chat.parser.outcomes[message] = ParseResult(
        intent="notes.add", confidence=0.98, path="classifier",
        args={"contact": contact["full_name"], "body": body},
        resolved={"contact_id": contact["id"], "body": body},
    )  # fmt: skip
    return message


async def test_take_that_back_first_in_a_conversation_touches_no_other_conversation(
    chat: ChatHarness, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["practitioner"]
    contact = await Records(chat.http, member).contact()  # type: ignore[arg-type]
    first = await turn(chat.http, member, _note_outcome(chat, contact, "elsewhere"))
    [added] = [e.data for e in first if e.event == "action.result"]
    note_id = next(r["id"] for r in added["records"] if r["type"] == "note")

    fresh = await turn(chat.http, member, "take that back")  # a new conversation
    assert fresh[0].data["conversation_id"] != first[0].data["conversation_id"]
    said = "".join(e.data["text"] for e in fresh if e.event == "message.delta")
    assert said == undoing.NOTHING
    assert not [e for e in fresh if e.event in ("tool.call", "action.result")]
    async with runtime.sessions() as session:
        assert await session.get(Note, note_id) is not None


async def test_undo_that_after_a_call_still_waiting_does_not_reach_past_it(
    chat: ChatHarness, staff: dict[str, Member], runtime: Runtime
) -> None:
    """The last action is the one waiting for approval: "undo that" says it has not run,
    and the note added a turn earlier stays."""
    desk = staff["practitioner"]
    records = Records(chat.http, desk)  # type: ignore[arg-type]
    keep, dup = await records.contact(), await records.contact()
    first = await turn(chat.http, desk, _note_outcome(chat, keep, "kept note"))
    conversation_id = first[0].data["conversation_id"]
    [added] = [e.data for e in first if e.event == "action.result"]
    note_id = next(r["id"] for r in added["records"] if r["type"] == "note")
    message = f"merge {dup['full_name']} into {keep['full_name']}"
    chat.parser.outcomes[message] = ParseResult(
        intent="contacts.merge", confidence=0.97, path="classifier",
        args={"contact": keep["full_name"], "duplicate": dup["full_name"]},
        resolved={"contact_id": keep["id"], "duplicate_id": dup["id"]},
    )  # fmt: skip
    waiting = await turn(chat.http, desk, message, conversation_id)
    assert [e for e in waiting if e.event == "approval.required"]

    undone = await turn(chat.http, desk, "undo that", conversation_id)
    [result] = [e.data for e in undone if e.event == "action.result"]
    assert not result["ok"] and "did not run (pending)" in str(result), result
    async with runtime.sessions() as session:
        assert await session.get(Note, note_id) is not None


async def test_undo_that_after_the_window_closed_says_so_in_words(
    chat: ChatHarness, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["practitioner"]
    contact = await Records(chat.http, member).contact(first_name="Tardy")  # type: ignore[arg-type]
    message = f"add a note to {contact['full_name']}: late"
    chat.parser.outcomes[message] = ParseResult(
        intent="notes.add",
        confidence=0.98,
        path="classifier",
        args={"contact": contact["full_name"], "body": "late"},
        resolved={"contact_id": contact["id"], "body": "late"},
    )
    first = await turn(chat.http, member, message)
    [added] = [e.data for e in first if e.event == "action.result"]
    async with runtime.sessions() as session, session.begin():
        row = await session.get(Action, added["action_id"])
        assert row is not None
        row.undo_until = runtime.clock.now() - timedelta(seconds=1)
        session.add(row)

    second = await turn(chat.http, member, "undo that", first[0].data["conversation_id"])
    said = "".join(e.data["text"] for e in second if e.event == "message.delta")
    assert said == (
        f"I could not undo that: action {added['action_id']} cannot be undone: "
        "the undo window has closed"
    )
