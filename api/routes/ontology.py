"""``/ns/gzg``: our ontology, where every ``{base}/ns/gzg#Term`` resolves (the fragment stays in the browser).

Served by negotiation (``Accept`` or ``?format=``) as Turtle, JSON-LD, N-Triples, RDF/XML (the ontology
graph as the store holds it) or HTML: documentation generated from that graph
(``gzg_graph.publishing.ontology_docs``), one section per class and property with its local name as anchor.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from rdflib import URIRef

from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe
from gzg_graph.publishing.ontology_docs import RELATIONS, ontology_doc
from gzg_graph.store import Store
from gzg_graph.uris import UriPolicy

from .. import pages
from ..deps import get_store, get_uris
from ..html import alternates, ontology_graph, term_labels
from ..resource_page import prefixed
from ..responses import RESOURCE_TYPES, errors, rdf_media_type, success
from .resources import HTML, _negotiate

router = APIRouter(tags=["Resources"])

ONTOLOGY_PATH = "/ns/gzg"


@router.api_route(
    methods=["GET", "HEAD"],
    path=ONTOLOGY_PATH,
    summary="The gzg ontology (our own terms): RDF, or HTML documentation generated from it",
    responses={**success("The ontology", RESOURCE_TYPES), **errors(400, 404, 406)},
)
def ontology(
    request: Request,
    fmt: Annotated[
        str | None, Query(alias="format", description="ttl, jsonld, nt, rdf or html; overrides Accept.")
    ] = None,
    store: Store = Depends(get_store),
    uris: UriPolicy = Depends(get_uris),
) -> Response:
    media_type = _negotiate(request, fmt)
    graph = ontology_graph(request, store, uris)
    if len(graph) == 0:
        raise HTTPException(404, "the store holds no ontology graph: run gzg build")
    if media_type == HTML:
        return _page(request, store, uris)
    rdf_format = RdfFormat.JSONLD if media_type == "application/json" else RdfFormat(media_type)
    body = describe.serialise(graph, rdf_format)
    return Response(body, media_type=rdf_media_type(rdf_format), headers={"Vary": "Accept"})


def _page(request: Request, store: Store, uris: UriPolicy) -> Response:
    lang = pages.language(request)
    graph = ontology_graph(request, store, uris)
    labels = term_labels(request, store, uris)
    namespace = str(uris.ns)

    def qname(iri: URIRef) -> str:
        return prefixed(graph, iri)

    def href(iri: URIRef) -> str:
        return "#" + str(iri)[len(namespace) :] if str(iri).startswith(namespace) else str(iri)

    def name(iri: URIRef) -> str:
        return labels.label(iri, lang) or qname(iri)

    def ordered(texts: dict[str, str]) -> list[tuple[str, str]]:
        """Texts in the page's language first."""
        return sorted(texts.items(), key=lambda item: (item[0] != lang, item[0]))

    relation_keys = {rel: "ontology_relation_" + str(rel).rsplit("#", 1)[-1].rsplit("/", 1)[-1] for rel in RELATIONS}
    return pages.render(
        request,
        "ontology.html",
        doc=ontology_doc(graph, namespace),
        qname=qname,
        href=href,
        name=name,
        relation_keys=relation_keys,
        ordered=ordered,
        formats=alternates(request),
    )
