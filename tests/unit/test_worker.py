"""The worker as `assistant worker` builds it: how often it looks for jobs comes from settings."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Iterator

import pytest
from arq.worker import Worker

from assistant import compose
from assistant.settings import Settings
from assistant.worker import build_worker

Build = Callable[..., Worker]


@pytest.fixture
def build() -> Iterator[Build]:
    """arq's Worker takes the thread's current event loop and adds SIGINT/SIGTERM handlers to
    it. Each worker here gets a loop of its own, closed (its handlers removed) in this thread,
    the main one: left to the garbage collector, the loop was closed from another thread, where
    removing a signal handler raises."""
    policy = asyncio.get_event_loop_policy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            previous: asyncio.AbstractEventLoop | None = policy.get_event_loop()
        except RuntimeError:
            previous = None
    loops: list[asyncio.AbstractEventLoop] = []

    def worker(**jobs: float) -> Worker:
        loops.append(asyncio.new_event_loop())
        policy.set_event_loop(loops[-1])
        settings = Settings(redis={"url": "redis://127.0.0.1:6379/0"}, jobs=jobs)
        return build_worker(settings, compose.procedures(), compose.job_kinds())

    yield worker
    for loop in loops:
        loop.close()
    policy.set_event_loop(previous)


def test_an_idle_worker_looks_for_jobs_every_poll_seconds(build: Build) -> None:
    assert build(poll_seconds=0.2).poll_delay_s == 0.2


def test_by_default_a_queued_job_waits_well_under_arqs_half_second(build: Build) -> None:
    assert build().poll_delay_s <= 0.1


def test_the_worker_handles_signals_on_its_own_loop(build: Build) -> None:
    worker = build()
    assert worker.loop is asyncio.get_event_loop_policy().get_event_loop()
    assert worker._handle_signals
