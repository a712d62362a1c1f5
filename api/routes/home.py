"""``/``: where to start. A person gets the programme, its calls and projects and a search (HTML); a client
asking for JSON-LD the API's entry point (Hydra: the collections, the document of any URI); one asking for JSON
the endpoints, the graphs and the shipped queries."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from gzg_graph import queries
from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe, jsonld
from gzg_graph.publishing.collection_specs import collections
from gzg_graph.publishing.entry_point import entry_point
from gzg_graph.publishing.overview import overview as programme_overview
from gzg_graph.publishing.void import void_description
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from .. import formatting, pages
from ..deps import get_store, get_uris
from ..negotiation import choose
from ..responses import errors, rdf_media_type, success

router = APIRouter(tags=["Service"])

#: Where VoID says a dataset's description is found (VoID, section 7.2 "Discovery via /.well-known/void").
VOID_PATH = "/.well-known/void"
VOID_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)


#: What ``/`` answers: the home page for people, the Hydra entry point (JSON-LD) and the service overview (JSON).
HOME_TYPES = ["text/html", RdfFormat.JSONLD.value, "application/json"]
#: The documents that describe the service, listed by the entry point.
DESCRIPTIONS = ["/doc/catalog/gzg", VOID_PATH, "/ns/gzg"]


@router.api_route(
    "/",
    methods=["GET", "HEAD"],
    summary="Where to start: the home page, the API's entry point (JSON-LD, Hydra) or the service overview (JSON)",
    responses={**success("The home page, the entry point or the overview, by Accept", HOME_TYPES)},
)
def home(request: Request, store: Store = Depends(get_store), uris: UriPolicy = Depends(get_uris)) -> Response:
    graphs: list[dict[str, str | int]] = [
        {"graph": g.name, "triples": g.triples, "document": g.name.replace("/id/", "/doc/", 1)} for g in store.graphs()
    ]
    overview = {
        "sparql": "/sparql",
        "graph_store": "/graph-store",
        "void": VOID_PATH,
        "openapi": "/docs",
        "graphs": graphs,
        "queries": queries.names(),
    }
    chosen = choose(request.headers.get("accept"), ["application/json", RdfFormat.JSONLD.value, "text/html"])
    if chosen == "application/json":
        return JSONResponse(overview)
    if chosen == RdfFormat.JSONLD.value:
        titles = {
            name: {lang: pages.texts()[lang][name.replace("-", "_")] for lang in pages.LANGUAGES}
            for name in collections(uris.base)
        }
        document = entry_point(store, uris, titles, DESCRIPTIONS)
        return Response(
            jsonld.serialise(document), media_type=rdf_media_type(RdfFormat.JSONLD), headers={"Vary": "Accept"}
        )
    return _page(request, store, uris, graphs)


def _page(request: Request, store: Store, uris: UriPolicy, graphs: list[dict[str, str | int]]) -> Response:
    """The home page: the programme, its calls and projects, search, and the ways in for developers."""
    lang = pages.language(request)

    def href(uri: str) -> str:
        doc = uris.doc_for(str(uri))
        return doc[len(uris.base) :] if doc else f"/resource?uri={quote(str(uri), safe='')}"

    listed = [
        {"name": g["graph"], "href": href(str(g["graph"])), "triples": formatting.number(int(g["triples"]), lang)}
        for g in graphs
    ]
    return pages.render(
        request,
        "home.html",
        overview=programme_overview(store, uris, lang),
        href=href,
        graphs=listed,
        void_path=VOID_PATH,
    )


@router.api_route(
    VOID_PATH,
    methods=["GET", "HEAD"],
    summary="VoID description: each named graph with its size and its class and property partitions",
    responses={**success("The VoID description", [f.value for f in VOID_FORMATS]), **errors(406)},
)
def void(request: Request, store: Store = Depends(get_store), uris: UriPolicy = Depends(get_uris)) -> Response:
    offered = [f.value for f in VOID_FORMATS]
    media_type = choose(request.headers.get("accept"), offered)
    if media_type is None:
        raise HTTPException(406, f"the VoID description is offered as: {', '.join(offered)}")
    generation = getattr(store, "generation", None)
    cached = getattr(request.app.state, "void", None)
    if cached is None or cached[0] != generation or generation is None:  # counted once per store generation
        cached = request.app.state.void = (generation, void_description(store, uris))
    body = describe.serialise(cached[1], RdfFormat(media_type))
    return Response(body, media_type=rdf_media_type(RdfFormat(media_type)), headers={"Vary": "Accept"})
