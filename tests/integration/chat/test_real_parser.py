"""Chat turns through the real hybrid parser and the (fast) trained classifier, no LLM:
the classifier decides, and a question about two contacts of one name is answered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import serve_in_process, turn
from tests.plugins.nlu import nlu_model_dir  # noqa: F401  (fixture)
from tests.plugins.records import Records

pytestmark = pytest.mark.slow
pytest.importorskip("assistant.commands", reason="the hybrid parser is not installed")


@pytest.fixture(scope="module")
async def http(
    app_settings: Settings,
    nlu_model_dir: Path,  # noqa: F811
) -> AsyncIterator[httpx.AsyncClient]:
    from assistant.chat.parsing import CommandParserAdapter
    from assistant.clock import SystemClock
    from assistant.commands import CommandParser
    from assistant.db.engine import create_engine, session_factory
    from assistant.nlu.model import NLUModel
    from assistant.procedures.registry import load_registry

    # The fast test model is weakly calibrated: a lower threshold lets it decide the obvious
    # commands these tests send (the full model's own threshold is tested in its suite).
    nlu = NLUModel(nlu_model_dir, threshold=0.3)
    db = create_engine(app_settings.database_url)
    parser = CommandParser(nlu, None, load_registry(), session_factory(db), SystemClock())
    app = create_app(
        app_settings, engine=None, parser=CommandParserAdapter(parser, "hybrid: classifier (test)")
    )
    try:
        async with (
            serve_in_process(app) as base,
            httpx.AsyncClient(base_url=base, timeout=30) as c,
        ):
            yield c
    finally:
        await db.dispose()


async def test_classifier_decides_before_any_llm_work(
    http: httpx.AsyncClient, staff: dict[str, Member]
) -> None:
    member = staff["practitioner"]
    ready = (await http.get("/readyz", headers=staff["owner"].headers)).json()
    assert ready["engine"] == "none: disabled" and "classifier" in ready["parser"]
    last = f"Okafor{uuid.uuid4().hex[:4]}"
    contact = await Records(http, member).contact(first_name="Jane", last_name=last)  # type: ignore[arg-type]
    body = {"message": f"add a note to Jane {last}: prefers morning sessions"}
    events = await turn(http, member, body["message"])
    kinds = [e.event for e in events]
    # The call is the first thing after the turn starts: nothing was generated before it.
    assert kinds[:3] == ["turn.start", "tool.call", "action.result"], kinds
    assert kinds[-1] == "message.done"
    call = events[1].data
    assert call["procedure"] == "notes.add" and call["resolved"]["contact_id"] == contact["id"]
    assert events[2].data["ok"] is True
    notes = await Records(http, member).rpc("notes.list", contact_id=contact["id"])  # type: ignore[arg-type]
    assert notes["total"] == 1 and "morning" in notes["items"][0]["body"]


async def test_which_sam_then_the_second_one(
    http: httpx.AsyncClient, staff: dict[str, Member]
) -> None:
    member = staff["owner"]
    records = Records(http, member)  # type: ignore[arg-type]
    first = "Samira"  # a realistic name: the fast NER model is trained on real ones
    a = await records.contact(first_name=first, last_name="Patel")
    b = await records.contact(first_name=first, last_name="Lee")
    events = await turn(http, member, f"add a note to {first}: knee is better")
    conversation_id = events[0].data["conversation_id"]
    for _ in range(3):  # the fast classifier may first ask which procedure was meant
        assert events[-1].event == "message.done", events[-1]
        if events[-1].data["finish_reason"] != "question":
            break
        question = "".join(e.data["text"] for e in events if e.event == "message.delta")
        if "Patel" in question and "Lee" in question:
            second = b if question.index("Lee") > question.index("Patel") else a
            events = await turn(http, member, "the second one", conversation_id)
            call = next(e for e in events if e.event == "tool.call")
            assert call.data["resolved"]["contact_id"] == second["id"]
            assert next(e for e in events if e.event == "action.result").data["ok"] is True
            return
        assert "Add a clinical note" in question, question
        number = question.split("Add a clinical note")[0].rstrip(". ").split()[-1]
        events = await turn(http, member, number, conversation_id)
    pytest.fail(f"never asked which {first}: {events}")
