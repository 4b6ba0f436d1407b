"""assistant/cli/models.py through typer's CliRunner: models list/verify/pull/make-tiny and
`chat --engine llamacpp`."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli import models

pytestmark = pytest.mark.slow


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "var"))
    for name in ("ASSISTANT_ENGINE", "ASSISTANT_MODEL", "ASSISTANT_OPENAI_BASE_URLS"):
        monkeypatch.delenv(name, raising=False)
    app = typer.Typer()
    app.add_typer(models.app, name="models")
    app.command("chat")(models.chat_command)
    return app


def run(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_models_list_shows_the_catalog_and_local_state(cli: typer.Typer) -> None:
    code, out, _ = run(cli, "models", "list")
    assert code == 0
    assert "qwen2.5-1.5b-instruct" in out and "llama-3.1-8b-instruct" in out
    assert "missing" in out and "unverified" in out


def test_models_verify_reports_files(cli: typer.Typer, tmp_path: Path) -> None:
    directory = tmp_path / "models"
    directory.mkdir()
    (directory / "qwen2.5-0.5b-instruct-q4_k_m.gguf").write_bytes(b"weights")
    code, out, _ = run(cli, "models", "verify", "--models-dir", str(directory))
    assert code == 0
    assert "unverified qwen2.5-0.5b-instruct" in " ".join(out.split())
    assert "missing" in out


def test_models_verify_fails_on_a_mismatch(cli: typer.Typer, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        '[models.t]\ndescription=""\nhf_id="a/b"\ngguf_file="t.gguf"\n'
        f'url="http://127.0.0.1:9/t.gguf"\nsha256="{"0" * 64}"\n'
        'context_length=2048\ntool_call_format="hermes"\n'
    )
    (tmp_path / "t.gguf").write_bytes(b"x")
    code, out, err = run(
        cli, "models", "verify", "--catalog", str(catalog), "--models-dir", str(tmp_path)
    )
    assert code == 1 and "mismatch" in out and err.startswith("error: checksum mismatch")
    code, _, err = run(
        cli, "models", "pull", "t", "--catalog", str(catalog), "--models-dir", str(tmp_path / "new")
    )
    assert code == 1 and err.startswith("error: no network: cannot reach 127.0.0.1")
    assert "Traceback" not in err


def test_pull_of_an_unknown_model_names_it(cli: typer.Typer) -> None:
    code, _, err = run(cli, "models", "pull", "gpt-9")
    assert code == 1 and "no model named 'gpt-9'" in err


def test_make_tiny_writes_gguf_and_hf(cli: typer.Typer, tmp_path: Path) -> None:
    code, out, _ = run(cli, "models", "make-tiny", str(tmp_path / "tiny"))
    assert code == 0, out
    assert (tmp_path / "tiny" / "tiny.gguf").stat().st_size > 100_000
    assert (tmp_path / "tiny" / "tiny-hf" / "model.safetensors").is_file()
    assert (tmp_path / "tiny" / "tiny-hf" / "tokenizer.json").is_file()


def test_chat_streams_tokens_from_llamacpp(cli: typer.Typer, tiny_gguf: Path) -> None:
    pytest.importorskip("llama_cpp")
    code, out, err = run(
        cli,
        "chat",
        "--engine",
        "llamacpp",
        "--model",
        str(tiny_gguf),
        "--max-tokens",
        "12",
        "--seed",
        "1",
        "hello",
    )
    assert code == 0, err
    assert len(out.strip("\n")) > 0


def test_chat_with_a_missing_model_is_one_clear_line(cli: typer.Typer, tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    code, _, err = run(cli, "chat", "--engine", "llamacpp", "--model", str(missing), "hi")
    assert code == 1 and err.strip() == f"error: model file not found: {missing}"


def test_chat_without_an_engine_says_why(cli: typer.Typer) -> None:
    code, _, err = run(cli, "chat", "hi")
    assert code == 1 and "no model configured" in err
