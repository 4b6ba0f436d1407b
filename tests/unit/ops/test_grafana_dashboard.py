"""deploy/grafana/clinic-copilot.json asks only for series the app exports, and shows each
metric family the app exports at least once."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from assistant.ops.metrics import Metrics, exported_names

DASHBOARD = Path(__file__).parents[3] / "deploy" / "grafana" / "clinic-copilot.json"
SERIES = re.compile(r"\bassistant_[a-z_]+\b")


def exprs(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]


def test_every_expression_names_exported_series() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    exported = exported_names(Metrics().registry)
    used = {name for expr in exprs(dashboard) for name in SERIES.findall(expr)}
    assert used, "the dashboard queries nothing"
    assert used <= exported, sorted(used - exported)


def test_every_exported_family_has_a_panel() -> None:
    text = " ".join(exprs(json.loads(DASHBOARD.read_text())))
    families = {f.name for f in Metrics().registry.collect()}
    assert {f for f in families if f not in text} == set()


def test_panels_have_unique_ids_and_a_datasource() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    assert all(p["datasource"]["type"] == "prometheus" for p in dashboard["panels"])
