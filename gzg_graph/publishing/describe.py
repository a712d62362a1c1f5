"""Describing one resource: the triples behind a dereferenced URI (``/doc/...``) in any RDF syntax."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from .. import queries
from ..errors import GzgError
from ..formats import RdfFormat
from ..namespaces import M8G, bind_prefixes
from ..store.base import Store
from ..terms import is_iri
from ..uris import UriPolicy


class NotFound(GzgError, LookupError):
    """The graph says nothing about this resource."""


#: The labels a description carries for the things it links to.
LABELS = (SKOS.prefLabel, DCTERMS.title, RDFS.label)


def describe(store: Store, uri: str, uris: UriPolicy) -> Graph:
    """The description of ``uri`` as an rdflib Graph (for serialising with prefixes and JSON-LD context)."""
    if not is_iri(uri):
        raise GzgError(f"not an absolute IRI: {uri!r}")
    sparql = queries.load("describe", uris.base)
    body = store.query(sparql, RdfFormat.NTRIPLES, bindings={"resource": URIRef(uri)}).body
    graph = bind_prefixes(Graph(), str(uris.ns))
    graph.parse(data=body.decode("utf-8"), format="nt")
    if len(graph) == 0:
        raise NotFound(f"nothing is known about <{uri}>")
    for triple in _incoming(store, graph, URIRef(uri), uris):
        graph.add(triple)
    return graph


def _incoming(store: Store, graph: Graph, resource: URIRef, uris: UriPolicy) -> set:
    """The links into a description that a reader needs, with the labels of where they come from.

    Who takes part in each participation (``m8g:playsRole``) and in which project (``m8g:hasParticipation``),
    so a project lists its consortium by name and a local government its projects; a call's projects
    (``gzg:oproep``), a building block's projects (``gzg:gebruiktBouwsteen``), what is about a theme
    (``dct:subject``); and the labels of the participations' roles.
    """
    participations = set(graph.objects(resource, M8G.hasParticipation)) | set(graph.objects(resource, M8G.playsRole))
    found = store.triples_to(participations, [M8G.playsRole, M8G.hasParticipation])
    found |= store.triples_to([resource], [uris.ns.oproep, uris.ns.gebruiktBouwsteen, DCTERMS.subject])
    sources = {s for s, _, _ in found if s != resource}
    roles = {o for p in participations for o in graph.objects(p, M8G.role)}
    found |= {t for t in store.triples_from(sources | roles) if t[1] in LABELS}
    return found


def document(store: Store, uri: str, uris: UriPolicy, document_url: str | None = None) -> Graph:
    """``describe`` plus the document's own metadata (``foaf:primaryTopic``), as the URI standard asks."""
    graph = describe(store, uri, uris)
    if document_url:
        doc = URIRef(document_url)
        graph.add((doc, RDF.type, FOAF.Document))
        graph.add((doc, FOAF.primaryTopic, URIRef(uri)))
        graph.add((doc, DCTERMS.isPartOf, uris.id("catalog", "gzg")))
        graph.add((doc, DCTERMS.title, Literal(f"Beschrijving van {uri}", lang="nl")))
    return graph


def serialise(graph: Graph, fmt: RdfFormat, context: dict[str, str] | None = None) -> bytes:
    """Serialise with rdflib; JSON-LD is compacted with the project's prefixes as its context."""
    if fmt.is_dataset_format and fmt != RdfFormat.JSONLD:
        raise GzgError(f"a resource description is a graph; {fmt.value} is not offered")
    if fmt == RdfFormat.JSONLD:
        ctx = context or {p: str(ns) for p, ns in graph.namespaces() if p}
        return graph.serialize(format="json-ld", context=ctx, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")
