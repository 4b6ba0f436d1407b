"""deploy/k8s/ against Kubernetes' published JSON schemas (the strict ones, which refuse
unknown fields; shipped by the kubernetes-validate package), plus the promises the manifests
make that a schema cannot see: two replicas probed on /readyz and /healthz, selectors that
select, the key file from a Secret mounted read-only, SSE-friendly ingress settings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from assistant.settings import Settings

K8S = Path(__file__).parents[3] / "deploy" / "k8s"
KUBERNETES = "v1.33.0"  # the oldest release with every field used here (preStop sleep GA)
Doc = dict[str, Any]


def documents() -> list[tuple[str, Doc]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                found.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return found


def schema_dir() -> Any:
    root = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    return root / f"{KUBERNETES}-local-strict"


@cache
def validator(kind: str, api_version: str) -> jsonschema.protocols.Validator:
    group, _, version = api_version.rpartition("/")
    group = group.split(".")[0]
    name = f"{kind.lower()}-{group}-{version}.json" if group else f"{kind.lower()}-{version}.json"
    folder = schema_dir()
    schema = json.loads((folder / name).read_text())
    definitions = json.loads((folder / "_definitions.json").read_text())
    registry: Registry[Any] = Registry().with_resource(
        "_definitions.json", Resource.from_contents(definitions)
    )
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, registry=registry)


def of_kind(kind: str) -> Iterator[Doc]:
    return (doc for _, doc in documents() if doc["kind"] == kind)


def deployment(component: str) -> Doc:
    (found,) = (
        d
        for d in of_kind("Deployment")
        if d["metadata"]["labels"]["app.kubernetes.io/component"] == component
    )
    return found


@pytest.mark.parametrize(("where", "doc"), documents(), ids=[w for w, _ in documents()])
def test_every_manifest_matches_the_published_schema(where: str, doc: Doc) -> None:
    errors = sorted(
        validator(doc["kind"], doc["apiVersion"]).iter_errors(doc), key=lambda e: e.json_path
    )
    assert not errors, "\n".join(f"{where} {e.json_path}: {e.message}" for e in errors)


def test_the_schema_check_refuses_a_broken_manifest() -> None:
    broken = deployment("app")
    broken = {**broken, "spec": {**broken["spec"], "replica": 2}}  # a typo
    assert list(validator("Deployment", "apps/v1").iter_errors(broken))


def test_two_app_replicas_are_probed_on_readyz_and_healthz() -> None:
    app = deployment("app")
    assert app["spec"]["replicas"] == 2
    (container,) = app["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert app["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_two_workers() -> None:
    assert deployment("worker")["spec"]["replicas"] == 2


@pytest.mark.parametrize("component", ["app", "worker"])
def test_selectors_select_their_pods(component: str) -> None:
    pod_labels = deployment(component)["spec"]["template"]["metadata"]["labels"]
    selectors = [deployment(component)["spec"]["selector"]["matchLabels"]]
    selectors += [
        pdb["spec"]["selector"]["matchLabels"]
        for pdb in of_kind("PodDisruptionBudget")
        if pdb["spec"]["selector"]["matchLabels"].get("app.kubernetes.io/component") == component
    ]
    if component == "app":
        (service,) = of_kind("Service")
        selectors.append(service["spec"]["selector"])
    assert len(selectors) == (3 if component == "app" else 2)
    for selector in selectors:
        assert selector.items() <= pod_labels.items(), selector


def test_a_disruption_leaves_one_replica_of_each() -> None:
    budgets = {
        pdb["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"]: pdb["spec"]
        for pdb in of_kind("PodDisruptionBudget")
    }
    assert budgets.keys() == {"app", "worker"}
    assert all(spec["minAvailable"] == 1 for spec in budgets.values())


@pytest.mark.parametrize("component", ["app", "worker"])
def test_the_key_file_comes_from_the_secret_read_only(component: str) -> None:
    pod = deployment(component)["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    secret = volumes["keys-secret"]["secret"]
    assert secret["secretName"] == "clinic-copilot-keys"
    (init,) = pod["initContainers"]
    mounts = {m["name"]: m for m in init["volumeMounts"]}
    assert mounts["keys-secret"]["readOnly"] is True
    assert "install -m 600" in init["command"][-1]  # the app refuses a group-readable file
    (container,) = pod["containers"]
    key_mount = {m["name"]: m for m in container["volumeMounts"]}["keys"]
    assert key_mount["readOnly"] is True
    (settings,) = of_kind("ConfigMap")
    assert settings["data"]["ASSISTANT_KEY_FILE"].startswith(key_mount["mountPath"] + "/")
    assert {"configMapRef": {"name": "clinic-copilot-settings"}} in container["envFrom"]


def test_the_ingress_streams_events_without_buffering_or_stickiness() -> None:
    (ingress,) = of_kind("Ingress")
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "proxy-buffering"] == "off"
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600
    assert not any("affinity" in name for name in notes)
    assert ingress["spec"]["tls"]
    (service,) = of_kind("Service")
    assert service["spec"]["sessionAffinity"] == "None"


def test_the_config_map_holds_real_settings(
    setting_names: set[str], settings_from: Callable[[Mapping[str, str]], Settings]
) -> None:
    (config,) = of_kind("ConfigMap")
    assert set(config["data"]) <= setting_names, sorted(set(config["data"]) - setting_names)
    parsed = settings_from({**config["data"], "ASSISTANT_SECRET_KEY": "s" * 32})
    assert parsed.environment == "production"
    assert parsed.engine == "openai_compat" and len(parsed.openai_base_urls) == 1
    assert parsed.trusted_proxies
