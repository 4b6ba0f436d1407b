"""A benchmark's result: one JSON file (validated against benchmarks/result.schema.json), a
Markdown table, a table on the terminal and PNG plots, all in `--out DIR`.

    report = Report("serve", "Serving: engine vs server", environment=env.capture(...),
                    parameters={...}, columns=[Column("TTFT p50 ms", "ttft_ms.p50"), ...])
    report.add("concurrency 1", params={"concurrency": 1}, metrics=serving_metrics(...))
    paths = report.write(out_dir, plots=[Plot("ttft.png", lambda p: plots.bars(p, ...))])
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "result.schema.json"
RANDOM_NOTE = (
    "Weights were random (assistant models make-random): these are speed and memory figures "
    "for the model's real shape, never quality figures."
)


class InvalidResult(ValueError):
    """A result document does not match benchmarks/result.schema.json."""


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return schema


def validate(document: dict[str, Any]) -> None:
    """Raise InvalidResult naming the first mismatch (needs `jsonschema`, in the dev extra)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    error = next(iter(sorted(validator.iter_errors(document), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        raise InvalidResult(f"{where}: {error.message}")


def lookup(row: dict[str, Any], key: str) -> Any:
    """A dotted path into {label, params..., metrics...}: "ttft_ms.p50", "params.concurrency"."""
    value: Any = row
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: header, dotted key into a result's metrics (or "label", "params.x"),
    and a format for numbers."""

    header: str
    key: str
    fmt: str = "{:.1f}"

    def cell(self, result: Result) -> str:
        row = {"label": result.label, "params": result.params, **result.metrics}
        value = lookup(row, self.key)
        if value is None:
            return "-"
        if isinstance(value, list) and value and all(_number(v) for v in value):  # an interval
            return " to ".join(self.fmt.format(v) for v in value)
        if not _number(value):
            return str(value)
        return self.fmt.format(value)


@dataclass(slots=True)
class Result:
    label: str
    params: dict[str, Any]
    metrics: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Plot:
    """A PNG under --out: `render(path)` draws it (see benchmarks.common.plots)."""

    filename: str
    render: Callable[[Path], None]


@dataclass(slots=True)
class Report:
    benchmark: str
    title: str
    environment: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)
    columns: Sequence[Column] = ()
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    command: str = ""
    """The command line; default: `assistant bench <benchmark> -- <this script's arguments>`."""
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def __post_init__(self) -> None:
        if not self.command:
            self.command = shlex.join(["assistant", "bench", self.benchmark, "--", *sys.argv[1:]])

    def add(self, label: str, *, params: dict[str, Any], metrics: dict[str, Any]) -> Result:
        result = Result(label, params, metrics)
        self.results.append(result)
        return result

    @property
    def random_weights(self) -> bool | None:
        model = self.environment.get("model") or {}
        flag = model.get("random_weights")
        return None if flag is None else bool(flag)

    def all_notes(self) -> list[str]:
        return ([RANDOM_NOTE] if self.random_weights else []) + self.notes

    def to_json(self, files: dict[str, Any] | None = None) -> dict[str, Any]:
        document: dict[str, Any] = {
            "schema_version": 1,
            "benchmark": self.benchmark,
            "title": self.title,
            "created": self.created,
            "command": self.command,
            "environment": self.environment,
            "random_weights": self.random_weights,
            "parameters": self.parameters,
            "results": [
                {"label": r.label, "params": r.params, "metrics": r.metrics} for r in self.results
            ],
            "notes": self.all_notes(),
        }
        if files:
            document["files"] = files
        return document

    def rows(self) -> list[list[str]]:
        return [[c.cell(r) for c in self.columns] for r in self.results]

    def markdown(self) -> str:
        env = self.environment
        cpu = env.get("cpu", {})
        model = env.get("model") or {}
        lines = [f"# {self.title}", ""]
        lines += [f"> **{note}**" if note == RANDOM_NOTE else f"> {note}"
                  for note in self.all_notes()]  # fmt: skip
        if self.all_notes():
            lines.append("")
        headers = [c.header for c in self.columns]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "|".join("---" for _ in headers) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows()]
        size = model.get("size_bytes")
        gpu = ", ".join(g.get("name", "?") for g in env.get("gpus", [])) or "none"
        lines += [
            "",
            f"Command: `{self.command}`",
            "",
            f"Machine: {cpu.get('model')} ({cpu.get('logical_cores')} logical cores, load "
            f"{', '.join(f'{x:.2f}' for x in cpu.get('load_average', []))}); GPU: {gpu}.",
            f"Engine: {env.get('engine')}; model: {model.get('name', '-')}"
            + (f" ({size / 1e6:.0f} MB)" if size else "")
            + f"; commit {(env.get('git') or {}).get('commit') or '?'}; {self.created}.",
            "",
        ]
        return "\n".join(lines)

    def print(self) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=self.title + (" (random weights)" if self.random_weights else ""))
        for column in self.columns:
            table.add_column(column.header, justify="left" if column.key == "label" else "right")
        for row in self.rows():
            table.add_row(*row)
        console = Console(width=max(160, 16 * len(self.columns)))
        console.print(table)
        for note in self.notes:
            console.print(f"note: {note}")

    def write(self, out: Path, plots: Sequence[Plot] = ()) -> dict[str, Path]:
        """Write <benchmark>.json (validated), <benchmark>.md and the plots into `out`."""
        out.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for plot in plots:
            path = out / plot.filename
            plot.render(path)
            paths[plot.filename] = path
        md = out / f"{self.benchmark}.md"
        document = self.to_json({"markdown": md.name, "plots": [p.filename for p in plots]})
        validate(document)
        images = "".join(f"\n![{p.filename}]({p.filename})\n" for p in plots)
        md.write_text(self.markdown() + images)
        data = out / f"{self.benchmark}.json"
        data.write_text(json.dumps(document, indent=2) + "\n")
        return {"json": data, "markdown": md, **paths}
