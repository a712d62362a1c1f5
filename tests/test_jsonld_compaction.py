"""The fast JSON-LD path (gzg_graph.publishing.compaction) gives exactly what plain pyld gives: the same expanded
nodes as ``from_rdf``, the same compacted document byte for byte, for resources of every kind in the real graph
and for a description made to hit the corners (blank nodes, languages, datatypes, unknown properties, lists)."""

from __future__ import annotations

import json

import pytest
from pyld import jsonld as pyld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from gzg_graph.namespaces import M8G
from gzg_graph.publishing import compaction, describe, jsonld
from gzg_graph.uris import UriPolicy

#: Resources described per class of the real graph (every class, so every kind of document is covered).
PER_CLASS = 4


@pytest.fixture(scope="module")
def uris(built) -> UriPolicy:
    return UriPolicy(built[0].base_uri)


@pytest.fixture(scope="module")
def documents(store, uris) -> list[tuple[str, Graph]]:
    """Descriptions of up to PER_CLASS resources of each class, plus every resource without a class."""
    rows = store.select("SELECT DISTINCT ?s ?c WHERE { ?s ?p ?o OPTIONAL { ?s a ?c } FILTER(isIRI(?s)) }")
    chosen: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda r: (r.get("c", ""), r["s"])):
        picked = chosen.setdefault(row.get("c", ""), [])
        if len(picked) < PER_CLASS and row["s"] not in picked:
            picked.append(row["s"])
    subjects = sorted({s for picked in chosen.values() for s in picked})
    assert len(subjects) > 50
    return [(s, describe.document(store, s, uris, uris.doc_for(s))) for s in subjects]


def test_nodes_are_those_of_from_rdf(documents):
    for uri, graph in documents:
        reference = pyld.from_rdf(graph.serialize(format="nt"), {"format": "application/n-quads"})
        assert compaction.expanded_nodes(graph) == reference, uri


def test_documents_equal_plain_pyld(documents, uris):
    for uri, graph in documents:
        fast = jsonld.serialise(jsonld.to_jsonld(graph, uri, uris))
        assert fast == jsonld.serialise(jsonld.to_jsonld_reference(graph, uri, uris)), uri


def test_documents_expand_to_the_description(documents, uris):
    for uri, graph in documents[:: max(1, len(documents) // 40)]:  # the round trip is slow (pyld): a sample
        assert set(jsonld.to_graph(jsonld.to_jsonld(graph, uri, uris), uris)) == set(graph), uri


def _corners(uris: UriPolicy) -> tuple[str, Graph]:
    """A description with the shapes the real graph has few of."""
    graph = Graph()
    thing = URIRef(uris.base + "/id/project/corner")
    period, shared, other = BNode(), BNode(), URIRef("https://example.org/elsewhere")
    graph.add((thing, RDF.type, URIRef(uris.ns + "Bouwsteen")))
    graph.add((thing, DCTERMS.title, Literal("Hoek", lang="nl")))
    graph.add((thing, DCTERMS.title, Literal("Corner", lang="en")))
    graph.add((thing, DCTERMS.title, Literal("zonder taal")))
    graph.add((thing, SKOS.notation, Literal("7", datatype=XSD.integer)))
    graph.add((thing, SKOS.notation, Literal("007", datatype=XSD.integer)))  # not canonical: stays a literal
    graph.add((thing, URIRef("https://example.org/flag"), Literal("true", datatype=XSD.boolean)))
    graph.add((thing, URIRef("https://example.org/when"), Literal("2024-01-01", datatype=XSD.date)))
    graph.add((thing, DCTERMS.temporal, period))
    graph.add((period, RDF.type, M8G.PeriodOfTime))
    graph.add((period, M8G.startTime, Literal("2024-01-01", datatype=XSD.date)))
    graph.add((period, M8G.endTime, Literal("2024-12-31T23:59:59", datatype=XSD.dateTime)))
    graph.add((thing, DCTERMS.references, shared))
    graph.add((other, DCTERMS.references, shared))
    graph.add((shared, RDFS.label, Literal("twice", lang="en")))
    graph.add((other, RDFS.label, Literal("elders", lang="nl")))
    return str(thing), graph


def test_corner_cases_equal_plain_pyld(uris):
    uri, graph = _corners(uris)
    assert compaction.expanded_nodes(graph) == pyld.from_rdf(graph.serialize(format="nt"), {})
    fast = jsonld.to_jsonld(graph, uri, uris)
    assert jsonld.serialise(fast) == jsonld.serialise(jsonld.to_jsonld_reference(graph, uri, uris))
    assert isomorphic(jsonld.to_graph(fast, uris), graph)


def test_a_list_takes_the_reference_path(uris):
    """from_rdf turns an RDF list into @list; the fast reader leaves those to pyld."""
    uri, graph = _corners(uris)
    items = BNode()
    Collection(graph, items, [Literal("a"), Literal("b")])
    graph.add((URIRef(uri), URIRef("https://example.org/items"), items))
    assert compaction.expanded_nodes(graph) is None
    document = jsonld.to_jsonld(graph, uri, uris)
    assert json.dumps(document) == json.dumps(jsonld.to_jsonld_reference(graph, uri, uris))
    assert {"@list": ["a", "b"]} in [document.get("https://example.org/items")]


def test_term_choices_are_remembered_but_bounded(documents, uris, monkeypatch):
    monkeypatch.setattr(compaction, "MAX_CHOICES", 5)
    fresh = compaction.Compactor(jsonld.context_url(uris), jsonld.document_loader(uris))
    uri, graph = documents[0]
    tree = jsonld._nest(jsonld._native_values(compaction.expanded_nodes(graph)), uri, jsonld._reverse_iris(uris))
    assert fresh.compact(tree) == jsonld.to_jsonld_reference(graph, uri, uris)
    assert len(fresh._processor._choices) <= 5
