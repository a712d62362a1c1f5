"""A resource's description read with pattern reads is what ``queries/describe.rq`` constructs.

``describe.describe`` reads descriptions natively (``Store.triples_from``) for speed; the SPARQL query stays
the definition of what a description holds. Both are run here on the real graph for resources of every kind
and must give the same graph (blank nodes matched by structure)."""

from __future__ import annotations

import pytest
from conftest import BASE
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from gzg_graph import queries
from gzg_graph.formats import RdfFormat
from gzg_graph.publishing import describe
from gzg_graph.sources.rdf import parse_rdf
from gzg_graph.uris import UriPolicy

KINDS = {
    "project": "SELECT ?r WHERE { ?r a <http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie> } ORDER BY ?r LIMIT 3",
    "call": "SELECT ?r WHERE { ?r a <http://lblod.data.gift/vocabularies/subsidie/SubsidiemaatregelAanbodReeks> } ORDER BY ?r LIMIT 3",
    "participation": "SELECT ?r WHERE { ?r a <http://data.europa.eu/m8g/Participation> } ORDER BY ?r LIMIT 3",
    "local government": "SELECT ?r WHERE { ?r a <http://data.vlaanderen.be/ns/besluit#Bestuurseenheid> } ORDER BY ?r LIMIT 3",
    "concept": "SELECT ?r WHERE { ?r a <http://www.w3.org/2004/02/skos/core#Concept> } ORDER BY ?r LIMIT 3",
    "dataset": "SELECT ?r WHERE { ?r a <http://www.w3.org/ns/dcat#Dataset> } ORDER BY ?r LIMIT 3",
    "organisation": "SELECT DISTINCT ?r WHERE { ?r <http://data.europa.eu/m8g/playsRole> ?x } ORDER BY ?r LIMIT 5",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_native_description_is_the_querys(store, kind):
    uris = UriPolicy(BASE)
    resources = [row["r"] for row in store.select(KINDS[kind])]
    assert resources, f"no {kind} in the real graph"
    for resource in resources:
        native = Graph()
        for triple in describe._described(store, URIRef(resource), uris):  # noqa: SLF001 - what is compared
            native.add(triple)
        body = store.query(
            queries.load("describe", BASE), RdfFormat.NTRIPLES, bindings={"resource": URIRef(resource)}
        ).body
        constructed = parse_rdf(body, RdfFormat.NTRIPLES, "describe.rq")  # literals spelt as stored, as natively
        assert len(native) == len(constructed) and isomorphic(native, constructed), resource
