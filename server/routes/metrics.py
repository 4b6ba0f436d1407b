"""`GET /metrics`: the Prometheus text format, for an owner's token or session only (a
separate listener without sign-in is ASSISTANT_METRICS_ADDRESS, assistant/ops/listener.py)."""

from __future__ import annotations

from litestar import Response, get

from assistant.db.models import Role
from assistant.errors import PermissionDenied
from assistant.ops.metrics import CONTENT_TYPE
from server.deps import PrincipalDep, RuntimeDep


@get("/metrics", tags=["ops"], summary="Prometheus metrics (owners only)", media_type=CONTENT_TYPE)
async def metrics(principal: PrincipalDep, runtime: RuntimeDep) -> Response[bytes]:
    if principal.role != Role.owner:
        raise PermissionDenied("only an owner may read the metrics")
    await runtime.metrics.sample(runtime.readers)
    return Response(runtime.metrics.render(), media_type=CONTENT_TYPE)


routes = [metrics]
