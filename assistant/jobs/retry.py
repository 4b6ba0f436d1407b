"""When a failed job is tried again: exponential backoff, and the moment a waiting retry is
due (the reconciler keeps that moment when Redis lost the retry's queue entry)."""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant.db.models import Job
from assistant.settings import JobSettings

RETRYING = "retrying: "  # a queued job's error while it waits out its backoff


def backoff(jobs: JobSettings, attempt: int) -> float:
    """Seconds before the next try after failed attempt `attempt` (1, 2, ...)."""
    return float(min(jobs.backoff_seconds * 2 ** (attempt - 1), jobs.backoff_max_seconds))


def retry_due(jobs: JobSettings, job: Job) -> datetime | None:
    """When a queued job waiting out its backoff may run; None for any other job."""
    if job.status != "queued" or not (job.error or "").startswith(RETRYING):
        return None
    return job.updated_at + timedelta(seconds=backoff(jobs, job.attempts))
