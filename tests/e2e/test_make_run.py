"""`make run` as a newcomer runs it: the process tree starts, answers with the full command
model (the shipped one, checked by its fingerprint, not a training run), and Ctrl-C ends it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from assistant.nlu.build import SHIPPED_MODEL, fingerprint, project_data, recorded_fingerprint
from assistant.nlu.train import FULL_CONFIG

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


@pytest.mark.e2e
@pytest.mark.slow
def test_make_run_serves_the_full_model_and_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(tmp_path / "var")  # a fresh clone: no var/, no model yet
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    seen: dict[int, psutil.Process] = {}
    try:
        deadline = time.monotonic() + 240
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            seen.update({p.pid: p for p in _tree(process.pid)})
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        assert ready is not None and ready.status_code == 200, process.communicate(timeout=5)[0]
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json() == {"status": "ok"}
        time.sleep(1)
        seen.update({p.pid: p for p in _tree(process.pid)})
        commands = " ".join(" ".join(p.cmdline()) for p in seen.values() if p.is_running())
        assert "serve --with-worker" in commands
        assert "assistant worker" in commands
        assert "valkey-server" in commands or "redis-server" in commands
        assert (tmp_path / "var" / "assistant.db").exists()
        # the model it serves is the full one of the committed config and data
        full = fingerprint(FULL_CONFIG, *project_data())
        assert recorded_fingerprint(tmp_path / "var" / "nlu-model") == full
        assert recorded_fingerprint(SHIPPED_MODEL) == full

        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    time.sleep(0.5)
    left = [p for p in seen.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert left == [], f"left running: {[p.cmdline() for p in left]}\n{output}"
    assert "Traceback" not in output, output
    # Once it serves, it says where to go and where the demo passwords were shown.
    assert f"open http://127.0.0.1:{port} in your browser" in output, output
    assert "demo users (passwords are shown this once)" in output, output
    assert f"NLU model installed from the shipped copy: {tmp_path / 'var' / 'nlu-model'}" in output
