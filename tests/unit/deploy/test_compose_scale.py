"""deploy/compose.scale.yaml (and the single-host compose.yaml) against the published Compose
Specification schema (as vendored by check-jsonschema), plus what the schema cannot see: the
topology the issue promises, healthchecks on /readyz, the key file as a secret, nginx's
config from deploy/nginx/."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from assistant.settings import Settings

COMPOSE = Path(__file__).parents[3] / "deploy" / "compose.scale.yaml"
APPS = ("app1", "app2")
WORKERS = ("worker1", "worker2")
PLACEHOLDER = re.compile(r"\$\{(ASSISTANT_[A-Z_]+)\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / "compose-spec.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("path", [COMPOSE, COMPOSE.parents[1] / "compose.yaml"], ids=str)
def test_the_files_match_the_compose_specification(
    path: Path, validator: jsonschema.protocols.Validator
) -> None:
    errors = sorted(
        validator.iter_errors(yaml.safe_load(path.read_text())), key=lambda e: e.json_path
    )
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors)


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["app1"].update(helthcheck={}),  # a typo
        lambda c: c["services"]["nginx"].update(ports="443:443"),  # a string, not a list
        lambda c: c["services"]["app2"].update(restart=["always"]),
    ],
)
def test_the_schema_refuses_a_broken_file(
    compose: dict[str, Any],
    validator: jsonschema.protocols.Validator,
    breakage: Callable[[dict[str, Any]], None],
) -> None:
    broken = json.loads(json.dumps(compose))
    breakage(broken)
    assert list(validator.iter_errors(broken))


def test_the_scaled_topology(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "nginx", *APPS, *WORKERS} <= services.keys()
    for name in (*APPS, *WORKERS):
        assert services[name]["image"] == "clinic-copilot"
    assert [services[name]["command"][:2] for name in APPS] == [["assistant", "serve"]] * 2
    assert [services[name]["command"] for name in WORKERS] == [["assistant", "worker"]] * 2
    # One engine per profile, both reached as http://engine:8000.
    engines = {name: s for name, s in services.items() if name.startswith("engine-")}
    assert {p for s in engines.values() for p in s["profiles"]} == {"cpu", "gpu"}
    for engine in engines.values():
        assert engine["networks"]["backend"]["aliases"] == ["engine"]
    assert "llama_cpp.server" in engines["engine-cpu"]["command"][-1]
    assert "vllm serve" in engines["engine-gpu"]["entrypoint"][-1]


@pytest.mark.parametrize("name", APPS)
def test_replicas_are_healthy_when_ready(compose: dict[str, Any], name: str) -> None:
    check = compose["services"][name]["healthcheck"]["test"]
    assert "/readyz" in " ".join(check)


def test_nginx_runs_deploy_nginx_with_tls_in_front_of_both_replicas(
    compose: dict[str, Any],
) -> None:
    nginx = compose["services"]["nginx"]
    (mount,) = nginx["volumes"]
    source, target, _ = mount.split(":")
    templates = sorted((COMPOSE.parent / source).glob("*.template"))
    assert target == "/etc/nginx/templates" and templates, "deploy/nginx has no template"
    env = nginx["environment"]
    used = {name for t in templates for name in PLACEHOLDER.findall(t.read_text())}
    assert used and used <= env.keys(), sorted(used - env.keys())  # envsubst fills them all
    assert all(f"server {app}:8000" in env["ASSISTANT_PROXY_UPSTREAMS"] for app in APPS)
    assert {"tls.crt", "tls.key"} <= set(nginx["secrets"])
    # The replicas believe forwarded headers from nginx's fixed address and no one else.
    address = nginx["networks"]["backend"]["ipv4_address"]
    for name in APPS:
        trusted = compose["x-app"]["environment"]["ASSISTANT_TRUSTED_PROXIES"]
        assert trusted == address, name


@pytest.mark.parametrize("name", [*APPS, *WORKERS])
def test_the_key_file_is_a_secret(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    assert service["secrets"] == ["keys.json"]
    assert service["environment"]["ASSISTANT_KEY_FILE"] == "/run/secrets/keys.json"
    assert compose["secrets"]["keys.json"]["file"].startswith("./secrets/")


def test_the_app_environment_holds_real_settings(
    compose: dict[str, Any],
    setting_names: set[str],
    settings_from: Callable[[Mapping[str, str]], Settings],
) -> None:
    env = compose["x-app"]["environment"]
    assert set(env) <= setting_names, sorted(set(env) - setting_names)
    literal = {k: v for k, v in env.items() if "${" not in v}
    parsed = settings_from({**literal, "ASSISTANT_SECRET_KEY": "s" * 32, "ASSISTANT_MODEL": "m"})
    assert parsed.environment == "production" and parsed.engine == "openai_compat"
    assert [str(net) for net in parsed.trusted_proxies] == [
        compose["services"]["nginx"]["networks"]["backend"]["ipv4_address"] + "/32"
    ]
