"""`assistant models ...` and `assistant chat`: the model catalog and a terminal chat.

Heavy imports (inference runtimes, rich progress) happen inside the commands, so `assistant
--help` stays fast. Every typed error ends as one line on stderr and exit code 1.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path
from typing import NoReturn

import typer

from assistant.settings import get_settings

app = typer.Typer(
    help="The model catalog: list, pull and verify model files; build tiny test models.",
    no_args_is_help=True,
)

CATALOG_OPTION = typer.Option(
    None, "--catalog", help="Catalog file (default: models/catalog.toml)."
)
DIR_OPTION = typer.Option(
    None, "--models-dir", help="Where model files live (default: models/ under the data dir)."
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _models_dir(models_dir: Path | None) -> Path:
    return models_dir or get_settings().data_dir / "models"


def _catalog(path: Path | None) -> dict[str, object]:
    from inference.base import InferenceError
    from inference.catalog import load_catalog

    try:
        return dict(load_catalog(path))
    except InferenceError as exc:
        _fail(str(exc))


@app.command("list")
def list_models(
    catalog: Path | None = CATALOG_OPTION, models_dir: Path | None = DIR_OPTION
) -> None:
    """Show the catalog and which model files are present locally."""
    from rich.console import Console
    from rich.table import Table

    from inference.catalog import CatalogEntry, local_status

    entries = [e for e in _catalog(catalog).values() if isinstance(e, CatalogEntry)]
    directory = _models_dir(models_dir)
    table = Table(title=f"Models (files in {directory})")
    for column in ("name", "file", "context", "tools", "sha256", "local"):
        table.add_column(column)
    for status in local_status(entries, directory):
        entry = status.entry
        local = f"present ({status.size / 1e6:.1f} MB)" if status.present else "missing"
        table.add_row(
            entry.name,
            entry.gguf_file,
            str(entry.context_length),
            entry.tool_call_format,
            "verified" if entry.verified else "unverified",
            local,
        )
    Console(width=160).print(table)


@app.command("pull")
def pull_model(
    name: str = typer.Argument(..., help="Catalog name, e.g. qwen2.5-1.5b-instruct."),
    catalog: Path | None = CATALOG_OPTION,
    models_dir: Path | None = DIR_OPTION,
) -> None:
    """Download a model file (resumable) and check its sha256."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    from inference.base import InferenceError
    from inference.catalog import CatalogEntry, pull

    entry = _catalog(catalog).get(name)
    if not isinstance(entry, CatalogEntry):
        _fail(f"no model named {name!r} in the catalog (see: assistant models list)")
    columns = (TextColumn(entry.gguf_file), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("download", total=None)
        try:
            result = pull(
                entry,
                _models_dir(models_dir),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except InferenceError as exc:
            bar.stop()
            _fail(str(exc))
    state = "already present" if result.already_present else "downloaded"
    typer.echo(f"{state}: {result.path}")
    if result.verified:
        typer.echo(f"sha256 verified: {result.sha256}")
    else:
        typer.echo(
            f"checksum unverified: the catalog has no confirmed sha256 for {name}; "
            f"sha256 of this file: {result.sha256}"
        )


@app.command("verify")
def verify_models(
    catalog: Path | None = CATALOG_OPTION, models_dir: Path | None = DIR_OPTION
) -> None:
    """Re-check the sha256 of every model file present; exit 1 on a mismatch."""
    from inference.catalog import CatalogEntry, verify

    entries = [e for e in _catalog(catalog).values() if isinstance(e, CatalogEntry)]
    results = verify(entries, _models_dir(models_dir))
    for result in results:
        detail = f" sha256={result.sha256}" if result.sha256 else ""
        typer.echo(f"{result.status:<10} {result.entry.name} ({result.path}){detail}")
    if any(r.status == "mismatch" for r in results):
        _fail("checksum mismatch: delete the file and pull it again")


@app.command("make-tiny")
def make_tiny(
    directory: Path = typer.Argument(..., help="Output directory."),
    seed: int = typer.Option(0, help="Seed of the random weights."),
) -> None:
    """Build a tiny random-weight Llama (tiny.gguf and tiny-hf/) for tests and demos."""
    try:
        from inference.tiny import build_tiny_gguf, build_tiny_hf
    except ImportError as exc:
        _fail(f"make-tiny needs numpy and gguf: pip install 'clinic-copilot[llamacpp]' ({exc})")
    try:
        gguf_path = build_tiny_gguf(directory / "tiny.gguf", seed=seed)
    except ImportError as exc:
        _fail(f"make-tiny needs gguf: pip install 'clinic-copilot[llamacpp]' ({exc})")
    typer.echo(f"wrote {gguf_path}")
    try:
        hf_dir = build_tiny_hf(directory / "tiny-hf", seed=seed)
    except ImportError as exc:
        typer.echo(f"skipped the HF directory (pip install 'clinic-copilot[hf]'): {exc}", err=True)
        return
    typer.echo(f"wrote {hf_dir}")


@app.command("make-random")
def make_random_model(
    directory: Path = typer.Argument(..., help="Output directory."),
    like: str = typer.Option(
        ..., "--like", help="Architecture: qwen2.5-0.5b, qwen2.5-1.5b, qwen2.5-7b, llama-3.1-8b."
    ),
    quant: str | None = typer.Option(
        None, "--quant", help="q8_0 (GGUF default), f16 (HF default) or f32."
    ),
    fmt: str = typer.Option(
        "gguf", "--format", help="gguf (llama.cpp) or hf (transformers, vLLM)."
    ),
    seed: int = typer.Option(0, help="Seed of the random weights."),
) -> None:
    """Build a random-weight model with a named model's real shape and size, for speed and
    memory benchmarks without a model hub (its replies are noise: tables say so)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        from inference.random_models import architecture, make_random
    except ImportError as exc:
        _fail(f"make-random needs numpy and gguf: pip install 'clinic-copilot[llamacpp]' ({exc})")
    try:
        arch = architecture(like)
    except ValueError as exc:
        _fail(str(exc))
    columns = (TextColumn(f"{like} ({arch.parameters / 1e9:.2f}B)"), BarColumn(),
               MofNCompleteColumn(), TextColumn("tensors"))  # fmt: skip
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("build", total=None)
        try:
            path = make_random(
                like, directory, fmt=fmt, quant=quant, seed=seed,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
        except ValueError as exc:
            bar.stop()
            _fail(str(exc))
        except ImportError as exc:
            bar.stop()
            extra = "hf" if fmt == "hf" else "llamacpp"
            _fail(f"make-random --format {fmt} needs {exc.name}: pip install "
                  f"'clinic-copilot[{extra}]'")  # fmt: skip
        except OSError as exc:
            bar.stop()
            _fail(f"cannot write {directory}: {exc}")
    typer.echo(f"wrote {path} ({arch.parameters:,} parameters, random weights)")


def chat_command(
    message: str = typer.Argument(..., help="What to say to the model."),
    engine: str | None = typer.Option(None, "--engine", help="Engine (default: settings)."),
    model: str | None = typer.Option(None, "--model", help="GGUF path, HF dir or model name."),
    max_tokens: int = typer.Option(256, "--max-tokens", min=1, help="Reply length limit."),
    temperature: float = typer.Option(0.7, "--temperature", min=0.0, help="Sampling temperature."),
    seed: int | None = typer.Option(None, "--seed", help="Seed for reproducible sampling."),
) -> None:
    """Send one message to the configured (or given) engine and stream the reply."""
    from assistant.llm import engine_config
    from inference.base import ChatRequest, InferenceError

    config = engine_config(get_settings())
    config = dataclasses.replace(
        config, engine=engine or config.engine, model=model or config.model, max_tokens=max_tokens
    )
    request = ChatRequest(
        [{"role": "user", "content": message}],
        max_tokens=max_tokens,
        temperature=temperature,
        seed=seed,
    )
    try:
        asyncio.run(_chat(config, request))
    except InferenceError as exc:
        _fail(str(exc))


async def _chat(config: object, request: object) -> None:
    from inference.base import ChatRequest, EngineUnavailable, TextDelta, ToolCall
    from inference.config import EngineConfig
    from inference.registry import create_engine, select_engine

    assert isinstance(config, EngineConfig) and isinstance(request, ChatRequest)
    engine = create_engine(config)
    if engine is None:
        raise EngineUnavailable(f"no engine: {select_engine(config)[1]}")
    await engine.start()
    try:
        async for event in engine.stream(request):
            if isinstance(event, TextDelta):
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, ToolCall):
                sys.stdout.write(f"\n[tool call] {event.name} {json.dumps(event.arguments)}\n")
        sys.stdout.write("\n")
    finally:
        await engine.close()
