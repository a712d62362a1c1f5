"""Describing one resource: the triples behind a dereferenced URI (``/doc/...``) in any RDF syntax."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from .. import queries
from ..errors import GzgError
from ..formats import RdfFormat
from ..namespaces import bind_prefixes
from ..store.base import Store
from ..terms import is_iri
from ..uris import UriPolicy


class NotFound(GzgError, LookupError):
    """The graph says nothing about this resource."""


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
    return graph


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
