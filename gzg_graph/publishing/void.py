"""The VoID description of the dataset (https://www.w3.org/TR/void/), served at ``/.well-known/void``.

The whole graph is one ``void:Dataset`` (the catalogue's dataset) whose subsets are the named graphs, each
with its size, distinct subjects and objects, and its class and property partitions, all counted from the
store as it is now. The named graphs' IRIs are the datasets' IRIs of the DCAT catalogue, so the two
descriptions meet on the same resources.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from .. import queries
from ..namespaces import bind_prefixes
from ..store.base import Store
from ..uris import UriPolicy


def void_description(store: Store, uris: UriPolicy) -> Graph:
    """VoID statistics of every named graph in ``store``, as subsets of the catalogue's dataset."""
    graph = bind_prefixes(Graph(), str(uris.ns))
    graph.bind("void", VOID)
    whole = uris.id("catalog", "gzg")
    endpoint = URIRef(f"{uris.base}/sparql")
    graph.add((whole, RDF.type, VOID.Dataset))
    graph.add((whole, VOID.sparqlEndpoint, endpoint))
    graph.add((whole, VOID.rootResource, whole))
    (total,) = store.select(queries.load("void-dataset"))
    graph.add((whole, VOID.triples, _integer(total["triples"])))
    graph.add((whole, VOID.distinctSubjects, _integer(total["subjects"])))
    graph.add((whole, VOID.distinctObjects, _integer(total["objects"])))
    for row in store.select(queries.load("void-graphs")):
        subset = URIRef(row["graph"])
        graph.add((whole, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, VOID.sparqlEndpoint, endpoint))
        graph.add((subset, DCTERMS.isPartOf, whole))
        for key, term in (
            ("triples", VOID.triples),
            ("subjects", VOID.distinctSubjects),
            ("objects", VOID.distinctObjects),
            ("properties", VOID.properties),
        ):
            graph.add((subset, term, _integer(row[key])))
    classes: dict[URIRef, int] = {}
    for row in store.select(queries.load("void-classes")):
        partition = BNode()
        subset = URIRef(row["graph"])
        classes[subset] = classes.get(subset, 0) + 1
        graph.add((subset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"])))
        graph.add((partition, VOID.entities, _integer(row["entities"])))
    for subset, count in classes.items():
        graph.add((subset, VOID.classes, _integer(count)))
    for row in store.select(queries.load("void-properties")):
        partition = BNode()
        graph.add((URIRef(row["graph"]), VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(row["property"])))
        graph.add((partition, VOID.triples, _integer(row["triples"])))
    return graph


def _integer(value: int | str) -> Literal:
    return Literal(int(value), datatype=XSD.integer)
