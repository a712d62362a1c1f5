"""The ontology as documentation: its classes and properties with their labels, definitions and alignments.

Read from the ontology graph as the store holds it (``ontology/gzg.ttl``), so the page ``/ns/gzg`` is
generated, never written by hand: a term added to the ontology appears on it with its anchor (its local
name, so ``/ns/gzg#Bouwsteen`` lands on it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

#: Relations of a term to other terms, in the order a reader wants them: hierarchy, then alignments.
RELATIONS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    RDFS.seeAlso,
)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty)


@dataclass(frozen=True)
class Term:
    """One class or property of the ontology."""

    iri: URIRef
    anchor: str  # the local name: the fragment of the term's IRI
    kinds: tuple[URIRef, ...]  # owl:Class, owl:ObjectProperty, owl:FunctionalProperty, ...
    labels: dict[str, str]  # {lang: label}
    definitions: dict[str, str]  # {lang: rdfs:comment / skos:definition}
    domains: tuple[URIRef, ...] = ()
    ranges: tuple[URIRef, ...] = ()
    relations: tuple[tuple[URIRef, URIRef], ...] = ()  # (relation, other term)
    disjoint_with: tuple[URIRef, ...] = ()

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or next(iter(self.labels.values()), self.anchor)

    def definition(self, lang: str) -> str | None:
        return self.definitions.get(lang) or next(iter(self.definitions.values()), None)


@dataclass(frozen=True)
class OntologyDoc:
    """The ontology's own description and its terms (classes and properties, each sorted by local name)."""

    iri: URIRef
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    version_iri: URIRef | None
    license: URIRef | None
    see_also: tuple[URIRef, ...]
    classes: tuple[Term, ...]
    properties: tuple[Term, ...]
    namespace: str = field(default="")

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or next(iter(self.titles.values()), str(self.iri))

    def description(self, lang: str) -> str | None:
        return self.descriptions.get(lang) or next(iter(self.descriptions.values()), None)

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.classes + self.properties


def _texts(graph: Graph, node: Node, *properties: URIRef) -> dict[str, str]:
    """``{lang: text}`` over ``properties`` (the first property with a text in a language wins)."""
    found: dict[str, str] = {}
    for prop in properties:
        for literal in graph.objects(node, prop):
            if isinstance(literal, Literal):
                found.setdefault(literal.language or "", str(literal))
    return found


def _iris(graph: Graph, node: Node, prop: URIRef) -> tuple[URIRef, ...]:
    return tuple(sorted(o for o in graph.objects(node, prop) if isinstance(o, URIRef)))


def _term(graph: Graph, iri: URIRef, namespace: str) -> Term:
    disjoint = set(_iris(graph, iri, OWL.disjointWith))
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = graph.value(group, OWL.members)
        listed = set(graph.items(members)) if members is not None else set()
        if iri in listed:
            disjoint |= {m for m in listed if isinstance(m, URIRef) and m != iri}
    return Term(
        iri=iri,
        anchor=str(iri)[len(namespace) :],
        kinds=_iris(graph, iri, RDF.type),
        labels=_texts(graph, iri, RDFS.label, SKOS.prefLabel),
        definitions=_texts(graph, iri, SKOS.definition, RDFS.comment),
        domains=_iris(graph, iri, RDFS.domain),
        ranges=_iris(graph, iri, RDFS.range),
        relations=tuple((rel, other) for rel in RELATIONS for other in _iris(graph, iri, rel)),
        disjoint_with=tuple(sorted(disjoint)),
    )


def ontology_doc(graph: Graph, namespace: str) -> OntologyDoc:
    """The documentation model of the ontology in ``graph`` whose terms are in ``namespace`` (``.../ns/gzg#``).

    A term is documented when it is in the namespace and typed as a class or a property; the external terms
    the ontology only declares (to be OWL 2 DL on its own) are linked, not documented."""
    iri = URIRef(namespace.rstrip("#/"))
    ours = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(namespace)}
    classes = [s for s in ours if (s, RDF.type, OWL.Class) in graph or (s, RDF.type, RDFS.Class) in graph]
    properties = [s for s in ours if any((s, RDF.type, kind) in graph for kind in PROPERTY_TYPES)]
    version_iri = graph.value(iri, OWL.versionIRI)
    licence = graph.value(iri, DCTERMS.license)
    version = graph.value(iri, OWL.versionInfo)
    return OntologyDoc(
        iri=iri,
        titles=_texts(graph, iri, DCTERMS.title, RDFS.label),
        descriptions=_texts(graph, iri, DCTERMS.description, RDFS.comment),
        version=str(version) if version is not None else None,
        version_iri=version_iri if isinstance(version_iri, URIRef) else None,
        license=licence if isinstance(licence, URIRef) else None,
        see_also=_iris(graph, iri, RDFS.seeAlso),
        classes=tuple(sorted((_term(graph, c, namespace) for c in classes), key=lambda t: t.anchor.lower())),
        properties=tuple(sorted((_term(graph, p, namespace) for p in properties), key=lambda t: t.anchor.lower())),
        namespace=namespace,
    )
