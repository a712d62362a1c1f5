"""Describing one resource: the triples behind a dereferenced URI (``/doc/...``) in any RDF syntax."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from ..errors import GzgError
from ..formats import RdfFormat
from ..namespaces import ADMS, GENERIEK, M8G, SCHEMA, bind_prefixes
from ..store.base import Store, Triple
from ..terms import is_iri
from ..uris import UriPolicy
from . import turtle


class NotFound(GzgError, LookupError):
    """The graph says nothing about this resource."""


#: The labels a description carries for the things it links to.
LABELS = (SKOS.prefLabel, DCTERMS.title, RDFS.label)
#: Nodes a resource owns (its amounts, periods, identifiers, participations), as describe.rq lists them; our
#: own two (gzg:Benaming, gzg:Kerncijfers) depend on the base, see _owned_types.
OWNED_TYPES = frozenset({SCHEMA.MonetaryAmount, M8G.PeriodOfTime, ADMS.Identifier, M8G.Participation})
#: Nodes inside an owned node that are described too (a period's, an identifier's, an amount's parts).
NESTED_TYPES = frozenset({M8G.PeriodOfTime, GENERIEK.GestructureerdeIdentificator, SCHEMA.MonetaryAmount})


def describe(store: Store, uri: str, uris: UriPolicy) -> Graph:
    """The description of ``uri`` as an rdflib Graph (for serialising with prefixes and JSON-LD context).

    What it holds is what ``queries/describe.rq`` constructs (tests/test_describe.py checks they agree); it is
    read with the store's pattern reads (``Store.triples_from``), three of them, instead of that query: the
    query's evaluation took about 40 ms a document on the real graph, the reads take a few."""
    if not is_iri(uri):
        raise GzgError(f"not an absolute IRI: {uri!r}")
    resource = URIRef(uri)
    graph = bind_prefixes(Graph(), str(uris.ns))
    for triple in _described(store, resource, uris):
        graph.add(triple)
    if len(graph) == 0:
        raise NotFound(f"nothing is known about <{uri}>")
    for triple in _incoming(store, graph, resource, uris):
        graph.add(triple)
    return graph


def _described(store: Store, resource: URIRef, uris: UriPolicy) -> set[Triple]:
    """The resource's own triples, the triples of the minted nodes it owns (two levels, as describe.rq) and
    the labels of the IRIs it links to."""
    own = store.triples_from([resource])
    linked = {o for _, _, o in own if not isinstance(o, Literal)}
    around = store.triples_from(linked)
    types = {(s, o) for s, p, o in around if p == RDF.type}
    owned = {s for s, kind in types if kind in _owned_types(uris)}
    found = set(own)
    found |= {t for t in around if t[0] in owned}
    found |= {t for t in around if isinstance(t[0], URIRef) and t[1] in LABELS}
    inner = {o for s, _, o in around if s in owned and not isinstance(o, Literal)}
    nested = store.triples_from(inner)
    nested_types = {s for s, p, o in nested if p == RDF.type and o in NESTED_TYPES}
    found |= {t for t in nested if isinstance(t[0], BNode) or t[0] in nested_types}
    return found


def _owned_types(uris: UriPolicy) -> frozenset[URIRef]:
    """The kinds of node a resource owns: minted for it and described with it (describe.rq's ?ownedType)."""
    return OWNED_TYPES | {uris.ns.Benaming, uris.ns.Kerncijfers}


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
    found |= store.triples_from(sources | roles, predicates=LABELS)  # not an organisation's thousands of links
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
    name = turtle.FORMAT if fmt == RdfFormat.TURTLE else fmt.rdflib  # Turtle with every lexical form kept
    return graph.serialize(format=name, encoding="utf-8")
