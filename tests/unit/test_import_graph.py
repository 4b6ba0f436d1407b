"""The import graph: DESIGN's direction between packages, and no cycle between them.

Every import statement counts, at module level or inside a function (a lazy import still
ties two packages together), read from the source with `ast` rather than by importing.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("assistant", "inference", "server")
# DESIGN.md section 2: server -> assistant -> inference; inference imports nothing of ours.
ALLOWED = {("server", "assistant"), ("server", "inference"), ("assistant", "inference")}
# ...except the CLI, which starts the server (lazily, inside its `serve` command).
MAY_IMPORT_SERVER = "assistant.cli"
# Cycles between packages not yet broken: none. The composition root (assistant/compose.py)
# imports the declaring modules; the executor's approval gate lives in procedures/, the job
# queue's primitives in assistant/queue/, the worker in assistant/worker.py.
KNOWN_CYCLES: set[frozenset[str]] = set()


def _modules() -> Iterator[tuple[str, Path]]:
    for top in OURS:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target, node.lineno
            yield from ((f"{target}.{alias.name}", node.lineno) for alias in node.names)


def _graph(depth: int) -> dict[str, dict[str, str]]:
    """unit -> {imported unit: "path:line" of one import}, units being dotted names cut at
    `depth` (1: the top-level packages, 2: assistant.crm, assistant.jobs, ...)."""
    edges: dict[str, dict[str, str]] = defaultdict(dict)
    for module, path in _modules():
        for target, line in _imports(module, path):
            if target.split(".")[0] not in OURS:
                continue
            source, imported = (
                ".".join(module.split(".")[:depth]),
                ".".join(target.split(".")[:depth]),
            )
            if source != imported:
                where = f"{path.relative_to(ROOT)}:{line}"
                edges[source].setdefault(imported, where)
                edges.setdefault(imported, {})
    return edges


def _cycles(edges: dict[str, dict[str, str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in list(edges):
        if node not in index:
            visit(node)
    return found


def test_packages_import_in_design_direction_only() -> None:
    wrong = []
    for module, path in _modules():
        for target, line in _imports(module, path):
            pair = (module.split(".")[0], target.split(".")[0])
            if pair[1] not in OURS or pair[0] == pair[1] or pair in ALLOWED:
                continue
            if pair == ("assistant", "server") and module.startswith(MAY_IMPORT_SERVER):
                continue
            wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not wrong


def test_no_cycle_between_packages_beyond_the_known_ones() -> None:
    edges = _graph(2)
    cycles = set(_cycles(edges))
    new = [
        {unit: {k: v for k, v in edges[unit].items() if k in cycle} for unit in sorted(cycle)}
        for cycle in cycles - KNOWN_CYCLES
    ]
    assert not new, "a new import cycle (unit -> {imported unit: where})"
    assert cycles == KNOWN_CYCLES, "a known cycle is gone: take it off KNOWN_CYCLES"


def _imported_by(name: str) -> set[str]:
    return {t for module, path in _modules() if module == name for t, _ in _imports(module, path)}


def test_the_registries_import_none_of_what_they_register() -> None:
    assert "assistant.crm" not in _graph(2)["assistant.procedures"]
    handlers = ("assistant.approvals", "assistant.enrichment", "assistant.jobs.email")
    assert not [t for t in _imported_by("assistant.jobs.registry") if t.startswith(handlers)]


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b": ""}, "b": {"c": ""}, "c": {"a": ""}, "d": {"a": ""}}
    assert _cycles(edges) == [frozenset({"a", "b", "c"})]
