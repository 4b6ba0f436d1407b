"""The dock's server-rendered fragments: sanitised replies, cards, the welcome, ownership."""

from __future__ import annotations

import re
from typing import Any

from markupsafe import escape

from assistant.chat import templates
from assistant.commands import ParseResult
from assistant.commands.result import Candidate
from inference.scripted import ScriptedReply
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member
from tests.plugins.chat import turn
from tests.plugins.records import Records

HOSTILE = (
    "Here you go: <script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[click me](javascript:alert(3)) <!-- a hidden comment --> **bold** [docs](https://example.com)"
)


async def fragment(chat: ChatHarness, member: Member, url: str) -> tuple[int, str]:
    response = await chat.http.get(url, headers=member.headers)
    return response.status_code, response.text


async def test_a_hostile_reply_renders_as_inert_sanitised_html(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    member = staff["practitioner"]
    chat.script.append(ScriptedReply(text=HOSTILE))
    events = await turn(chat.http, member, "say something hostile")
    conversation_id = events[0].data["conversation_id"]
    status, html = await fragment(chat, member, f"/dock/conversations/{conversation_id}")
    assert status == 200, html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">docs</a>' in html
    assert not re.search(r"<(script|img|iframe)\b", html, re.IGNORECASE)
    assert "javascript:" not in " ".join(re.findall(r'href="[^"]*"', html))
    assert "<!--" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "markup in a reply shows as text"
    assert "say something hostile" in html


async def test_an_action_is_a_card_linking_each_record_it_touched(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    member = staff["practitioner"]
    contact = await Records(chat.http, member).contact(first_name="Jane")  # type: ignore[arg-type]
    message = "add a note: prefers mornings"
    chat.parser.outcomes[message] = ParseResult(
        intent="notes.add",
        confidence=0.98,
        path="classifier",
        args={"body": "prefers mornings"},
        resolved={"contact_id": contact["id"], "body": "prefers mornings"},
    )
    events = await turn(chat.http, member, message, page="contact", contact_id=contact["id"])
    [result] = [e.data for e in events if e.event == "action.result"]
    assert result["summary"] == f"Added a note to {contact['full_name']}'s record"
    note = next(r for r in result["records"] if r["type"] == "note")
    conversation_id, since = events[0].data["conversation_id"], events[0].data["message_id"]
    until = events[-1].data["message_id"]
    await turn(chat.http, member, "and another thing", conversation_id)  # stored after it
    url = f"/dock/conversations/{conversation_id}?since={since}&until={until}"
    status, html = await fragment(chat, member, url)
    assert status == 200, html
    assert "another thing" not in html, "one turn only"
    assert f'aria-label="Added a note to {contact["full_name"]}&#39;s record"' in html
    assert f'href="/contacts/{contact["id"]}"' in html and f'href="/notes/{note["id"]}"' in html
    assert html.count("<article") == 1


async def test_a_question_offers_its_candidates_as_buttons(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    member = staff["owner"]
    chat.parser.outcomes["add a note to Sam: knee better"] = ParseResult(
        intent="notes.add",
        path="clarify",
        question="Which Sam? 1. Sam Lee 2. Sam Patel",
        candidates=[Candidate(id=1, label="Sam Lee"), Candidate(id=2, label="Sam Patel")],
    )
    events = await turn(chat.http, member, "add a note to Sam: knee better")
    status, html = await fragment(
        chat, member, f"/dock/conversations/{events[0].data['conversation_id']}"
    )
    assert status == 200
    assert (
        '<button type="button" class="dock-chip" data-dock-say="Sam Patel">Sam Patel</button>'
        in html
    )


async def test_another_users_conversation_is_not_found(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    events = await turn(chat.http, staff["owner"], "hello")
    conversation_id = events[0].data["conversation_id"]
    status, _ = await fragment(chat, staff["viewer"], f"/dock/conversations/{conversation_id}")
    assert status == 404
    status, listed = await fragment(chat, staff["viewer"], "/dock/conversations?q=hello")
    assert status == 200 and f'data-dock-open="{conversation_id}"' not in listed


async def test_the_welcome_says_commands_work_without_a_model(
    client: Any, staff: dict[str, Member]
) -> None:
    response = await client.get("/dock/intro", headers=staff["front_desk"].headers)
    assert response.status_code == 200
    html = response.text
    assert templates.NO_MODEL in html and str(escape(templates.ENABLE_LINE)) in html
    assert "book Sam Lee" in html and "add a note" not in html, "only what the role may ask"
