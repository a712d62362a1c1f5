"""``/graph-store``: the SPARQL 1.1 Graph Store HTTP Protocol, with indirect graph identification.

``?graph=<IRI>`` names a graph, ``?default`` the default graph. Reads are open: GET and HEAD in Turtle,
N-Triples, JSON-LD or RDF/XML. Writes need the write token and are run as the SPARQL updates the protocol
defines them by (section 5; :mod:`gzg_graph.store.updates`), so they take the one guarded write path:
validated against the shapes under the write lock, committed whole or not at all.

* PUT replaces a graph (201 when it is new, else 204), POST merges into it (201 / 204), DELETE drops it
  (204; 404 when there is no such graph). A POST to ``/graph-store`` itself creates a graph with a new
  IRI, given in ``Location`` (201). Payloads are RDF (by ``Content-Type``) or ``multipart/form-data`` whose
  parts are RDF.
* The default graph is the RDF merge of the named graphs (``sd:UnionDefaultGraph``): it can be read, not
  written (405, ``Allow: GET, HEAD``). Write to the named graph the triples belong in.
* Graph IRIs in graph names are not graph store URLs (they dereference to the dataset's description
  under ``/id/dataset/``), so direct identification is not offered.
"""

from __future__ import annotations

import email.parser
import email.policy
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from gzg_graph.config import Settings
from gzg_graph.formats import RdfFormat
from gzg_graph.sources.rdf import parse_rdf
from gzg_graph.store import Store
from gzg_graph.store import updates as gsp
from gzg_graph.uris import UriPolicy

from ..auth import require_writer
from ..bodies import graph_iris, read_limited
from ..deps import get_settings, get_store, get_uris
from ..negotiation import choose
from ..responses import errors, rdf_media_type, success
from .update import validated

router = APIRouter(tags=["Graph Store"])

PATH = "/graph-store"
#: Read formats; in N-Quads and TriG a named graph keeps its name (the default graph: the merge, unnamed).
GRAPH_FORMATS = (
    RdfFormat.TURTLE,
    RdfFormat.NTRIPLES,
    RdfFormat.JSONLD,
    RdfFormat.RDFXML,
    RdfFormat.NQUADS,
    RdfFormat.TRIG,
)
PAYLOADS = {
    **{f.value: f for f in GRAPH_FORMATS if not f.is_dataset_format or f == RdfFormat.JSONLD},
    "application/n-triples": RdfFormat.NTRIPLES,
    "text/plain": RdfFormat.NTRIPLES,
    "application/json": RdfFormat.JSONLD,
}
MULTIPART = "multipart/form-data"
READ_ONLY_DEFAULT = (
    "the default graph is the merge of the named graphs and cannot be written to itself: "
    "name the graph the triples belong in with ?graph=<IRI>"
)

GraphParam = Annotated[str | None, Query(description="The IRI of a named graph.")]
DefaultParam = Annotated[str | None, Query(description="Present (empty) to name the default graph.")]


def _target(request: Request, graph: str | None, default: str | None) -> str | None:
    """The named graph a request is about, or None for the default graph; 400 for neither or both."""
    if len(request.query_params.getlist("graph")) > 1:
        raise HTTPException(400, "more than one 'graph' parameter")
    if graph is not None and default is not None:
        raise HTTPException(400, "name either a graph (?graph=<IRI>) or the default graph (?default), not both")
    if graph is None and default is None:
        raise HTTPException(400, "name a graph (?graph=<IRI>) or the default graph (?default)")
    if graph is not None:
        graph_iris([graph], "graph")
    return graph


@router.api_route(
    PATH,
    methods=["GET", "HEAD"],
    summary="Read a named graph (?graph=) or the default graph, the merge of all (?default)",
    responses={**success("The graph", [f.value for f in GRAPH_FORMATS]), **errors(400, 404, 406, 503)},
)
def read_graph(
    request: Request,
    graph: GraphParam = None,
    default: DefaultParam = None,
    store: Store = Depends(get_store),
) -> Response:
    name = _target(request, graph, default)
    offered = [f.value for f in GRAPH_FORMATS]
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        raise HTTPException(406, f"a graph is offered as: {', '.join(offered)}")
    if name is not None and not store.has_graph(name):
        raise HTTPException(404, f"no graph named <{name}>")
    body = store.export(RdfFormat(media_type), name)
    return Response(body, media_type=rdf_media_type(RdfFormat(media_type)), headers={"Vary": "Accept"})


@router.put(
    PATH,
    summary="Replace a named graph with the payload (write token needed)",
    status_code=204,
    responses={201: {"description": "The graph was created."}, **errors(400, 401, 403, 405, 413, 415, 422, 503)},
    dependencies=[Depends(require_writer)],
    openapi_extra={"requestBody": {"content": {t: {"schema": {"type": "string"}} for t in PAYLOADS}}},
)
async def put_graph(
    request: Request,
    graph: GraphParam = None,
    default: DefaultParam = None,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    name = _writable(request, graph, default)
    ntriples = await _payload(request, settings, name, uris)
    created = not store.has_graph(name)
    await validated(request, store, gsp.put_graph(name, ntriples))
    return Response(status_code=201 if created else 204)


@router.post(
    PATH,
    summary="Add the payload to a named graph; without ?graph=, create a new graph (write token needed)",
    status_code=204,
    responses={
        201: {"description": "The graph was created (Location: its IRI)."},
        **errors(400, 401, 403, 405, 413, 415, 422, 503),
    },
    dependencies=[Depends(require_writer)],
    openapi_extra={"requestBody": {"content": {t: {"schema": {"type": "string"}} for t in [*PAYLOADS, MULTIPART]}}},
)
async def post_graph(
    request: Request,
    graph: GraphParam = None,
    default: DefaultParam = None,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    new = graph is None and default is None
    name = str(uris.graph(f"upload-{uuid.uuid4()}")) if new else _writable(request, graph, default)
    ntriples = await _payload(request, settings, name, uris)
    created = new or not store.has_graph(name)
    await validated(request, store, gsp.post_graph(name, ntriples))
    if new:
        return Response(status_code=201, headers={"Location": name})
    return Response(status_code=201 if created else 204)


@router.delete(
    PATH,
    summary="Drop a named graph (write token needed)",
    status_code=204,
    responses={**errors(400, 401, 403, 404, 405, 422, 503)},
    dependencies=[Depends(require_writer)],
)
async def delete_graph(
    request: Request,
    graph: GraphParam = None,
    default: DefaultParam = None,
    store: Store = Depends(get_store),
) -> Response:
    name = _writable(request, graph, default)
    if not store.has_graph(name):
        raise HTTPException(404, f"no graph named <{name}>")
    await validated(request, store, gsp.delete_graph(name))
    return Response(status_code=204)


def _writable(request: Request, graph: str | None, default: str | None) -> str:
    name = _target(request, graph, default)
    if name is None:
        raise HTTPException(405, READ_ONLY_DEFAULT, headers={"Allow": "GET, HEAD"})
    return name


async def _payload(request: Request, settings: Settings, graph: str, uris: UriPolicy) -> str:
    """The request's RDF as N-Triples (relative IRIs resolved against the graph's IRI); empty for no body."""
    body = await read_limited(request, settings.max_request_bytes)
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not body.strip():
        return ""
    if media_type == MULTIPART:
        return "\n".join(_ntriples(data, part_type, graph) for data, part_type in _parts(body, content_type))
    return _ntriples(body, media_type, graph)


def _ntriples(data: bytes, media_type: str, graph: str) -> str:
    fmt = PAYLOADS.get(media_type)
    if fmt is None:
        raise HTTPException(415, f"send RDF as one of: {', '.join(PAYLOADS)} (or {MULTIPART} of those)")
    parsed = parse_rdf(data, fmt, "request body", graph, untrusted=True)
    return parsed.serialize(format="nt", encoding="utf-8").decode("utf-8")


def _parts(body: bytes, content_type: str) -> list[tuple[bytes, str]]:
    """The parts of a multipart/form-data body, each with its media type (RFC 7578)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body
    )
    if not message.is_multipart():
        raise HTTPException(400, "a multipart/form-data body without parts (is the boundary right?)")
    parts = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        parts.append((payload if isinstance(payload, bytes) else b"", part.get_content_type()))
    return parts
