"""benchmarks/abuse/run.py runs end to end against a served app and writes its reports."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import serve_in_process

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "abuse" / "run.py"


async def test_the_abuse_benchmark_writes_json_and_markdown(
    app_settings: Settings, staff: dict[str, Member], tmp_path: Path
) -> None:
    async with serve_in_process(create_app(app_settings, engine=None)) as base:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SCRIPT), "--url", base, "--token", staff["owner"].token,
            "--repeat", "1", "--out", str(tmp_path),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(process.communicate(), 240)
    assert process.returncode == 0, output.decode()
    report = json.loads((tmp_path / "abuse.json").read_text())
    accepted = {kind: r["status"] for kind, r in report["results"].items()}
    assert accepted["request body (ASSISTANT_API_MAX_BODY_BYTES)"] == [200]
    assert accepted["note body (10,000 characters)"] == [200]
    assert all(r["healthz_samples"] >= 1 for r in report["results"].values())
    assert "| input |" in (tmp_path / "abuse.md").read_text()
