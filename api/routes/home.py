"""``/``: where to start — the endpoint, the graphs and an example query."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from gzg_graph import queries
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from ..deps import get_store, get_uris
from ..negotiation import choose

router = APIRouter(tags=["Service"])


@router.api_route("/", methods=["GET", "HEAD"], summary="Service overview: graphs, endpoint and example queries")
def home(request: Request, store: Store = Depends(get_store), uris: UriPolicy = Depends(get_uris)) -> Response:
    graphs: list[dict[str, str | int]] = [
        {"graph": g.name, "triples": g.triples, "document": g.name.replace("/id/", "/doc/", 1)} for g in store.graphs()
    ]
    overview = {"sparql": "/sparql", "openapi": "/docs", "graphs": graphs, "queries": queries.names()}
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
<p>SPARQL 1.1 endpoint: <code>/sparql</code> (GET <code>?query=</code> or POST). API documentation: <a href="/docs">/docs</a>.</p>
<h2>Graphs</h2><ul>{items or "<li>The store is empty: run <code>gzg build</code>.</li>"}</ul>
<h2>Example</h2><pre>{escape(example)}</pre>
<p><a href="/sparql?query={quote(example)}">Run it</a></p></body></html>""")
