"""From the chat under a clinic policy of `confirm`: the turn proposes, the card confirms."""

from __future__ import annotations

from assistant.chat.events import FIELDS
from assistant.commands import ParseResult
from assistant.procedures.executor import Executor
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import turn
from tests.plugins.policies import clinic_policy
from tests.plugins.records import Records


async def test_a_confirm_turn_ends_waiting_and_the_card_runs_it(
    chat: ChatHarness, staff: dict[str, Member], executor: Executor
) -> None:
    member = staff["practitioner"]
    records = Records(chat.http, member)  # type: ignore[arg-type]
    contact = await records.contact(first_name="Confirma")
    message = "add a note to Confirma: prefers mornings"
    chat.parser.outcomes[message] = ParseResult(
        intent="notes.add",
        confidence=0.98,
        path="classifier",
        args={"contact": contact["full_name"], "body": "prefers mornings"},
        resolved={"contact_id": contact["id"], "body": "prefers mornings"},
    )
    async with clinic_policy(executor, "notes.add", "confirm"):
        events = await turn(chat.http, member, message)
        kinds = [e.event for e in events]
        assert kinds == ["turn.start", "tool.call", "confirm.required", "message.delta",
                         "message.done"]  # fmt: skip
        required = events[2].data
        # The contract (DESIGN.md section 6 as issue 18 extends it), written out by hand.
        assert set(required) == {"action_id", "procedure", "summary", "impact", "expires_at"}
        assert set(FIELDS["confirm.required"]) == set(required)
        assert required["procedure"] == "notes.add"
        assert required["impact"] == {"counts": {"contact": 1}}
        assert contact["full_name"] not in str(required)  # ids and counts only
        assert events[-1].data["finish_reason"] == "confirm"
        assert "confirm" in events[3].data["text"].lower()
        listed = await records.rpc("notes.list", contact_id=contact["id"])
        assert listed["items"] == []

        conversation_id = events[0].data["conversation_id"]
        html = (await chat.http.get(f"/dock/conversations/{conversation_id}",
                                    headers=member.headers)).text  # fmt: skip
        assert f'data-action-id="{required["action_id"]}"' in html
        assert ">Confirm</button>" in html and ">Cancel</button>" in html
        assert contact["full_name"] in html  # the preview, read by this authorised request
        other = await chat.http.get(f"/dock/actions/{required['action_id']}",
                                    headers=staff["front_desk"].headers)  # fmt: skip
        assert other.status_code == 404  # not theirs (owners read everyone's)

        done = await chat.http.post(f"/api/actions/{required['action_id']}/confirm",
                                    headers=member.headers)  # fmt: skip
        assert done.status_code == 200 and done.json()["status"] == "done"
        card = (await chat.http.get(f"/dock/actions/{required['action_id']}",
                                    headers=member.headers)).text  # fmt: skip
        assert "status--done" in card and ">Confirm</button>" not in card
    listed = await records.rpc("notes.list", contact_id=contact["id"])
    assert [n["body"] for n in listed["items"]] == ["prefers mornings"]
