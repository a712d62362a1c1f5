"""``/``: where to start — the endpoint, the graphs and an example query."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from gzg_graph import queries
from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe
from gzg_graph.publishing.void import void_description
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from ..deps import get_store, get_uris
from ..negotiation import choose
from ..responses import errors, rdf_media_type, success

router = APIRouter(tags=["Service"])

#: Where VoID says a dataset's description is found (VoID, section 7.2 "Discovery via /.well-known/void").
VOID_PATH = "/.well-known/void"
VOID_FORMATS = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)


@router.api_route("/", methods=["GET", "HEAD"], summary="Service overview: graphs, endpoint and example queries")
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
    if choose(request.headers.get("accept"), ["application/json", "text/html"]) == "application/json":
        return JSONResponse(overview)
    example = queries.load("calls", uris.base) if "calls" in queries.names() else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    items = "".join(
        f'<li><a href="{escape(str(g["document"]))}">{escape(str(g["graph"]))}</a>: {g["triples"]} triples</li>'
        for g in graphs
    )
    return HTMLResponse(f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gzg-graph</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}}</style></head><body>
<h1>Gemeente zonder Gemeentehuis knowledge graph</h1>
<p>SPARQL 1.1 endpoint: <a href="/sparql">/sparql</a> (GET <code>?query=</code> or POST). Graph Store Protocol:
<code>/graph-store?graph=</code>. Dataset statistics (VoID): <a href="{VOID_PATH}">{VOID_PATH}</a>.
API documentation: <a href="/docs">/docs</a>.</p>
<h2>Graphs</h2><ul>{items or "<li>The store is empty: run <code>gzg build</code>.</li>"}</ul>
<h2>Example</h2><pre>{escape(example)}</pre>
<p><a href="/sparql?query={quote(example)}">Run it</a></p></body></html>""")


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
