"""HTML views of the graph for people: a resource's page, and the ontology the pages name terms with.

The page about a resource (``templates/resource.html``) is rendered from the same description graph its RDF
formats are serialised from (:mod:`api.resource_page` reads it); property and type names come from the
ontology graph in the store and the official vocabularies (``gzg_graph.publishing.labels``), both read once
per store generation.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from rdflib import Graph

from gzg_graph.errors import StoreError
from gzg_graph.formats import RdfFormat
from gzg_graph.namespaces import bind_prefixes
from gzg_graph.publishing.labels import TermLabels
from gzg_graph.store import Store
from gzg_graph.uris import GRAPH_ONTOLOGY, UriPolicy

from . import pages
from .resource_page import resource_view

#: The RDF formats a page links to (``?format=``) and announces with ``<link rel="alternate">``.
ALTERNATES = (RdfFormat.TURTLE, RdfFormat.JSONLD, RdfFormat.NTRIPLES, RdfFormat.RDFXML)


@dataclass(frozen=True)
class Alternate:
    label: str
    media_type: str
    href: str


def alternates(request: Request) -> list[Alternate]:
    """This page's URL in each RDF format (``?format=``; the page's language does not apply to them)."""
    return [Alternate(f.label, f.value, pages.url_with(request, format=f.short_name, lang=None)) for f in ALTERNATES]


def ontology_graph(request: Request, store: Store, uris: UriPolicy) -> Graph:
    """The ontology graph as the store holds it (empty if the store has none), read once per generation."""
    generation = getattr(store, "generation", None)
    cached = getattr(request.app.state, "ontology_graph", None)
    if cached is None or cached[0] != generation or generation is None:
        graph = bind_prefixes(Graph(), str(uris.ns))
        # without an ontology graph, terms are named by the official vocabularies or their prefixed names
        with contextlib.suppress(StoreError):
            graph.parse(data=store.export(RdfFormat.NTRIPLES, str(uris.graph(GRAPH_ONTOLOGY))), format="nt")
        cached = request.app.state.ontology_graph = (generation, graph, TermLabels(graph))
    return cached[1]


def term_labels(request: Request, store: Store, uris: UriPolicy) -> TermLabels:
    ontology_graph(request, store, uris)
    return request.app.state.ontology_graph[2]


def render_description(request: Request, graph: Graph, uri: str, store: Store, uris: UriPolicy) -> HTMLResponse:
    """The page about ``uri`` from its description ``graph``, in the request's language."""
    lang = pages.language(request)
    words: dict[str, Any] = pages.texts()[lang]
    view = resource_view(
        graph, uri, uris, term_labels(request, store, uris), lang, (words["resource_yes"], words["resource_no"])
    )
    return pages.render(request, "resource.html", view=view, formats=alternates(request))
