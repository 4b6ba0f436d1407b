"""The composition root: the procedure registry and the job kinds, built in one place.

The app factory, the worker and the CLI all call these, so every process runs the same
procedures; a test builds its own registry the same way and adds to it. Declaring modules
register nothing of their own accord, which keeps the procedure registry free of the CRM
and the job registry free of its handlers' packages (no import cycles between them).
"""

from __future__ import annotations

from collections.abc import Iterable

import assistant.approvals.execute
import assistant.chat.procedures
import assistant.enrichment.jobs
import assistant.jobs.email
import assistant.jobs.procedures
from assistant import activity, admin, crm
from assistant.jobs.registry import JOB_KINDS, JobKinds
from assistant.procedures.registry import Procedure, Registry, declared


def procedures(extra: Iterable[Procedure] = ()) -> Registry:
    """Every procedure (CRM, administration, conversations, jobs), then `extra` (a plugin's
    or a test's)."""
    modules = (
        *crm.MODULES,
        *admin.MODULES,
        *activity.MODULES,
        assistant.chat.procedures,
        assistant.jobs.procedures,
    )
    registry = Registry()
    for proc in (*declared(modules), *extra):
        registry.add(proc)
    return registry


def job_kinds() -> JobKinds:
    """Every job kind; their modules declared their handlers when this module imported them."""
    return JOB_KINDS
