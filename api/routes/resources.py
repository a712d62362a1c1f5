"""Dereferenceable URIs: ``/id/...`` answers 303 to ``/doc/...``, which describes the thing.

A URI that was replaced (a participation's before readable slugs) answers 301 to its new URI, in ``/id/`` and
``/doc/`` alike (``gzg_graph.publishing.moved`` says where it went).

``/resource?uri=...`` describes any URI the graph knows (e.g. LBLOD's local governments), and
``/doc/...`` negotiates Turtle, JSON-LD, N-Triples, RDF/XML or HTML (``?format=`` overrides Accept).
JSON-LD is compacted with the published context ``/ns/context.jsonld`` (by reference) and nested
(``gzg_graph.publishing.jsonld``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe, jsonld, moved
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from ..deps import get_store, get_uris
from ..html import render_description
from ..negotiation import choose
from ..responses import RESOURCE_TYPES, errors, rdf_media_type, success

router = APIRouter(tags=["Resources"])

HTML = "text/html"
#: The graph formats a resource document is offered in (a description is one graph: no dataset formats).
RDF_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)
OFFERED = [f.value for f in RDF_FORMATS] + [HTML, "application/json"]

#: A participation URI of before the readable slugs (``{project}--{LBLOD id}``) redirects to today's.
MOVED: dict[int | str, dict[str, Any]] = {
    301: {"description": "The URI was replaced; Location gives the new one (same query).", "content": {}}
}

FormatParam = Annotated[
    str | None, Query(alias="format", description="ttl, jsonld, nt, rdf or html; overrides Accept.")
]


@router.api_route(
    methods=["GET", "HEAD"],
    path="/id/{path:path}",
    summary="A thing's URI: 303 See Other to its document",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "See the document about the thing (/doc/...).", "content": {}},
        **MOVED,
        **errors(404),
    },
)
def thing(
    path: str, request: Request, store: Store = Depends(get_store), uris: UriPolicy = Depends(get_uris)
) -> RedirectResponse:
    if not path or any(segment in ("", ".", "..") for segment in path.split("/")):
        raise HTTPException(404, f"no thing is named /id/{path}")  # never redirect a path trick onwards
    new_uri = moved.moved_to(store, f"{uris.base}/id/{path}", uris)
    if new_uri is not None:
        return _moved_permanently(request, new_uri, uris)
    target = f"/doc/{path}"
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


def _moved_permanently(request: Request, new_url: str, uris: UriPolicy) -> RedirectResponse:
    """301 to a URL under our base, as a path on this server (as the 303 is), the query string kept."""
    target = new_url[len(uris.base) :]
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=301)


@router.api_route(
    methods=["GET", "HEAD"],
    path="/doc/{path:path}",
    summary="The document describing a thing minted under this base",
    responses={**success("The description", RESOURCE_TYPES), **MOVED, **errors(400, 404, 406, 503)},
)
def doc(
    path: str,
    request: Request,
    fmt: FormatParam = None,
    store: Store = Depends(get_store),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    uri = f"{uris.base}/id/{path}"
    new_uri = moved.moved_to(store, uri, uris)
    if new_uri is not None:
        return _moved_permanently(request, uris.doc_for(new_uri) or new_uri, uris)
    return _describe(request, store, uris, uri, f"{uris.base}/doc/{path}", fmt)


@router.api_route(
    methods=["GET", "HEAD"],
    path=jsonld.CONTEXT_PATH,
    summary="The JSON-LD context of every resource document (OSLO terms and our own)",
    responses={**success("The context", [RdfFormat.JSONLD.value])},
)
def json_ld_context(uris: UriPolicy = Depends(get_uris)) -> Response:
    body = jsonld.serialise(jsonld.context(uris.base))
    # the context changes only with a new release (or base): caches may keep it for a day without asking
    return Response(body, media_type=RdfFormat.JSONLD.value, headers={"Cache-Control": "public, max-age=86400"})


@router.api_route(
    methods=["GET", "HEAD"],
    path="/resource",
    summary="Describe any URI the graph knows (e.g. an LBLOD local government)",
    responses={**success("The description", RESOURCE_TYPES), **errors(400, 404, 406, 503)},
)
def resource(
    request: Request,
    uri: Annotated[str, Query(description="The absolute URI to describe.")],
    fmt: FormatParam = None,
    store: Store = Depends(get_store),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    return _describe(request, store, uris, uri, None, fmt)


def _describe(
    request: Request, store: Store, uris: UriPolicy, uri: str, doc_url: str | None, fmt: str | None
) -> Response:
    media_type = _negotiate(request, fmt)
    try:
        graph = describe.document(store, uri, uris, doc_url)
    except describe.NotFound as e:
        raise HTTPException(404, str(e)) from e
    headers = {"Vary": "Accept"}
    if media_type == HTML:
        return render_description(request, graph, uri, store, uris)  # varies by Accept and Accept-Language
    rdf_format = RdfFormat.JSONLD if media_type == "application/json" else RdfFormat(media_type)
    if rdf_format == RdfFormat.JSONLD:
        body = jsonld.serialise(jsonld.to_jsonld(graph, uri, uris))
    else:
        body = describe.serialise(graph, rdf_format)
    return Response(body, media_type=rdf_media_type(rdf_format), headers=headers)


def _negotiate(request: Request, fmt: str | None) -> str:
    if fmt is not None:
        if fmt.strip().lower() == "html":
            return HTML
        try:
            chosen = RdfFormat.from_name(fmt)
        except ValueError:
            chosen = None
        if chosen not in RDF_FORMATS:
            names = ", ".join([f.short_name for f in RDF_FORMATS] + ["html"])
            raise HTTPException(400, f"unknown format {fmt!r}; use one of {names}")
        return chosen.value
    media_type = choose(request.headers.get("accept"), OFFERED)
    if media_type is None:
        raise HTTPException(406, f"offered: {', '.join(OFFERED)}")
    return media_type
