"""The worker serves its own /metrics at ASSISTANT_METRICS_WORKER_ADDRESS while it runs."""

from __future__ import annotations

import warnings
from typing import Any

import httpx

from assistant import compose
from assistant.settings import MetricsSettings, Settings
from assistant.worker import build_worker
from tests.plugins.servers import free_port


async def test_the_worker_serves_its_own_metrics(app_settings: Settings) -> None:
    address = f"127.0.0.1:{free_port()}"
    settings = app_settings.model_copy(
        update={"engine": "none", "metrics": MetricsSettings(worker_address=address)}
    )
    worker = build_worker(settings, compose.procedures(), compose.job_kinds(), handle_signals=False)
    ctx: dict[str, Any] = {}
    assert worker.on_startup is not None and worker.on_shutdown is not None
    await worker.on_startup(ctx)
    try:
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=10) as client:
            found = await client.get("/metrics")
        assert found.status_code == 200
        assert "# TYPE assistant_job_duration_seconds histogram" in found.text
        assert "assistant_jobs" in found.text
    finally:
        await worker.on_shutdown(ctx)
        with warnings.catch_warnings():  # arq's close() calls redis-py's deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()
    async with httpx.AsyncClient(timeout=5) as client:
        try:
            await client.get(f"http://{address}/metrics")
            closed = False
        except httpx.ConnectError:
            closed = True
    assert closed, "the listener stops with the worker"
