"""The SPARQL 1.1 Protocol update operation, reached through ``POST /sparql`` (see :mod:`.sparql`).

Only with the write token; the update is checked like a query (size, nesting, ``SERVICE`` allow-list),
then run and validated against the shapes under the store's write lock, and committed only if the store
with it still conforms. The answer says how many triples the merge gained and lost.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from gzg_graph.config import Settings
from gzg_graph.store import Change, Store, UsingDataset
from gzg_graph.store.guard import QueryLimits, check_query
from gzg_graph.validation import ValidationReport
from gzg_graph.writes import update_validated

from ..auth import require_writer
from ..bodies import graph_iris
from ..deps import get_shapes
from ..limits import Slots


async def run(
    request: Request, store: Store, settings: Settings, sparql: str, params: Mapping[str, list[str]]
) -> Response:
    """Authorise, check and run one update request; answer 200 with the size of the change."""
    require_writer(request, settings)
    using = UsingDataset(
        tuple(graph_iris(params.get("using-graph-uri"), "using-graph-uri") or ()),
        tuple(graph_iris(params.get("using-named-graph-uri"), "using-named-graph-uri") or ()),
    )
    limits = QueryLimits.from_settings(settings)
    check_query(
        sparql, QueryLimits(settings.max_request_bytes, limits.max_depth, limits.max_operators, limits.allowed_services)
    )
    change, report = await validated(
        request, store, sparql, using=using or None, base_iri=f"{settings.base_uri}/sparql"
    )
    return JSONResponse(
        {
            "added": len(change.added),
            "removed": len(change.removed),
            "warnings": report.to_json()["results"] if report is not None else [],
        }
    )


async def validated(
    request: Request, store: Store, sparql: str, *, using: UsingDataset | None = None, base_iri: str | None = None
) -> tuple[Change, ValidationReport | None]:
    """Run an update through the guarded write path, in one of the validation slots (503 when all are taken).
    Every write of the web layer comes through here: SPARQL updates and the Graph Store Protocol alike."""
    slots: Slots = request.app.state.validation_slots
    work = functools.partial(update_validated, store, sparql, get_shapes(request), using=using, base_iri=base_iri)
    return await slots.run(work)
