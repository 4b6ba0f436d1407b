"""`assistant parse`: readable and JSON output, stdin mode, no database, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.parse import parse_command
from assistant.commands.result import CONTRACT_FIELDS
from tests.plugins.commands import Clinic

NOW = ["--now", "2025-03-08T12:00:00", "--tz", "America/New_York"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, nlu_model_dir: Path) -> typer.Typer:
    for key, value in {
        "ASSISTANT_DATA_DIR": str(tmp_path),
        "ASSISTANT_NLU_MODEL_DIR": str(nlu_model_dir),
        "ASSISTANT_ENGINE": "none",
        "ASSISTANT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'absent.sqlite'}",
    }.items():
        monkeypatch.setenv(key, value)
    app = typer.Typer()
    app.command("parse")(parse_command)
    return app


def run(app: typer.Typer, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_json_output_has_the_contract_fields(cli: typer.Typer, tmp_path: Path) -> None:
    code, out, _ = run(cli, "merge Jon Smith into John Smith", "--json", *NOW)
    assert code == 0
    data = json.loads(out)
    assert set(CONTRACT_FIELDS) <= set(data) <= {*CONTRACT_FIELDS, "candidates"}
    assert data["path"] in ("classifier", "llm", "clarify")
    assert data["resolved"] is None  # no database configured
    assert not (tmp_path / "absent.sqlite").exists()  # and none was created
    if data["path"] == "classifier":
        assert data["args"] == {"duplicate": "Jon Smith", "contact": "John Smith"}


def test_resolved_carries_ids_when_the_database_is_there(
    cli: typer.Typer, clinic: Clinic, commands_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not commands_db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the CLI")
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", commands_db_url)
    code, out, _ = run(cli, "merge Jon Smith into John Smith", "--json", *NOW)
    data = json.loads(out)
    assert code == 0
    if data["path"] == "classifier":
        assert data["resolved"] == {
            "contact_id": clinic.contacts["John Smith"],
            "duplicate_id": clinic.contacts["Jon Smith"],
        }


def test_parses_as_the_named_user_in_their_timezone(
    cli: typer.Typer, clinic: Clinic, commands_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real account, not a stand-in: the viewer's role and New York timezone apply (no --tz)."""
    if not commands_db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the CLI")
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", commands_db_url)
    viewer = ["--user", "viewer@clinic.example.com", "--now", "2025-03-08T17:00:00+00:00"]
    code, out, _ = run(cli, "what's on my schedule friday?", "--json", *viewer)
    assert code == 0
    data = json.loads(out)
    assert data["intent"] == "appointments.list"
    assert data["resolved"]["date_from"] == "2025-03-14T00:00:00-04:00"
    code, out, _ = run(cli, "add a note to Jane Doe: prefers morning sessions", "--json", *viewer)
    assert code == 0
    data = json.loads(out)
    assert data["resolved"] is None and data["question"]  # a viewer writes no notes


@pytest.mark.parametrize(
    ("with_db", "user", "message"),
    [
        (True, "nobody@clinic.example.com", "error: --user: no active user"),
        (False, "owner@clinic.example.com", "error: --user needs the database"),
    ],
)
def test_an_unknown_user_is_a_one_line_error(
    cli: typer.Typer,
    clinic: Clinic,
    commands_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    with_db: bool,
    user: str,
    message: str,
) -> None:
    if not commands_db_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the CLI")
    if with_db:
        monkeypatch.setenv("ASSISTANT_DATABASE_URL", commands_db_url)
    code, out, err = run(cli, "thanks!", "--user", user, *NOW)
    assert code == 1
    assert err.startswith(message) and "Traceback" not in err + out


def test_readable_output(cli: typer.Typer) -> None:
    code, out, _ = run(cli, "thanks!", *NOW)
    assert code == 0
    assert out.startswith("intent:") and "resolved:  null" in out


def test_stdin_mode_prints_one_json_object_per_line(cli: typer.Typer) -> None:
    lines = "book Sam Lee for next Tuesday at 3pm\n\nthanks!\nwhat's on my schedule friday?\n"
    code, out, _ = run(cli, "--json", "-", *NOW, stdin=lines)
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 3
    for result in results:
        assert result["path"] in ("classifier", "llm", "clarify")
        if result["intent"] == "appointments.book" and result["path"] == "classifier":
            assert result["args"]["starts_at"] == "2025-03-11T15:00:00-04:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hi", "--tz", "Mars/Olympus"], "error: --tz: unknown timezone 'Mars/Olympus'"),
        (["hi", "--now", "yesterday-ish"], "error: --now: 'yesterday-ish' is not an ISO 8601"),
    ],
)
def test_bad_flags_are_one_line_errors(cli: typer.Typer, args: list[str], message: str) -> None:
    code, out, err = run(cli, *args)
    assert code == 1
    assert err.startswith(message) and "Traceback" not in err + out


def test_a_missing_nlu_model_says_how_to_build_it(
    cli: typer.Typer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ASSISTANT_NLU_MODEL_DIR", str(tmp_path / "no-model"))
    code, _out, err = run(cli, "hi")
    assert code == 1
    assert err.strip().splitlines() == [
        f"error: no NLU model at {tmp_path / 'no-model'}; run `assistant nlu build` first "
        "(or configure an engine)"
    ]
