"""The dataset a query sees is the one the SPARQL 1.1 specification defines, through the store and over HTTP.

The default graph without a dataset is the RDF merge (a set) of the named graphs; a query's FROM/FROM NAMED
define its dataset; the protocol's default-graph-uri/named-graph-uri take precedence over them. Counts on the
real graph are compared with rdflib's evaluation of the same query over the same triples (an independent
engine whose union is a set).
"""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph

from gzg_graph.errors import QueryError
from gzg_graph.formats import RdfFormat
from gzg_graph.store import EmbeddedStore

G1, G2, G3 = "http://example.org/g1", "http://example.org/g2", "http://example.org/g3"
SHARED = b"<http://example.org/a> <http://example.org/p> <http://example.org/o> .\n"
ONLY_G2 = b'<http://example.org/a> <http://example.org/p> "only in g2" .\n'
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
CALLS = (
    "PREFIX lblodSubsidie: <http://lblod.data.gift/vocabularies/subsidie/> "
    "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lblodSubsidie:SubsidiemaatregelAanbodReeks }"
)


@pytest.fixture()
def overlapping(tmp_path) -> EmbeddedStore:
    """g1 and g2 share a triple; g2 has one of its own; g3 has a third."""
    store = EmbeddedStore(tmp_path)
    store.replace_graphs(
        {G1: SHARED, G2: SHARED + ONLY_G2, G3: b'<http://example.org/b> <http://example.org/p> "3" .\n'}
    )
    return store


def count(store: EmbeddedStore, query: str = COUNT, **dataset) -> int:
    return int(store.select(query, **dataset)[0]["n"])


def graphs(store: EmbeddedStore, query: str = GRAPHS, **dataset) -> set[str]:
    return {row["g"] for row in store.select(query, **dataset)}


def test_the_default_graph_is_the_set_merge_of_the_named_graphs(overlapping):
    assert count(overlapping) == 3  # the shared triple once
    assert graphs(overlapping) == {G1, G2, G3}


@pytest.mark.parametrize(
    "query, expected_count, expected_graphs",
    [
        (f"SELECT (COUNT(*) AS ?n) FROM <{G1}> WHERE {{ ?s ?p ?o }}", 1, set()),
        (f"SELECT (COUNT(*) AS ?n) FROM <{G1}> FROM <{G2}> WHERE {{ ?s ?p ?o }}", 2, set()),
        ("PREFIX e: <http://example.org/> SELECT (COUNT(*) AS ?n) FROM e:g2 WHERE { ?s ?p ?o }", 2, set()),
        (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{G1}> WHERE {{ ?s ?p ?o }}", 0, {G1}),
    ],
)
def test_a_query_s_own_from_clauses_define_its_dataset(overlapping, query, expected_count, expected_graphs):
    assert count(overlapping, query) == expected_count
    graphs_query = query.replace("SELECT (COUNT(*) AS ?n)", "SELECT DISTINCT ?g").replace(
        "WHERE { ?s ?p ?o }", "WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert graphs(overlapping, graphs_query) == expected_graphs


def test_the_protocol_s_graphs_take_precedence(overlapping):
    from_g3 = f"SELECT (COUNT(*) AS ?n) FROM <{G3}> WHERE {{ ?s ?p ?o }}"
    assert count(overlapping, from_g3, default_graphs=[G1, G2]) == 2
    assert count(overlapping, named_graphs=[G1]) == 0  # only named graphs: the default graph is empty
    assert graphs(overlapping, named_graphs=[G1]) == {G1}
    assert graphs(overlapping, default_graphs=[G1]) == set()  # only default graphs: no named graphs
    assert count(overlapping, default_graphs=[G1, G2], named_graphs=[G3]) == 2
    assert graphs(overlapping, default_graphs=[G1, G2], named_graphs=[G3]) == {G3}


def test_exports_and_writes_keep_the_merge_apart(overlapping, tmp_path):
    dataset = Dataset()
    dataset.parse(data=overlapping.export(RdfFormat.NQUADS), format="nquads")
    assert len(list(dataset.quads())) == 4  # the named graphs only: g1 1, g2 2, g3 1
    union = Graph().parse(data=overlapping.export(RdfFormat.NTRIPLES), format="nt")
    assert len(union) == 3
    overlapping.add(G3, SHARED)
    assert count(overlapping) == 3 and {g.name: g.triples for g in overlapping.graphs()}[G3] == 2
    assert count(EmbeddedStore(tmp_path)) == 3  # the merge is rebuilt from the snapshot on load
    with pytest.raises(QueryError, match="merge of the named graphs"):
        overlapping.update('INSERT DATA { <http://example.org/x> <http://example.org/p> "1" }')
    overlapping.update(f'INSERT DATA {{ GRAPH <{G3}> {{ <http://example.org/x> <http://example.org/p> "1" }} }}')
    assert count(overlapping) == 4


def test_real_graph_counts_agree_with_rdflib(store):
    """The calls and all triples of the real graph, counted by the store and by rdflib over the same data."""
    independent = Dataset(default_union=True)
    independent.parse(data=store.export(RdfFormat.NQUADS), format="nquads")
    for query in (CALLS, COUNT):
        expected = int(next(iter(independent.query(query)))[0])
        assert count(store, query) == expected, query
    assert count(store, CALLS) == 7


def test_over_http_the_dataset_parameters_apply(store, built):
    from fastapi.testclient import TestClient
    from gzg_api.app import create_app

    client = TestClient(create_app(built[0], store))
    json = {"accept": "application/sparql-results+json"}
    whole = client.get("/sparql", params={"query": CALLS}, headers=json).json()
    assert whole["results"]["bindings"][0]["n"]["value"] == "7"
    only_named = client.get("/sparql", params={"query": CALLS, "named-graph-uri": store.graphs()[0].name}, headers=json)
    assert only_named.status_code == 200 and only_named.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_an_unfinished_from_clause_is_a_syntax_error(overlapping):
    with pytest.raises(QueryError, match="syntax"):
        overlapping.query("SELECT * FROM NAMED")
