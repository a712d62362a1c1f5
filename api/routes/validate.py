"""``POST /validate``: check RDF against the shapes and return the SHACL report, negotiated.

The body is RDF in Turtle, N-Triples, JSON-LD or RDF/XML (by Content-Type). By default it is validated
as a change to the graph (links to local governments and calls in the store count); ``mode=alone``
validates it by itself. ``application/json`` gives a summary with every result; ``text/turtle`` or
``application/ld+json`` the full ``sh:ValidationReport``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from rdflib import Graph

from gzg_graph.config import Settings
from gzg_graph.formats import RdfFormat
from gzg_graph.sources.rdf import parse_rdf
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy
from gzg_graph.validation import ValidationReport, validate, validate_change

from ..bodies import read_limited
from ..deps import get_settings, get_shapes, get_store, get_uris
from ..limits import Slots
from ..negotiation import choose
from ..responses import errors

router = APIRouter(tags=["Validation"])

ACCEPTED_BODIES = {
    **{f.value: f for f in (RdfFormat.TURTLE, RdfFormat.NTRIPLES, RdfFormat.JSONLD, RdfFormat.RDFXML)},
    "application/json": RdfFormat.JSONLD,
    "text/plain": RdfFormat.NTRIPLES,
}
REPORT_TYPES = ["application/json", RdfFormat.TURTLE.value, RdfFormat.JSONLD.value]


@router.post(
    "/validate",
    summary="Validate RDF against the SHACL shapes",
    responses={
        200: {
            "description": "The data conforms (no sh:Violation); warnings may be listed. The report comes as JSON "
            "(a summary with messages in `lang`) or as the SHACL validation report in Turtle or JSON-LD, by Accept.",
            "content": {t: {} for t in REPORT_TYPES},
        },
        422: {
            "description": "The data violates the shapes; the body is the report, in the format Accept asks for.",
            "content": {t: {} for t in REPORT_TYPES},
        },
        **errors(400, 406, 413, 415, 503),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {t: {"schema": {"type": "string"}} for t in ACCEPTED_BODIES if t != "text/plain"},
        }
    },
)
async def validate_body(
    request: Request,
    mode: Annotated[
        Literal["change", "alone"], Query(description="change: validate against the store; alone: by itself.")
    ] = "change",
    lang: Annotated[Literal["nl", "en"], Query(description="Language of the messages in the JSON summary.")] = "en",
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
    shapes: Graph = Depends(get_shapes),
) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_BODIES:
        raise HTTPException(415, f"send RDF as one of: {', '.join(t for t in ACCEPTED_BODIES if t != 'text/plain')}")
    media_type = choose(request.headers.get("accept"), REPORT_TYPES)
    if media_type is None:
        raise HTTPException(406, f"the report is offered as: {', '.join(REPORT_TYPES)}")
    body = await read_limited(request, settings.max_request_bytes)
    slots: Slots = request.app.state.validation_slots
    report = await slots.run(_validate, body, ACCEPTED_BODIES[content_type], mode, store, uris, shapes)
    status = 200 if report.conforms else 422
    if media_type == "application/json":
        return JSONResponse(report.to_json(lang), status_code=status)
    fmt = RdfFormat(media_type).rdflib
    return Response(
        report.graph.serialize(format=fmt, encoding="utf-8"),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
    )


def _validate(body: bytes, fmt: RdfFormat, mode: str, store: Store, uris: UriPolicy, shapes: Graph) -> ValidationReport:
    """Parse (as untrusted input: SourceError -> 400 with line and column) and validate, in a worker thread."""
    data = parse_rdf(body, fmt, "request body", uris.parse_base, untrusted=True)
    if mode == "alone" or not store.ask("ASK { GRAPH ?g { ?s ?p ?o } }"):  # an empty store: nothing to change
        return validate(data, shapes)
    return validate_change(data, None, store, shapes)
