"""The queue speaks JSON: a pickle planted in Redis is refused by the worker, never run."""

from __future__ import annotations

import json
import os
import pickle
import time
import warnings
from pathlib import Path

from assistant import compose
from assistant.db.models import Job
from assistant.jobs import queue
from assistant.queue import rows
from assistant.queue.serializer import RefusedPayload, dumps, loads
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.worker import build_worker


class Exploit:
    """Unpickling this creates a directory: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


async def test_a_pickled_job_is_refused_not_executed(
    app_settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    settings = app_settings.model_copy(update={"engine": "none"})
    marker = tmp_path / "pwned"
    planted = f"{settings.jobs.queue}:planted:{tmp_path.name}"
    entry = {"t": 1, "f": rows.RUN_JOB, "a": (Exploit(marker),), "k": {}, "et": 0}
    await runtime.redis.set(rows.ARQ_JOB_KEY + planted, pickle.dumps(entry))
    await runtime.redis.zadd(settings.jobs.queue, {planted: time.time() * 1000})
    # A genuine job beside it, so the worker demonstrably reads and runs JSON entries.
    genuine = await queue.enqueue(runtime, kind="no-such-kind", user_id=None, params={})

    worker = build_worker(
        settings,
        compose.procedures(),
        compose.job_kinds(),
        burst=True,
        poll_delay=0.05,
        handle_signals=False,
    )
    try:
        await worker.main()
    finally:
        with warnings.catch_warnings():  # arq's close() calls redis-py's deprecated close()
            warnings.simplefilter("ignore", DeprecationWarning)
            await worker.close()

    assert not marker.exists()
    result = await runtime.redis.get(f"arq:result:{planted}")
    assert result is not None
    stored = json.loads(result)  # the failure itself is stored as JSON, too
    assert stored["s"] is False
    assert (await runtime.redis.get(rows.ARQ_JOB_KEY + planted)) is None
    async with runtime.sessions() as session:
        row = await session.get(Job, genuine.id)
    assert row is not None and row.error == "unknown job kind no-such-kind"


def test_the_serializer_refuses_anything_but_a_json_object() -> None:
    assert loads(dumps({"a": [1, "x"]})) == {"a": [1, "x"]}
    for raw in (pickle.dumps({"a": 1}), b"[1, 2]", b"{not json", b"\x80\x04{"):
        try:
            loads(raw)
        except RefusedPayload:
            continue
        raise AssertionError(f"loaded {raw!r}")
